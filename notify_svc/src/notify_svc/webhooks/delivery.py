"""The deliverer: claims due webhook deliveries per endpoint and sends them concurrently (ADR 0021).

Each endpoint with due deliveries gets its own worker that keeps at most ``webhook_endpoint_concurrency`` attempts
in flight, each bounded by ``webhook_timeout_seconds``; so a slow or dead subscriber only ever waits on itself.
A claim pushes ``next_attempt_at`` to a lease and stamps a token; the outcome is recorded only while the token
still holds, so a claim that outlived its lease (a crashed process) is retried by someone else, once.
"""

import asyncio
import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notify_svc.config import NotifySettings
from notify_svc.webhooks import outcomes, repository, rules, service, signing
from notify_svc.webhooks.models import Delivery
from notify_svc.webhooks.sender import Sender, SenderConfig
from services.db.outbox import staged_events

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
DUE_SUBSCRIPTIONS_PER_POLL = 500


@dataclass(frozen=True, slots=True)
class Endpoint:
    """What one claim round needs of a subscription, read in the claim's transaction."""

    id: UUID
    url: str
    secrets: list[str]


def sender_config(settings: NotifySettings) -> SenderConfig:
    return SenderConfig(
        allowlist=rules.effective_allowlist(environment=settings.environment, configured=settings.webhook_allowlist),
        allow_http=rules.http_allowed(environment=settings.environment, configured=settings.webhook_allow_http),
        timeout_seconds=settings.webhook_timeout_seconds,
        connections_per_endpoint=settings.webhook_endpoint_concurrency,
    )


class Deliverer:
    def __init__(
        self,
        *,
        session_factory: async_sessionmaker[AsyncSession],
        settings: NotifySettings,
        sender: Sender,
        kick: Callable[[], None] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._sessions, self._settings, self._sender = session_factory, settings, sender
        self._kick, self._rng = kick, rng or random.Random()
        self._workers: dict[UUID, asyncio.Task] = {}
        self.outcomes: Counter[str] = Counter()

    async def run(self) -> None:
        """Until cancelled: every poll, start a worker for each endpoint that has due deliveries and none yet."""
        try:
            while True:
                try:
                    await self._start_workers()
                except Exception:
                    log.warning("webhook deliverer poll failed, will retry", exc_info=True)
                await asyncio.sleep(self._settings.webhook_poll_seconds)
        finally:
            for task in self._workers.values():
                task.cancel()
            await asyncio.gather(*self._workers.values(), return_exceptions=True)

    async def _start_workers(self) -> None:
        for subscription_id in await self._due_subscriptions(_utc_now()):
            if subscription_id not in self._workers:
                task = asyncio.create_task(self._drain(subscription_id, _utc_now), name=f"webhooks:{subscription_id}")
                self._workers[subscription_id] = task
                task.add_done_callback(lambda _, key=subscription_id: self._workers.pop(key, None))

    async def deliver_due(self, now: datetime) -> Counter[str]:
        """Send everything due at ``now`` (scheduler clock), endpoints in parallel, until nothing is due at ``now``."""
        before = self.outcomes.copy()
        while due := await self._due_subscriptions(now):
            progress = sum(self.outcomes.values())
            await asyncio.gather(*(self._drain(subscription_id, lambda: now) for subscription_id in due))
            if sum(self.outcomes.values()) == progress:
                break  # claimed by another deliverer, or failing: do not spin
        return self.outcomes - before

    async def _due_subscriptions(self, now: datetime) -> list[UUID]:
        async with self._sessions() as session:
            return await repository.due_subscription_ids(session, now=now, limit=DUE_SUBSCRIPTIONS_PER_POLL)

    async def _drain(self, subscription_id: UUID, clock: Clock) -> None:
        """Keep up to the endpoint's concurrency in flight until it has nothing due."""
        in_flight: set[asyncio.Task] = set()
        limit = self._settings.webhook_endpoint_concurrency
        try:
            while True:
                if len(in_flight) < limit:
                    endpoint, claimed, token = await self._claim(subscription_id, clock(), limit - len(in_flight))
                    in_flight |= {asyncio.create_task(self._attempt(endpoint, d, token, clock)) for d in claimed}
                if not in_flight:
                    return
                _, in_flight = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
        except Exception:
            log.warning(
                "webhook worker failed", exc_info=True, extra={"fields": {"subscription": str(subscription_id)}}
            )
            await asyncio.gather(*in_flight, return_exceptions=True)

    async def _claim(self, subscription_id: UUID, now: datetime, limit: int) -> tuple[Endpoint | None, list, UUID]:
        token = uuid4()
        async with self._sessions() as session, session.begin():
            subscription = await repository.get_subscription(session, subscription_id)
            if subscription is None or not subscription.enabled:
                return None, [], token
            lease_until = now + timedelta(seconds=self._settings.webhook_claim_lease_seconds)
            claimed = await repository.claim(
                session, subscription_id=subscription_id, now=now, lease_until=lease_until, token=token, limit=limit
            )
            secrets = service.signing_secrets(subscription, key=self._settings.pii_key, now=now)
            return Endpoint(subscription.id, subscription.url, secrets), claimed, token

    async def _attempt(self, endpoint: Endpoint, delivery: Delivery, token: UUID, clock: Clock) -> None:
        body = delivery.payload.encode()
        headers = signing.headers(
            msg_id=str(delivery.id), timestamp=int(time.time()), body=body, secrets=endpoint.secrets
        )
        started_at = _utc_now()
        result = await self._sender.post(subscription_id=endpoint.id, url=endpoint.url, body=body, headers=headers)
        async with self._sessions() as session, session.begin():
            outcome = await outcomes.record(
                session, delivery_id=delivery.id, token=token, result=result, started_at=started_at,
                now=clock(), rng=self._rng,
            )  # fmt: skip
        self.outcomes[outcome] += 1
        if self._kick is not None and staged_events(session):
            self._kick()


def _utc_now() -> datetime:
    return datetime.now(UTC)


async def deliver_due(
    runtime_or_session_factory,
    now: datetime | None = None,
    *,
    settings: NotifySettings | None = None,
    sender: Sender | None = None,
    rng: random.Random | None = None,
) -> Counter[str]:
    """Deliver every due delivery once (tests, the benchmark): a ``ServiceRuntime`` of notify_svc, or a session
    factory together with ``settings``. ``now`` is the scheduler's clock (what is due, when retries are planned);
    signatures are always stamped with the wall clock, which receivers check. Returns the count of each outcome."""
    session_factory = getattr(runtime_or_session_factory, "session_factory", runtime_or_session_factory)
    settings = settings or getattr(runtime_or_session_factory, "settings", None)
    if settings is None:
        raise TypeError("deliver_due needs settings when given a session factory")
    relay = getattr(runtime_or_session_factory, "relay", None)
    own_sender = sender is None
    sender = sender or Sender(sender_config(settings))
    deliverer = Deliverer(
        session_factory=session_factory, settings=settings, sender=sender,
        kick=relay.kick if relay is not None else None, rng=rng,
    )  # fmt: skip
    try:
        return await deliverer.deliver_due(now or _utc_now())
    finally:
        if own_sender:
            await sender.close()


async def run_deliverer(runtime) -> None:
    """The background deliverer of a running notify_svc (until cancelled)."""
    settings: NotifySettings = runtime.settings
    sender = Sender(sender_config(settings))
    deliverer = Deliverer(
        session_factory=runtime.session_factory, settings=settings, sender=sender, kick=runtime.relay.kick
    )
    try:
        await deliverer.run()
    finally:
        await sender.close()


async def start_deliverer(runtime) -> None:
    """``on_started`` hook: run the deliverer in this process unless ``webhook_deliverer_enabled`` is off."""
    if runtime.settings.webhook_deliverer_enabled:
        runtime.tasks.append(asyncio.create_task(run_deliverer(runtime), name="webhook-deliverer"))
