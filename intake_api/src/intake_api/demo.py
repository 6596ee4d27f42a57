"""Demo petitions for embedded mode, registered through the same use case as the API."""

from sqlalchemy import func, select

from intake_api.petitions import service
from intake_api.petitions.models import Petition
from intake_api.petitions.schemas import PetitionCreate
from services.http.app import ServiceRuntime

DEMO_PETITIONS = [
    {
        "channel": "visit",
        "petitioner": {"name": "王建国", "phone": "13912340001"},
        "category_code": "0301",
        "content": "柳岸社区 3 号楼屋顶漏水两年，多次向物业反映未修，请求维修。",
        "address": "清河区长桥街道柳岸社区 3 号楼",
        "community_code": "320599001001",
    },
    {
        "channel": "online",
        "petitioner": {"name": "李秀英", "phone": "13912340002"},
        "category_code": "0502",
        "content": "在东湖街道某建筑工地务工三个月，工资至今未结清，请求协调发放。",
        "address": "清河区东湖街道湖滨路工地",
        "community_code": "320599002001",
    },
]


async def seed_demo_petitions(runtime: ServiceRuntime) -> None:
    async with runtime.session_factory() as session, session.begin():
        if await session.scalar(select(func.count()).select_from(Petition)):
            return
        for raw in DEMO_PETITIONS:
            await service.register_petition(
                session=session,
                request=PetitionCreate.model_validate(raw),
                registered_by="demo-reception",
                district_code=runtime.settings.district_code,
                pepper=runtime.settings.query_code_pepper,
            )
    runtime.relay.kick()
