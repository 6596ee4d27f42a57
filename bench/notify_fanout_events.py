"""The events of the notify fan-out benchmark (``notify_fanout.py``) and their open-loop publisher."""

import asyncio
import time
from collections import Counter

from loadgen import ms, percentile

from services.contracts.intake import PetitionRegistered, PetitionRegisteredData
from services.contracts.routing import CaseAssigned
from services.ids import uuid7
from services.messaging.bus import OutgoingMessage
from services.messaging.rabbitmq import RabbitMQBus
from services.pii import seal
from services.settings import DEV_CONTACT_KEY

COMMUNITIES = [f"320599{street:03d}{n:03d}" for street in (1, 2, 3) for n in (1, 2, 3, 4)]
EVENT_TYPES = [PetitionRegistered.event_type, CaseAssigned.event_type]
PUBLISH_TICK_S = 0.02


def build_events(count: int, rate: float) -> list[tuple[str, str, bytes]]:
    """(event id, type, body) in publishing order: a petition's registration, its assignment about 2 s later."""
    lag = max(1, round(2.0 * rate / 2))  # pairs published between a registration and its assignment
    pairs = count // 2
    registered, assigned = [], []
    for p in range(pairs):
        petition_id, petitioner, case_id = uuid7(), uuid7(), uuid7()
        community, phone = COMMUNITIES[p % len(COMMUNITIES)], f"139{p:08d}"
        contact = {"name": "张三", "phone": phone, "email": f"petitioner{p}@example.cn"}
        tracking_no = f"2026-320599-{p + 1:06d}"
        data = PetitionRegisteredData.model_validate(
            PetitionRegistered.example
            | {
                "petition_id": str(petition_id),
                "tracking_no": tracking_no,
                "community_code": community,
                "petitioner_ref": str(petitioner),
                "phone_masked": f"139****{phone[-4:]}",
                "contact_sealed": seal(contact, key=DEV_CONTACT_KEY, bind=f"contact:{petitioner}"),
            }
        )
        registered.append(PetitionRegistered.create(subject=str(petition_id), data=data))
        case = CaseAssigned.model_fields["data"].annotation.model_validate(
            CaseAssigned.example
            | {
                "case_id": str(case_id),
                "petition_id": str(petition_id),
                "tracking_no": tracking_no,
                "unit_code": community,
                "co_unit_codes": [],
            }
        )
        assigned.append(CaseAssigned.create(subject=str(case_id), data=case))
    ordered = []
    for i in range(pairs + lag):
        if i < pairs:
            ordered.append(registered[i])
        if i >= lag:
            ordered.append(assigned[i - lag])
    return [(event.id, event.type, event.to_json().encode()) for event in ordered]


async def publish_open_loop(
    bus: RabbitMQBus, events: list[tuple[str, str, bytes]], rate: float, *, tick: float = PUBLISH_TICK_S
) -> dict:
    """Each event on schedule (``i / rate``) whatever the earlier ones take; returns publish times and lateness.

    The events due are handed to the bus together every ``tick`` seconds: one publish call (a task, a deadline,
    the broker's confirms) per tick instead of per event. At 200/s one call per event cost the load generator about
    0.5 ms of CPU each (0.26 ms with a tick of 20 ms), a tenth of a core of the machine the services run on. An
    event's delay is measured from its own hand-over, so waiting for the tick does not count; ``behind_schedule``
    says how late the hand-overs were."""
    published: dict[str, float] = {}
    behind: list[float] = []
    errors: Counter = Counter()
    tasks = []

    async def hand_over(batch: list[tuple[str, str, bytes]]) -> None:
        now = time.time()
        for event_id, _, _ in batch:
            published[event_id] = now
        try:
            await bus.publish([OutgoingMessage(*event) for event in batch])
        except Exception as exc:  # noqa: BLE001 - counted and reported
            errors[type(exc).__name__] += len(batch)
            for event_id, _, _ in batch:
                published.pop(event_id, None)

    started, i = time.monotonic(), 0
    while i < len(events):
        now = time.monotonic()
        due = events[i : min(len(events), int((now - started) * rate) + 1)]
        if due:
            behind.extend(now - (started + (i + k) / rate) for k in range(len(due)))
            tasks.append(asyncio.create_task(hand_over(due)))
            i += len(due)
        await asyncio.sleep(max(tick, started + i / rate - time.monotonic()))
    await asyncio.gather(*tasks)
    return {
        "published": published,
        "seconds": round(time.monotonic() - started, 2),
        "behind_schedule_p99_ms": ms(percentile(behind, 99)),
        "errors": dict(errors),
    }
