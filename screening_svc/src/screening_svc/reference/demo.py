"""Version 0 of the reference copies for embedded mode, as routing_svc's demo district (清河区) and catalogue;
routing_svc's first published snapshot (version 1 and up) replaces them."""

from services.contracts.routing import CatalogueUpdatedData, Category, JurisdictionNode, JurisdictionUpdatedData

DISTRICT = ("320599", "清河区")
STREETS = {
    "320599001": ("长桥街道", ["柳岸社区", "长桥社区", "南苑社区", "桃园社区"]),
    "320599002": ("东湖街道", ["湖滨社区", "东湖社区", "荷花社区", "渔港社区"]),
    "320599003": ("新城街道", ["新城社区", "锦绣社区", "科技园社区", "望江社区"]),
}
CATEGORIES = {  # the same codes and names as routing_svc's demo catalogue
    "01": ("自然资源", ["征地补偿", "房屋征收拆迁", "不动产登记", "违法用地"]),
    "02": ("农业农村", ["土地承包经营", "农村集体资产"]),
    "03": ("城乡建设", ["物业管理", "住房保障", "市政设施", "施工扰民", "房屋质量", "城市管理"]),
    "04": ("生态环境", ["环境污染", "噪声污染"]),
    "05": ("劳动和社会保障", ["社会保险", "拖欠工资", "劳动关系"]),
    "06": ("卫生健康", ["医疗纠纷", "公共卫生"]),
    "07": ("教育", ["入学入园", "校外培训"]),
    "08": ("政法", ["涉法涉诉", "治安管理", "法律服务"]),
    "09": ("纪检监察", ["检举控告", "干部作风"]),
    "10": ("其他", ["其他事项"]),
    "11": ("民政", ["社会救助", "养老服务", "婚姻殡葬"]),
    "12": ("交通运输", ["道路交通", "公共交通"]),
    "13": ("市场监管", ["消费维权", "食品安全"]),
    "14": ("经济发展", ["项目建设", "价格管理"]),
}


def demo_jurisdictions() -> JurisdictionUpdatedData:
    nodes = [JurisdictionNode(code=DISTRICT[0], name=DISTRICT[1], level="district")]
    for street_code, (street_name, communities) in STREETS.items():
        nodes.append(JurisdictionNode(code=street_code, name=street_name, level="street", parent_code=DISTRICT[0]))
        nodes += [
            JurisdictionNode(code=f"{street_code}{i:03d}", name=name, level="community", parent_code=street_code)
            for i, name in enumerate(communities, start=1)
        ]
    return JurisdictionUpdatedData(full=True, nodes=nodes, version=0)


def demo_catalogue() -> CatalogueUpdatedData:
    categories = []
    for code, (name, children) in CATEGORIES.items():
        categories.append(Category(code=code, name=name))
        categories += [
            Category(code=f"{code}{i:02d}", name=child, parent_code=code) for i, child in enumerate(children, 1)
        ]
    return CatalogueUpdatedData(full=True, categories=categories, version=0)
