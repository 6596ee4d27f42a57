"""Demo data for embedded mode: the reference copies (until routing_svc publishes its own) and a few petitions,
registered through the same use case as the API so that their events flow."""

from sqlalchemy import func, select

from intake_api.petitions import service
from intake_api.petitions.models import Petition
from intake_api.petitions.schemas import PetitionCreate
from intake_api.reference.demo import seed_demo_reference
from services.http.app import ServiceRuntime
from services.http.auth import Principal

RECEPTION = Principal(sub="demo-reception", roles=frozenset({"reception"}), jurisdiction="320599")
_DECLARED = {"truth_declared": True}
DEMO_PETITIONS = [
    {
        "channel": "visit",
        "petitioner": {
            "name": "王建国",
            "id_number": "320502195803121218",
            "phone": "13912340001",
            "address": "清河区长桥街道柳岸社区 3 号楼 502 室",
            "special_needs": ["elderly"],
        },
        "category_code": "0301",
        "summary": "柳岸社区 3 号楼屋顶漏水，请求维修",
        "content": "柳岸社区 3 号楼屋顶漏水两年，多次向物业反映未修，请求维修。",
        "requests": "请物业公司尽快维修屋顶",
        "address": "清河区长桥街道柳岸社区 3 号楼",
        "community_code": "320599001001",
    },
    {
        "channel": "letter",
        "petitioner": {"name": "李秀英", "phone": "13912340002", "address": "清河区东湖街道湖滨路 8 号"},
        "category_code": "0502",
        "content": "在东湖街道某建筑工地务工三个月，工资至今未结清，请求协调发放。",
        "address": "清河区东湖街道湖滨路工地",
        "community_code": "320599002001",
    },
    {
        "channel": "visit",
        "kind": "complaint",
        "severity": "complex",
        "petitioner": {"name": "赵志强", "id_number": "32050219850723123X", "phone": "13912340003"},
        "category_code": "0304",
        "content": "新城街道锦绣路夜间渣土车频繁通行，噪音和扬尘严重影响居民休息，请求限制通行时间。",
        "address": "清河区新城街道锦绣路",
        "community_code": "320599003002",
        "group_size": 6,
        "representatives": ["赵志强", "孙丽"],
    },
]


async def seed_demo(runtime: ServiceRuntime) -> None:
    async with runtime.session_factory() as session, session.begin():
        await seed_demo_reference(session)
    async with runtime.session_factory() as session, session.begin():
        if await session.scalar(select(func.count()).select_from(Petition)):
            return
        for raw in DEMO_PETITIONS:
            await service.register_petition(
                session=session,
                request=PetitionCreate.model_validate(raw | _DECLARED),
                principal=RECEPTION,
                settings=runtime.settings,
            )
    runtime.relay.kick()
