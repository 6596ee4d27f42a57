"""The deliverer: claims due webhook deliveries per endpoint and sends them concurrently (ADR 0021, 0029).

Each endpoint with due deliveries gets its own worker that keeps at most ``webhook_endpoint_concurrency`` attempts
in flight, each bounded by ``webhook_timeout_seconds``; so a slow or dead subscriber only ever waits on itself.
A claim (a batch, in one statement) pushes ``next_attempt_at`` to a lease and stamps a token; the outcome is recorded
only while the token still holds, so a claim that outlived its lease (a crashed process) is retried by someone else,
once. The attempts that finish together are recorded in one transaction.
"""

import asyncio
import logging
import random
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notify_svc.config import NotifySettings
from notify_svc.webhooks import outcomes, repository, rules, service, signing
from notify_svc.webhooks.outcomes import Finished
from notify_svc.webhooks.sender import Sender, SenderConfig
from services.batching import GroupCommit
from services.db import autocommit_sessions, is_memory_sqlite, make_session_factory, make_worker_engine
from services.db.outbox import staged_events

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# an endpoint's finished attempts and the time they are recorded at
OutcomeGroup = tuple["Endpoint", list[Finished], datetime]
DUE_SUBSCRIPTIONS_PER_POLL = 500
MAX_CLAIM_AHEAD = 32
RECORD_BATCH = 16
RECORD_DELAY_SECONDS = 0.05  # finished attempts wait at most this long for others to be recorded with
RECORDS_IN_FLIGHT = 2  # records of one endpoint's worker running beside its sends
UNREACHABLE_STREAK = 8  # attempts in a row without an HTTP answer, after which an endpoint's worker pauses
UNREACHABLE_PAUSE = timedelta(seconds=30)


def claim_ahead(settings: NotifySettings) -> int:
    """How many deliveries a worker holds claimed at most (queued and in flight): several rounds of the endpoint's
    concurrency, but only as many rounds as fit in the lease when every attempt takes the whole timeout."""
    concurrency = settings.webhook_endpoint_concurrency
    rounds = max(1, int(settings.webhook_claim_lease_seconds // settings.webhook_timeout_seconds) - 1)
    return max(concurrency, min(concurrency * rounds, MAX_CLAIM_AHEAD))


@dataclass(frozen=True, slots=True)
class Endpoint:
    """What the attempts of a subscription need, with its signing keys decoded once (cached per subscriptions
    version: a rotation, a new URL or disabling moves the version)."""

    id: UUID
    owner: str
    url: str
    description: str
    key: bytes
    previous_key: bytes | None
    previous_expires_at: datetime | None

    def keys(self, now: datetime) -> list[bytes]:
        return rules.signing_secrets(
            current=self.key, previous=self.previous_key, previous_expires_at=self.previous_expires_at, now=now
        )


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
        self._statements = autocommit_sessions(session_factory)  # claims and polls: one statement each
        self._kick, self._rng = kick, rng or random.Random()
        self._workers: dict[UUID, asyncio.Task] = {}
        self._endpoints: dict[UUID, tuple[int, Endpoint]] = {}
        self._paused: dict[UUID, datetime] = {}  # endpoints that stopped answering, until when (scheduler clock)
        # one record at a time: the others' finished attempts wait for it and go together into the next one
        self._recorder = GroupCommit(self._record_groups, self._record_group, name="webhook-outcomes", in_flight=1)
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
            if subscription_id not in self._workers and not self._is_paused(subscription_id, _utc_now()):
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
        async with self._statements() as session:
            return await repository.due_subscription_ids(session, now=now, limit=DUE_SUBSCRIPTIONS_PER_POLL)

    async def _drain(self, subscription_id: UUID, clock: Clock) -> None:
        """Until the endpoint has nothing due: claim a batch ahead in one statement, keep up to the endpoint's
        concurrency in flight, and record the attempts that finished meanwhile together (ADR 0029).

        Records run beside the sends (at most ``RECORDS_IN_FLIGHT`` per worker), so that the endpoint's connections
        are not left idle while a transaction commits; an attempt that may disable the endpoint (a 410, a last
        attempt) is recorded before anything more is sent (ADR 0037)."""
        limit, ahead = self._settings.webhook_endpoint_concurrency, claim_ahead(self._settings)
        queue: deque[tuple[Endpoint, Row, UUID, datetime]] = deque()
        in_flight: set[asyncio.Task] = set()
        finished: list[tuple[Endpoint, Finished]] = []
        more = True  # the last claim got all it asked for: there may be more due
        waited = False  # the last wait ended without any attempt finishing
        unanswered, paused = 0, False  # attempts in a row that got no HTTP answer (refused, reset, timed out)
        recording: set[asyncio.Task] = set()  # records of finished attempts still running
        if self._is_paused(subscription_id, clock()):
            return
        try:
            while True:
                for task in [task for task in recording if task.done()]:
                    recording.discard(task)
                    task.result()  # a failed record ends the worker, as a failed claim does
                if more and len(queue) < limit and (want := ahead - len(queue) - len(in_flight)) > 0:
                    now = clock()
                    endpoint, claimed, token = await self._claim(subscription_id, now, want)
                    queue.extend((endpoint, row, token, now) for row in claimed)
                    more = len(claimed) == want
                if any(outcomes.may_disable(f) for _, f in finished):  # before sending more
                    more = await self._record(finished, queue, clock) and more
                    finished = []
                while queue and len(in_flight) < limit:
                    in_flight.add(asyncio.create_task(self._send(*queue.popleft())))
                if finished and (len(finished) >= RECORD_BATCH or not in_flight or waited):
                    if len(recording) >= RECORDS_IN_FLIGHT:
                        await asyncio.wait(recording, return_when=asyncio.FIRST_COMPLETED)
                    recording.add(asyncio.create_task(self._submit(finished, clock)))
                    finished = []
                if not in_flight:
                    if not (queue or more):
                        await asyncio.gather(*recording)
                        return
                    if not queue and recording:  # what is recorded now may be due again at once (a retry)
                        await asyncio.gather(*recording)
                    continue
                wait = RECORD_DELAY_SECONDS if finished else None
                done, in_flight = await asyncio.wait(in_flight, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
                results = [task.result() for task in done]
                finished += results
                waited = not done
                for _, attempt in results:
                    unanswered = unanswered + 1 if attempt.result.status_code is None else 0
                if unanswered >= UNREACHABLE_STREAK and not paused:  # claim and send no more; in flight ends
                    paused, more = True, False
                    await self._pause(subscription_id, queue, clock())
        except Exception:
            log.warning(
                "webhook worker failed", exc_info=True, extra={"fields": {"subscription": str(subscription_id)}}
            )
            await asyncio.gather(*in_flight, *recording, return_exceptions=True)

    def _is_paused(self, subscription_id: UUID, now: datetime) -> bool:
        resume_at = self._paused.get(subscription_id)
        if resume_at is not None and resume_at <= now:
            del self._paused[subscription_id]
            resume_at = None
        return resume_at is not None

    async def _pause(self, subscription_id: UUID, queue: deque, now: datetime) -> None:
        """An endpoint that answered none of the last ``UNREACHABLE_STREAK`` attempts (nothing listening, resets,
        timeouts) is left alone for ``UNREACHABLE_PAUSE``: what this worker holds claimed is given back due then, and
        no worker of this process starts for it before (ADR 0035). Each attempt made is recorded and retried on its
        plan as before; the others are not attempted against an endpoint that is not there."""
        resume_at = now + UNREACHABLE_PAUSE
        self._paused[subscription_id] = resume_at
        await self._release(queue, resume_at)
        queue.clear()
        log.warning(
            "webhook endpoint unreachable, paused",
            extra={"fields": {"subscription": str(subscription_id), "until": resume_at.isoformat()}},
        )

    async def _claim(self, subscription_id: UUID, now: datetime, limit: int) -> tuple[Endpoint | None, list, UUID]:
        token = uuid4()
        lease_until = now + timedelta(seconds=self._settings.webhook_claim_lease_seconds)
        async with self._statements() as session, session.begin():  # the claim holds alone; the endpoint is a read
            claimed, version = await repository.claim(
                session, subscription_id=subscription_id, now=now, lease_until=lease_until, token=token, limit=limit
            )
            if not claimed:
                return None, [], token
            return await self._endpoint(session, subscription_id, version), claimed, token

    async def _endpoint(self, session: AsyncSession, subscription_id: UUID, version: int | None) -> Endpoint:
        cached = self._endpoints.get(subscription_id)
        if cached is not None and version is not None and cached[0] == version:
            return cached[1]
        subscription = await repository.get_subscription(session, subscription_id)
        current, previous = service.endpoint_secrets(subscription, key=self._settings.pii_key)
        endpoint = Endpoint(
            subscription.id, subscription.owner, subscription.url, subscription.description,
            signing.decode_secret(current),
            None if previous is None else signing.decode_secret(previous), subscription.previous_secret_expires_at,
        )  # fmt: skip
        if version is not None:
            self._endpoints[subscription_id] = (version, endpoint)
        return endpoint

    async def _send(self, endpoint: Endpoint, delivery: Row, token: UUID, now: datetime) -> tuple[Endpoint, Finished]:
        body = delivery.payload.encode()
        headers = signing.keyed_headers(
            msg_id=str(delivery.id), timestamp=int(time.time()), body=body, keys=endpoint.keys(now)
        )
        started_at = _utc_now()
        result = await self._sender.post(subscription_id=endpoint.id, url=endpoint.url, body=body, headers=headers)
        return endpoint, Finished(delivery, token, result, started_at)

    async def _record(self, done: list[tuple[Endpoint, Finished]], queue: deque, clock: Clock) -> bool:
        """Record finished attempts (together with other endpoints' that finish meanwhile); when one of them disabled
        the endpoint, give back the claims not yet sent and return ``False`` (claim no more)."""
        reasons = await self._submit(done, clock)
        if not any(reason in outcomes.DISABLE_REASONS for reason in reasons):
            return True
        await self._release(queue, clock())
        queue.clear()
        return False

    async def _submit(self, done: list[tuple[Endpoint, Finished]], clock: Clock) -> list[str]:
        reasons = await self._recorder.submit((done[0][0], [f for _, f in done], clock()))
        self.outcomes.update(reasons)
        return reasons

    async def _record_groups(self, groups: Sequence[OutcomeGroup]) -> list[list[str]]:
        """The finished attempts of several endpoints in one transaction (``GroupCommit``: those that finish while
        other records run wait and go together; an idle deliverer records a group at once, alone)."""
        async with self._sessions() as session, session.begin():
            results = await outcomes.record_all(session, groups, rng=self._rng, settings=self._settings)
        if self._kick is not None and staged_events(session):
            self._kick()
        return results

    async def _record_group(self, group: OutcomeGroup) -> list[str]:
        return (await self._record_groups([group]))[0]

    async def _release(self, queue: deque[tuple[Endpoint, Row, UUID, datetime]], now: datetime) -> None:
        """Give back claims not yet sent, due again at ``now``: at once when the endpoint was disabled (they wait
        while it is), at the end of the pause when it stopped answering."""
        if queue:
            async with self._sessions() as session, session.begin():
                await repository.release(session, [(row.id, token) for _, row, token, _ in queue], now=now)


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
    """The background deliverer of a running notify_svc (until cancelled), on connections of its own when
    ``webhook_pool_size`` allows, so that a busy consumer cannot starve claims and outcomes."""
    settings: NotifySettings = runtime.settings
    url = settings.database_url
    own = settings.webhook_pool_size and not is_memory_sqlite(url)
    engine = make_worker_engine(url, pool_size=settings.webhook_pool_size) if own else None
    sender = Sender(sender_config(settings))
    deliverer = Deliverer(
        session_factory=make_session_factory(engine) if engine is not None else runtime.session_factory,
        settings=settings, sender=sender, kick=runtime.relay.kick,
    )  # fmt: skip
    try:
        await deliverer.run()
    finally:
        await sender.close()
        if engine is not None:
            await engine.dispose()


async def start_deliverer(runtime) -> None:
    """``on_started`` hook: run the deliverer in this process unless ``webhook_deliverer_enabled`` is off."""
    if runtime.settings.webhook_deliverer_enabled:
        runtime.tasks.append(asyncio.create_task(run_deliverer(runtime), name="webhook-deliverer"))
