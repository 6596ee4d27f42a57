"""Demo data of the reception for embedded mode, with the fixed ids the request examples of the OpenAPI document
use: a petitioner who cannot travel (with a portal account ``demo-petitioner``), a reception session next week,
and the petition registered at a home visit to her (the completion example names it). The petitioner is written
through the petitioners' crypto helpers (encrypted phone and ID number, keyed hashes, masked copies), exactly as a
registration would."""

from datetime import UTC, datetime, time, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.demo import RECEPTION
from intake_api.petitioners import repository as petitioners
from intake_api.petitioners.crypto import PetitionerCrypto
from intake_api.petitioners.models import Petitioner
from intake_api.petitions import repository as petitions
from intake_api.petitions.schemas import PetitionCreate
from intake_api.petitions.service import register_petition
from intake_api.reception.appointments.models import ReceptionSession
from intake_api.reception.rules import BUREAU_TZ
from services.http.app import ServiceRuntime

DEMO_PETITIONER_ID = UUID("019cac2a-cdeb-7f2a-9944-c9c3269e0d37")
DEMO_SESSION_ID = UUID("019cac30-0000-7000-8000-0000000000a1")
DEMO_PETITION_ID = UUID("019cac2b-a1b4-7181-a54c-66175d9dc9f8")  # the home-visit completion example names it
DEMO_ACCOUNT = "demo-petitioner"
DEMO_ID_NUMBER, DEMO_PHONE = "320502194805061226", "13912340009"
HOME_VISIT_PETITION = {
    "channel": "home_visit",
    "petitioner": {"name": "陈秀兰", "id_number": DEMO_ID_NUMBER, "phone": DEMO_PHONE},
    "category_code": "0301",
    "content": "柳岸社区 5 栋电梯停运三个月，本人年老且残疾无法下楼，物业一直未修，请求尽快修复电梯。",
    "requests": "请物业公司尽快修复 5 栋电梯",
    "address": "清河区长桥街道柳岸社区 5 栋",
    "community_code": "320599001001",
    "truth_declared": True,
}


async def seed_demo_reception(runtime: ServiceRuntime) -> None:
    """Idempotent: each record is created only when its fixed id is not there yet."""
    async with runtime.session_factory() as session, session.begin():
        if await petitioners.get(session, DEMO_PETITIONER_ID) is None:
            session.add(_petitioner(PetitionerCrypto.from_settings(runtime.settings)))
        if await session.get(ReceptionSession, DEMO_SESSION_ID) is None:
            await _session(session, district_code=runtime.settings.district_code)
    async with runtime.session_factory() as session, session.begin():
        if await petitions.get_plain(session, DEMO_PETITION_ID) is None:
            await register_petition(
                session=session, request=PetitionCreate.model_validate(HOME_VISIT_PETITION), principal=RECEPTION,
                settings=runtime.settings, petition_id=DEMO_PETITION_ID,
            )  # fmt: skip
    runtime.relay.kick()


def _petitioner(crypto: PetitionerCrypto) -> Petitioner:
    now = datetime.now(UTC)
    petitioner = Petitioner(
        id=DEMO_PETITIONER_ID, account_sub=DEMO_ACCOUNT, name="陈秀兰", address="清河区长桥街道柳岸社区 5 栋 302 室",
        special_needs=["disabled", "elderly"], email_cipher=None, created_at=now, updated_at=now,
    )  # fmt: skip
    columns = crypto.id_columns(DEMO_PETITIONER_ID, DEMO_ID_NUMBER)
    columns |= crypto.phone_columns(DEMO_PETITIONER_ID, DEMO_PHONE)
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
