"""Demo jurisdiction tree of one district (清河区) for embedded mode; screening's demo grids use these codes."""

from routing_svc.jurisdictions import repository
from routing_svc.jurisdictions.models import Jurisdiction
from services.http.app import ServiceRuntime

DISTRICT = ("320599", "清河区")
STREETS = {
    "320599001": ("长桥街道", ["柳岸社区", "长桥社区", "南苑社区", "桃园社区"]),
    "320599002": ("东湖街道", ["湖滨社区", "东湖社区", "荷花社区", "渔港社区"]),
    "320599003": ("新城街道", ["新城社区", "锦绣社区", "科技园社区", "望江社区"]),
}


def demo_tree() -> list[Jurisdiction]:
    nodes = [Jurisdiction(code=DISTRICT[0], name=DISTRICT[1], level="district", parent_code=None)]
    for street_code, (street_name, communities) in STREETS.items():
        nodes.append(Jurisdiction(code=street_code, name=street_name, level="street", parent_code=DISTRICT[0]))
        nodes += [
            Jurisdiction(code=f"{street_code}{i:03d}", name=name, level="community", parent_code=street_code)
            for i, name in enumerate(communities, start=1)
        ]
    return nodes


async def seed_demo_jurisdictions(runtime: ServiceRuntime) -> None:
    async with runtime.session_factory() as session, session.begin():
        if await repository.count(session) == 0:
            repository.add_all(session, demo_tree())
