"""Demo organisation of one district (清河区) for embedded mode: the jurisdiction tree with address aliases, the
departments, and the category catalogue with its dispatch entries. Screening's demo grids and intake's demo
petitions use these codes (320599001001 柳岸社区, categories 0301 物业管理 and 0502 拖欠工资)."""

from routing_svc.catalogue import repository as catalogue
from routing_svc.catalogue import service as catalogue_service
from routing_svc.catalogue.demo import CATEGORIES, DEPARTMENTS
from routing_svc.catalogue.models import Category, DispatchEntry
from routing_svc.jurisdictions import repository, service
from routing_svc.jurisdictions.models import Department, Jurisdiction
from services.http.app import ServiceRuntime

DISTRICT = ("320599", "清河区")
STREETS: dict[str, tuple[str, list[tuple[str, list[str]]]]] = {
    "320599001": (
        "长桥街道",
        [
            ("柳岸社区", ["柳岸小区", "柳岸路", "柳岸花园"]),
            ("长桥社区", ["长桥新村", "长桥路"]),
            ("南苑社区", ["南苑小区", "南苑路"]),
            ("桃园社区", ["桃园新村", "桃园路"]),
        ],
    ),
    "320599002": (
        "东湖街道",
        [
            ("湖滨社区", ["湖滨花园", "湖滨路"]),
            ("东湖社区", ["东湖小区", "东湖大道"]),
            ("荷花社区", ["荷花苑", "荷花路"]),
            ("渔港社区", ["渔港新村", "渔港路"]),
        ],
    ),
    "320599003": (
        "新城街道",
        [
            ("新城社区", ["新城家园", "新城大道"]),
            ("锦绣社区", ["锦绣华庭", "锦绣路"]),
            ("科技园社区", ["科技园", "创新路"]),
            ("望江社区", ["望江小区", "望江路"]),
        ],
    ),
}


def demo_tree() -> list[Jurisdiction]:
    nodes = [_node(DISTRICT[0], DISTRICT[1], "district", None)]
    for street_code, (street_name, communities) in STREETS.items():
        nodes.append(_node(street_code, street_name, "street", DISTRICT[0]))
        nodes += [
            _node(f"{street_code}{i:03d}", name, "community", street_code, aliases)
            for i, (name, aliases) in enumerate(communities, start=1)
        ]
    return nodes


def _node(code: str, name: str, level: str, parent: str | None, aliases: list[str] | None = None) -> Jurisdiction:
    return Jurisdiction(code=code, name=name, level=level, parent_code=parent, aliases=aliases or [], active=True)


def demo_departments() -> list[Department]:
    return [Department(code=code, name=name, levels=levels, active=True) for code, name, levels in DEPARTMENTS]


def demo_catalogue() -> list[Category | DispatchEntry]:
    rows: list[Category | DispatchEntry] = []
    for code, name, departments in CATEGORIES:
        rows.append(Category(code=code, name=name, parent_code=code[:2] if len(code) == 4 else None, active=True))
        rows += [DispatchEntry(category_code=code, level=level, department_code=d) for level, d in departments.items()]
    return rows


async def seed_demo_organisation(runtime: ServiceRuntime) -> None:
    """Fill what is empty (the tree, the departments, the catalogue); never touches what an admin changed."""
    async with runtime.session_factory() as session, session.begin():
        if await repository.count(session) == 0:
            repository.add_all(session, demo_tree())
        if not await repository.list_departments(session):
            repository.add_all(session, demo_departments())
            await session.flush()
        if await catalogue.count(session) == 0:
            catalogue.add_all(session, demo_catalogue())


async def publish_reference_snapshots(runtime: ServiceRuntime) -> None:
    """Stage full snapshots of both reference streams, so intake and screening fill their copies."""
    async with runtime.session_factory() as session, session.begin():
        await service.publish_snapshot(session=session)
        await catalogue_service.publish_snapshot(session=session)
    runtime.relay.kick()
