"""Demo data of the reception for embedded mode, with the fixed ids the request examples of the OpenAPI document
use: a petitioner who cannot travel (with a portal account ``demo-petitioner``), a reception session next week,
and a home visit requested for her. The petitioner is written through the petitioners' crypto helpers (encrypted
phone and ID number, keyed hashes, masked copies), exactly as a registration would."""

from datetime import UTC, datetime, time, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.petitioners import repository as petitioners
from intake_api.petitioners.crypto import PetitionerCrypto
from intake_api.petitioners.models import Petitioner
from intake_api.reception.appointments.models import ReceptionSession
from intake_api.reception.rules import BUREAU_TZ
from services.http.app import ServiceRuntime

DEMO_PETITIONER_ID = UUID("019cac2a-cdeb-7f2a-9944-c9c3269e0d37")
DEMO_SESSION_ID = UUID("019cac30-0000-7000-8000-0000000000a1")
DEMO_ACCOUNT = "demo-petitioner"


async def seed_demo_reception(runtime: ServiceRuntime) -> None:
    """Idempotent: each record is created only when its fixed id is not there yet."""
    async with runtime.session_factory() as session, session.begin():
        if await petitioners.get(session, DEMO_PETITIONER_ID) is None:
            session.add(_petitioner(PetitionerCrypto.from_settings(runtime.settings)))
        if await session.get(ReceptionSession, DEMO_SESSION_ID) is None:
            await _session(session, district_code=runtime.settings.district_code)


def _petitioner(crypto: PetitionerCrypto) -> Petitioner:
    now = datetime.now(UTC)
    petitioner = Petitioner(
        id=DEMO_PETITIONER_ID, account_sub=DEMO_ACCOUNT, name="陈秀兰", address="清河区长桥街道柳岸社区 5 栋 302 室",
        special_needs=["disabled", "elderly"], email_cipher=None, created_at=now, updated_at=now,
    )  # fmt: skip
    columns = crypto.id_columns(DEMO_PETITIONER_ID, "320502194805061226")
    columns |= crypto.phone_columns(DEMO_PETITIONER_ID, "13912340009")
    for column, value in columns.items():
        setattr(petitioner, column, value)
    return petitioner


async def _session(session: AsyncSession, *, district_code: str) -> None:
    day = datetime.now(BUREAU_TZ).date() + timedelta(days=7)
    starts = datetime.combine(day, time(9), tzinfo=BUREAU_TZ).astimezone(UTC)
    session.add(
        ReceptionSession(
            id=DEMO_SESSION_ID,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            host_kind="leader",
            host="清河区人民政府 王副区长",
            place="清河区信访局接待大厅 2 号接待室",
            capacity=5,
            booked=0,
            jurisdiction_code=district_code,
            created_by="demo-reception",
            created_at=datetime.now(UTC),
        )  # fmt: skip
    )
