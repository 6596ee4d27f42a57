"""Embedded mode's reference copies until routing_svc publishes its own: the same district tree as routing's demo
(清河区 320599) and a two-level catalogue. Seeded as version 0, so any version routing publishes replaces it."""

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.reference import service
from services.contracts.routing import (
    CatalogueUpdatedData,
    Category,
    Department,
    JurisdictionNode,
    JurisdictionUpdatedData,
)

DISTRICT = ("320599", "清河区")
STREETS = {
    "320599001": ("长桥街道", ["柳岸社区", "长桥社区", "南苑社区", "桃园社区"]),
    "320599002": ("东湖街道", ["湖滨社区", "东湖社区", "荷花社区", "渔港社区"]),
    "320599003": ("新城街道", ["新城社区", "锦绣社区", "科技园社区", "望江社区"]),
}
CATALOGUE = {
    "01": ("土地征收", {"0101": "征地补偿", "0102": "房屋征收拆迁"}),
    "02": ("农业农村", {"0201": "土地承包经营"}),
    "03": ("城乡建设", {"0301": "物业管理", "0302": "住房保障", "0303": "市政设施", "0304": "施工扰民"}),
    "04": ("生态环境", {"0401": "环境污染"}),
    "05": ("劳动和社会保障", {"0501": "社会保险", "0502": "拖欠工资", "0503": "劳动关系"}),
    "06": ("卫生健康", {"0601": "医疗纠纷"}),
    "07": ("教育", {"0701": "入学入园"}),
    "08": ("政法", {"0801": "涉法涉诉"}),
    "09": ("纪检监察", {"0901": "检举控告"}),
    "10": ("其他", {"1001": "其他事项"}),
}


def demo_jurisdictions() -> JurisdictionUpdatedData:
    nodes = [JurisdictionNode(code=DISTRICT[0], name=DISTRICT[1], level="district")]
    for street_code, (street_name, communities) in STREETS.items():
        nodes.append(JurisdictionNode(code=street_code, name=street_name, level="street", parent_code=DISTRICT[0]))
        nodes += [
            JurisdictionNode(code=f"{street_code}{i:03d}", name=name, level="community", parent_code=street_code)
            for i, name in enumerate(communities, start=1)
        ]
    return JurisdictionUpdatedData(full=True, nodes=nodes, departments=demo_departments(), version=0)


# -- the same departments as routing_svc's demo (a transfer form names one) ----------------------
DEPARTMENTS = (
    ("D-HOUSING", "区住房和城乡建设局", ["district"]),
    ("D-HRSS", "区人力资源和社会保障局", ["district"]),
    ("D-URBAN", "区城市管理局", ["district"]),
    ("D-ECO", "市生态环境局清河分局", ["district"]),
    ("D-EDU", "区教育局", ["district"]),
    ("D-HEALTH", "区卫生健康委员会", ["district"]),
    ("D-CIVIL", "区民政局", ["district"]),
    ("D-JUSTICE", "区司法局", ["district"]),
    ("D-NATRES", "区自然资源和规划局", ["district"]),
    ("D-SAMR", "区市场监督管理局", ["district", "street"]),
    ("D-STREET-URBAN", "街道城市建设管理办公室", ["street"]),
    ("D-STREET-LABOUR", "街道劳动保障事务所", ["street"]),
)


def demo_departments() -> list[Department]:
    return [Department(code=code, name=name, levels=levels) for code, name, levels in DEPARTMENTS]


def demo_catalogue() -> CatalogueUpdatedData:
    categories = []
    for code, (name, children) in CATALOGUE.items():
        categories.append(Category(code=code, name=name))
        categories += [Category(code=child, name=label, parent_code=code) for child, label in children.items()]
    return CatalogueUpdatedData(full=True, categories=categories, version=0)


async def seed_demo_reference(session: AsyncSession) -> None:
    """Only where no copy exists yet (``apply_*`` ignore version 0 once routing's version 1+ arrived)."""
    await service.apply_jurisdictions(session=session, data=demo_jurisdictions())
    await service.apply_catalogue(session=session, data=demo_catalogue())
