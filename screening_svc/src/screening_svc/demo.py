"""Demo grids for embedded mode, in the communities of routing_svc's demo district (清河区)."""

from screening_svc.grids import repository
from screening_svc.grids.models import Grid
from services.http.app import ServiceRuntime

DEMO_COMMUNITIES = {
    "320599001001": "柳岸社区",
    "320599001002": "长桥社区",
    "320599002001": "湖滨社区",
    "320599002002": "东湖社区",
    "320599003001": "新城社区",
    "320599003002": "锦绣社区",
}


def demo_grids() -> list[Grid]:
    return [
        Grid(code=f"{code}{n:02d}", name=f"{name}第{n}网格", community_code=code, households=180 + 20 * n)
        for code, name in DEMO_COMMUNITIES.items()
        for n in (1, 2)
    ]


async def seed_demo_grids(runtime: ServiceRuntime) -> None:
    async with runtime.session_factory() as session, session.begin():
        if await repository.count(session) == 0:
            repository.add_all(session, demo_grids())
