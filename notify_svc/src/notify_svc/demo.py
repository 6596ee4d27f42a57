"""Start-up data: the default rules and templates (every installation), and in embedded mode a staff directory
for the demo district 清河区 (320599) whose codes match routing_svc's demo tree."""

import logging
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from notify_svc.contacts import repository as staff
from notify_svc.contacts.models import StaffContact
from notify_svc.notification_rules.service import seed_defaults
from services.http.app import ServiceRuntime
from services.ids import uuid7

log = logging.getLogger(__name__)

DISTRICT = ("320599", "清河区")
STREETS = {"320599001": "长桥街道", "320599002": "东湖街道", "320599003": "新城街道"}
COMMUNITIES = {
    "320599001001": "柳岸社区", "320599001002": "长桥社区", "320599001003": "南苑社区", "320599001004": "桃园社区",
    "320599002001": "湖滨社区", "320599002002": "东湖社区", "320599002003": "荷花社区", "320599002004": "渔港社区",
    "320599003001": "新城社区", "320599003002": "锦绣社区", "320599003003": "科技园社区", "320599003004": "望江社区",
}  # fmt: skip
DEPARTMENTS = {"D-HOUSING": "区住房和城乡建设局"}


def _member(unit: str, role: str, name: str, serial: int) -> StaffContact:
    now = datetime.now(UTC)
    return StaffContact(
        id=uuid7(),
        unit_code=unit,
        role=role,
        name=name,
        inbox_id=f"{role.replace('_', '-')}-{unit}",
        phone=f"1390000{serial:04d}",
        email=f"{role.replace('_', '-')}-{unit.lower()}@qinghe.example.cn",
        active=True,
        created_at=now,
        updated_at=now,
    )


def demo_staff() -> list[StaffContact]:
    members = [_member(DISTRICT[0], "supervisor", f"{DISTRICT[1]}信访局督查科", 1)]
    members += [_member(DISTRICT[0], "handler", f"{DISTRICT[1]}信访局办信科", 2)]
    for i, (code, name) in enumerate({**STREETS, **DEPARTMENTS}.items()):
        members += [
            _member(code, "handler", f"{name}承办人", 100 + i),
            _member(code, "supervisor", f"{name}督办", 200 + i),
        ]
    for i, (code, name) in enumerate(COMMUNITIES.items()):
        members += [
            _member(code, "handler", f"{name}承办人", 300 + i),
            _member(code, "grid_team", f"{name}网格团队", 400 + i),
        ]
    return members


async def seed_start_data(runtime: ServiceRuntime) -> None:
    """Idempotent; two processes starting together on one database: the loser's insert fails and is ignored."""
    try:
        async with runtime.session_factory() as session, session.begin():
            await seed_defaults(session=session)
            if runtime.settings.demo_data and await staff.staff_count(session) == 0:
                session.add_all(demo_staff())
    except IntegrityError:
        log.info("start data already seeded by another process")
