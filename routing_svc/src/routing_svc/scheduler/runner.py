"""The scheduler as a background task of the service (started from `on_started`, cancelled with the app)."""

import asyncio
import logging
from datetime import UTC, datetime

from routing_svc.cases.consumers import policy_of
from routing_svc.scheduler.service import sweep_due
from services.http.app import ServiceRuntime

log = logging.getLogger(__name__)


async def run(runtime: ServiceRuntime) -> None:
    """Sweep every `scheduler_interval_seconds` until cancelled; a failed sweep is logged and retried next time."""
    settings = runtime.settings
    policy = policy_of(settings)  # type: ignore[arg-type]
    batch = settings.scheduler_batch_size  # type: ignore[attr-defined]
    while True:
        full = False
        try:
            result = await sweep_due(runtime.session_factory, datetime.now(UTC), policy=policy, batch_size=batch)
            if result.case_ids:
                runtime.relay.kick()
            full = result.examined >= batch and result.skipped < result.examined
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("deadline sweep failed, will retry", exc_info=True)
        if not full:  # a full batch means more is due: sweep again at once
            await asyncio.sleep(settings.scheduler_interval_seconds)  # type: ignore[attr-defined]


def start(runtime: ServiceRuntime) -> None:
    if runtime.settings.scheduler_enabled:  # type: ignore[attr-defined]
        runtime.tasks.append(asyncio.create_task(run(runtime), name="deadline-scheduler:routing"))
