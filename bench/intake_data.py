"""Synthetic but lifelike intake data: petitioners with valid ID numbers, Chinese petition texts of 100–800
characters, the rows intake stores for them (PII encrypted and hashed with intake's own ``PetitionerCrypto``,
similarity signatures from intake's own ``similarity.signature``), and the request bodies of the load.

Texts come from a pool of ``POOL_SIZE`` generated matters (signing 100,000 texts with jieba would take minutes on this
machine; a petitioner's earlier petitions are distinct matters of the pool, which is what the repeat check compares).
A repeat in the load is an earlier matter of the same petitioner re-worded: sentences dropped, reordered and added.
"""

import itertools
import json
import random
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from intake_api.petitioners.crypto import PetitionerCrypto
from intake_api.petitions import rules, similarity
from services import pii

POOL_SIZE = 2000
DISTRICT = "320599"
COMMUNITIES = {
    "320599001001": "长桥街道柳岸社区", "320599001002": "长桥街道长桥社区", "320599001003": "长桥街道南苑社区",
    "320599001004": "长桥街道桃园社区", "320599002001": "东湖街道湖滨社区", "320599002002": "东湖街道东湖社区",
    "320599002003": "东湖街道荷花社区", "320599002004": "东湖街道渔港社区", "320599003001": "新城街道新城社区",
    "320599003002": "新城街道锦绣社区", "320599003003": "新城街道科技园社区", "320599003004": "新城街道望江社区",
}  # fmt: skip
AREA_CODES = ("320502", "320505", "320506", "320507", "320508", "320581", "320582", "320583", "320585", "341222")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "建国秀英志强丽华伟芳敏静磊洋勇艳杰娟涛明超兰霞平刚桂英红梅玉兰金凤海燕国庆德胜文华淑珍春生"
CHANNELS = ["visit"] * 35 + ["online"] * 35 + ["letter"] * 10 + ["phone"] * 15 + ["appointment"] * 5
SEVERITIES = ["minor"] * 25 + ["general"] * 50 + ["complex"] * 18 + ["difficult"] * 7

# category code -> (summary stem, sentences of the matter); {p} place, {n} a number, {m} months, {c} a company
TOPICS: dict[str, tuple[str, list[str]]] = {
    "0301": (
        "物业服务不到位",
        [
            "{p}小区物业公司长期不履行维修义务，{n}号楼屋顶漏水已有{m}个月",
            "楼道照明损坏无人维修，老人夜间上下楼多次摔倒",
            "物业费每年上涨却不公开收支账目，业主多次要求公示被拒绝",
            "电梯经常停运，维保单位{c}敷衍了事，居民上下楼十分困难",
            "小区绿化带被改成停车位收费，业主委员会的意见无人理会",
            "垃圾清运不及时，夏天异味严重，蚊蝇滋生",
            "地下车库积水严重，业主车辆多次被淹，物业拒绝赔偿",
        ],
    ),
    "0302": (
        "保障性住房申请受阻",
        [
            "本人家庭人均收入符合廉租房条件，申请材料递交已{m}个月仍无答复",
            "社区称名额已满，但同楼另一户条件更好却已分配到房",
            "家中{n}口人挤在三十平方米的老房里，孩子上学没有学习的地方",
            "公租房租金补贴自今年起停发，未收到任何书面通知",
            "申请人住房困难情况已经街道入户核实，审核结果迟迟不公布",
            "{c}负责的安置房交付时间一再推迟，过渡费也没有按时发放",
        ],
    ),
    "0303": (
        "市政设施损坏",
        [
            "{p}门口的人行道砖块松动破损，雨天积水，行人多次滑倒",
            "路灯损坏已有{m}个月，晚上一片漆黑，存在安全隐患",
            "雨水井盖缺失，只用一块木板临时遮盖，孩子上学必经此路",
            "公交站台的遮雨棚被大风吹坏，至今没有修复",
            "道路坑洼不平，电动车经过时经常翻倒，已有{n}人受伤",
            "排水管网老化，每逢暴雨小区门口积水没过膝盖",
        ],
    ),
    "0304": (
        "施工噪音扰民",
        [
            "{p}东侧工地夜间施工到凌晨{n}点，噪音严重影响居民休息",
            "施工单位{c}未办理夜间施工许可，多次拨打热线后仍然照常施工",
            "渣土车不加遮盖，道路上尘土飞扬，居民不敢开窗",
            "工地围挡倒塌占用人行道，行人只能走机动车道",
            "打桩机白天晚上连续作业，家中墙体出现裂缝",
            "施工已超过合同工期{m}个月，道路长期封闭，商户生意受到很大影响",
        ],
    ),
    "0401": (
        "环境污染",
        [
            "{p}附近的{c}排放刺鼻气味，尤其是夜间更加明显",
            "河道里漂浮大量垃圾，水体发黑发臭，已经持续{m}个月",
            "餐饮店油烟直排居民楼，厨房和阳台的窗户都不能打开",
            "小作坊把废水直接排入雨水管道，附近的鱼塘死了很多鱼",
            "垃圾中转站离居民楼不到{n}米，臭味和噪音影响很大",
            "环保部门来检查时企业停产，检查人员一走又开始生产",
        ],
    ),
    "0501": (
        "社会保险待遇未落实",
        [
            "本人在{c}工作{n}年，单位一直没有为本人缴纳养老保险",
            "退休后养老金核定标准明显偏低，工作年限没有全部计入",
            "医保报销比例与政策规定不符，多次到窗口咨询都说系统设定",
            "工伤认定已经通过，但单位拒绝支付停工留薪期工资",
            "失业保险金申领材料齐全，经办机构以各种理由推托不办",
            "社保关系转移接续{m}个月仍未办结，影响本人办理退休",
        ],
    ),
    "0502": (
        "拖欠农民工工资",
        [
            "本人与{n}名工友在{p}附近的工地务工，{c}拖欠工资至今未付",
            "包工头称总包单位没有拨付工程款，工资一拖再拖已经{m}个月",
            "春节前承诺结清的工资只发了一小部分，剩余部分没有下文",
            "工友们多次到项目部讨要，项目经理避而不见，电话也打不通",
            "劳动监察部门受理后至今没有处理结果，家里老人看病急需用钱",
            "工资欠条上有项目部盖章，但对方现在不承认欠条的效力",
        ],
    ),
    "0503": (
        "劳动关系纠纷",
        [
            "{c}在未提前通知的情况下单方面解除劳动合同，没有支付经济补偿",
            "单位以调岗为名变相逼迫本人辞职，工资降低了一半",
            "公司长期安排加班，每月加班超过{n}小时却没有加班费",
            "入职{m}个月单位一直不签劳动合同，也没有缴纳社会保险",
            "单位扣押本人身份证原件和毕业证书，离职时拒绝归还",
        ],
    ),
    "0101": (
        "征地补偿标准争议",
        [
            "村里{n}亩耕地被征收，补偿标准低于区里公布的标准",
            "征地补偿款被村委会截留，村民至今只拿到一部分",
            "征收前没有张贴公告，也没有征求村民意见就开始施工",
            "被征地农民的社会保障没有落实，年纪大的村民生活没有着落",
            "青苗和地上附着物补偿清点时漏登记，{c}不肯重新核实",
        ],
    ),
    "0102": (
        "房屋征收补偿纠纷",
        [
            "{p}旧房被列入征收范围，评估价格明显低于周边二手房价格",
            "评估机构{c}由征收部门单方面指定，居民没有选择的权利",
            "家中{n}口人只认定了两人的安置面积，户籍在册人员没有全部计入",
            "签约期限很短，工作人员上门反复催促，说不签就没有奖励",
            "临时安置费按月发放，已经拖欠{m}个月没有发放",
        ],
    ),
    "0601": (
        "医疗纠纷",
        [
            "家属在{c}住院期间因医护人员处置不当病情加重",
            "医院拒绝提供完整的病历复印件，只给了部分材料",
            "手术前没有充分告知风险，术后出现严重并发症，花费{n}万元",
            "医疗事故鉴定申请已经提交{m}个月，卫健部门没有答复",
            "医院收费项目重复，清单上有未实际使用的药品和耗材",
        ],
    ),
    "0701": (
        "子女入学问题",
        [
            "孩子户籍和房产都在{p}学区，却被安排到离家很远的学校",
            "随迁子女入学材料齐全，学校以学位已满为由拒绝接收",
            "幼儿园收取的费用超过物价部门核定的标准{n}元",
            "学校周边道路没有交通安全设施，上下学时段十分拥堵危险",
            "学区划分调整没有提前公示，很多家庭来不及准备",
        ],
    ),
}
OPENINGS = [
    "本人{name}，住{p}，现就以下问题向信访部门反映",
    "尊敬的领导：我是{p}居民{name}，有一件事情困扰我们很久了",
    "我叫{name}，家住{p}，代表本楼居民反映情况",
    "{p}居民{name}来访反映",
]
COMMON = [
    "此前已经向社区和街道反映过{n}次，每次都说会研究处理，但至今没有结果",
    "拨打过市民热线，工单显示已办结，实际问题一点没有解决",
    "我们手里有照片、录音和相关票据，可以提供给调查人员",
    "这个问题影响到周边{n}多户居民的正常生活",
    "家中有年迈的父母需要照顾，实在没有精力一次次往返奔波",
    "希望政府部门能够实地调查，不要只听一方的说法",
    "相关单位负责人曾经当面承诺在{m}个月内解决，到现在也没有兑现",
    "居民们自发组织过协商，对方态度强硬，不愿意坐下来谈",
    "社区网格员了解情况，可以证明我们反映的内容属实",
    "事情拖得越久，损失越大，居民的情绪也越来越激动",
]
CLOSINGS = [
    "请求有关部门依法依规处理，并将处理结果书面告知本人",
    "恳请领导重视，尽快协调解决，给群众一个满意的答复",
    "请求责令相关单位限期整改，并追究相关人员的责任",
    "希望能够依法维护我们的合法权益",
]
COMPANIES = ["宏达建设", "恒信物业", "华远置业", "金桥建工", "新城市政", "江南化工", "东方劳务", "盛世地产", "安康医院"]
CATEGORY_CODES = list(TOPICS)


@dataclass
class Matter:
    """One generated petition text; ``seed`` regenerates it, ``signature`` is intake's signature of ``content``."""

    seed: int
    category_code: str
    summary: str
    content: str
    requests: str
    community_code: str
    signature: bytes = b""


def matter(seed: int, *, name: str = "") -> Matter:
    rng = random.Random(seed)
    category = rng.choice(CATEGORY_CODES)
    community = rng.choice(list(COMMUNITIES))
    place = f"清河区{COMMUNITIES[community]}{rng.randint(1, 40)}号楼"
    stem, sentences = TOPICS[category]
    target = rng.randint(100, 800)
    fill = {
        "p": place,
        "name": name or "某某",
        "c": rng.choice(COMPANIES),
        "n": rng.randint(2, 30),
        "m": rng.randint(2, 18),
    }
    parts = [rng.choice(OPENINGS)]
    body = rng.sample(sentences, len(sentences))
    common = rng.sample(COMMON, 2)  # at most two stock sentences; the rest is the matter's own
    closing = rng.choice(CLOSINGS)
    text = ""
    while True:
        roll = rng.random()
        if body and roll < 0.5:
            parts.append(body.pop())
        elif common and roll < 0.6:
            parts.append(common.pop())
        else:
            parts.append(detail(rng))
        candidate = _join(parts + [closing], fill)
        if len(candidate) > target and len(text) >= 100:
            break
        text = candidate
    return Matter(seed, category, f"{COMMUNITIES[community]}{stem}", text[:5000], closing, community)


WHO = (
    "街道办事处工作人员", "社区党委书记", "物业公司经理", "项目负责人", "城管执法队员", "派出所民警", "区住建局干部",
    "区人社局劳动监察大队", "区卫健委工作人员", "区教育局招生办", "生态环境分局执法人员", "村委会主任", "包工头",
    "业主委员会主任", "楼长", "施工队队长", "医院医务科", "评估公司人员", "拆迁办工作人员", "市民热线接线员",
)  # fmt: skip
DID = (
    "上门查看了现场", "口头答应协调处理", "表示此事不归他们管", "让我们去找上级部门", "组织召开了一次协调会",
    "开具了限期整改通知书", "进行了现场拍照取证", "承诺一周内给出书面答复", "建议我们通过法律途径解决",
    "拒绝出具任何书面意见", "登记了我们的诉求", "要求我们补交证明材料", "把我们的材料转给了其他单位",
    "约我们第二天到办公室面谈", "说正在向领导请示",
)  # fmt: skip
AFTER = (
    "可是后来再也没有消息", "但是问题依然存在", "结果对方根本不配合", "可到现在也没有落实", "此后就一直推诿扯皮",
    "说好的期限早就过了", "当时我们都签了字", "我们一直在等待结果", "对方还出言威胁", "情况反而越来越严重",
)  # fmt: skip


def detail(rng: random.Random) -> str:
    """One step of the story: when, who did what, and what came of it (many combinations, few shared words)."""
    when = rng.choice(["{y}年{mo}月{d}日", "{y}年{mo}月", "{mo}月{d}日上午", "{mo}月{d}日下午"]).format(
        y=rng.choice((2024, 2025, 2026)), mo=rng.randint(1, 12), d=rng.randint(1, 28)
    )
    return f"{when}，{rng.choice(WHO)}{rng.choice(DID)}，{rng.choice(AFTER)}"


def _join(parts: list[str], fill: dict) -> str:
    return "。".join(p.format(**fill) for p in parts) + "。"


def reworded(original: Matter, seed: int) -> str:
    """The same matter told again: a sentence dropped, the middle reordered, a new sentence added."""
    rng = random.Random(seed)
    sentences = [s for s in original.content.split("。") if s]
    middle = sentences[1:-1]
    if len(middle) > 2:
        middle.pop(rng.randrange(len(middle)))
    rng.shuffle(middle)
    extra = rng.choice(["这是我第二次来反映这个问题", "上次反映后情况没有任何改善", "问题依旧，请求再次督促处理"])
    return "。".join([sentences[0], extra, *middle, sentences[-1]]) + "。"


def build_pool(size: int = POOL_SIZE, *, first_seed: int = 1, workers: int = 2) -> list[Matter]:
    """``size`` matters, signed in ``workers`` processes (jieba is pure Python: ~5–20 ms a text here)."""
    pool = [matter(first_seed + i) for i in range(size)]
    with ProcessPoolExecutor(workers) as executor:
        signatures = executor.map(_sign, [item.content for item in pool], chunksize=50)
        for item, signed in zip(pool, signatures, strict=True):
            item.signature = signed
    return pool


def _sign(content: str) -> bytes:
    return similarity.signature(content).to_bytes()


def other_matter(rng: random.Random, pool: list[Matter], taken: list[int]) -> int:
    """A matter of the pool in a category the petitioner has not raised yet (any, once they raised all)."""
    raised = {pool[i].category_code for i in taken}
    for _ in range(50):
        index = rng.randrange(len(pool))
        if pool[index].category_code not in raised:
            return index
    return rng.randrange(len(pool))


# -- people -----------------------------------------------------------------------------------------------------


def id_number(rng: random.Random, used: set[str]) -> str:
    while True:
        birth = datetime(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 64))
        first17 = f"{rng.choice(AREA_CODES)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        number = first17 + pii.id_check_digit(first17)
        if number not in used:
            used.add(number)
            return number


def phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def earlier_count(rng: random.Random) -> int:
    """Earlier petitions of a petitioner, 1–20: most petitioned once or twice, a few are long-standing petitioners."""
    weights = [1 / k**1.6 for k in range(1, 21)]
    return rng.choices(range(1, 21), weights=weights)[0]


@dataclass
class Person:
    id: uuid.UUID
    name: str
    id_number: str
    phone: str
    address: str
    special_needs: list[str] = field(default_factory=list)
    matters: list[int] = field(default_factory=list)  # indexes into the pool


def uuid7_at(ms: int, rng: random.Random) -> uuid.UUID:
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rng.getrandbits(12) << 64 | 0b10 << 62 | rng.getrandbits(62)
    return uuid.UUID(int=value)


PETITIONER_COLUMNS = (
    "id", "account_sub", "name", "id_number_cipher", "id_number_hash", "id_number_masked", "phone_cipher",
    "phone_hash", "phone_masked", "email_cipher", "address", "special_needs", "created_at", "updated_at",
)  # fmt: skip
PETITION_COLUMNS = (
    "id", "tracking_no", "query_code_hash", "channel", "category_code", "content", "address", "community_code",
    "jurisdiction_code", "status", "registered_by", "received_at", "created_at", "updated_at", "petitioner_id", "kind",
    "severity", "summary", "requests", "group_size", "representatives", "signature", "first_time", "skip_level",
    "proper_level", "outcome", "notice", "re_reviewed", "occurred_at", "legal_route", "repeat_of", "visited_level",
    "reason", "related_tracking_no", "case_status", "case_tier",
)  # fmt: skip
TIMELINE_COLUMNS = ("id", "petition_id", "at", "step", "title", "source_event_id")
# (status, case_status, case_tier, re_reviewed, weight): where earlier petitions stand now
STATES = [
    ("closed", "closed", "community", False, 45),
    ("closed", "final", "street", True, 5),
    ("routed", "in_progress", "community", False, 20),
    ("routed", "in_progress", "street", False, 8),
    ("routed", "in_progress", "district", False, 7),
    ("registered", None, None, False, 5),
    ("resolved_on_spot", None, None, False, 6),
    ("withdrawn", None, None, False, 2),
    ("not_accepted", None, None, False, 2),
]


@dataclass
class Dataset:
    pool: list[Matter]
    people: list[Person]
    used_ids: set[str]
    petitioner_rows: list[tuple] = field(default_factory=list)
    petition_rows: list[tuple] = field(default_factory=list)
    timeline_rows: list[tuple] = field(default_factory=list)


def build_dataset(pool: list[Matter], *, petitions: int, crypto: PetitionerCrypto, seed: int = 7) -> Dataset:
    """``petitions`` earlier petitions over two years, spread over petitioners with 1–20 each."""
    rng = random.Random(seed)
    data = Dataset(pool, [], set())
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    span_ms = 2 * 365 * 86400 * 1000
    states, weights = [s[:4] for s in STATES], [s[4] for s in STATES]
    serial = 0
    while serial < petitions:
        count = min(earlier_count(rng), petitions - serial)
        person = _new_person(rng, data.used_ids, now_ms - span_ms)
        data.people.append(person)
        data.petitioner_rows.append(_petitioner_row(person, crypto, now_ms - span_ms))
        times = sorted(now_ms - rng.randrange(span_ms) for _ in range(count))
        for at_ms in times:
            serial += 1
            index = other_matter(rng, pool, person.matters)
            person.matters.append(index)
            state = rng.choices(states, weights)[0]
            row, timeline = _petition_row(rng, person, pool[index], at_ms, serial, state)
            data.petition_rows.append(row)
            data.timeline_rows.append(timeline)
    return data


def _new_person(rng: random.Random, used: set[str], created_ms: int) -> Person:
    pid = uuid7_at(created_ms, rng)
    community = rng.choice(list(COMMUNITIES))
    address = f"清河区{COMMUNITIES[community]}{rng.randint(1, 40)}栋{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
    return Person(pid, person_name(rng), id_number(rng, used), phone(rng), address, special_needs(rng))


def special_needs(rng: random.Random) -> list[str]:
    return rng.choice([[], [], [], [], [], [], ["elderly"], ["disabled"], ["emotional_distress"], ["seriously_ill"]])


def _petitioner_row(person: Person, crypto: PetitionerCrypto, created_ms: int) -> tuple:
    at = datetime.fromtimestamp(created_ms / 1000, UTC)
    ids, phones = crypto.id_columns(person.id, person.id_number), crypto.phone_columns(person.id, person.phone)
    return (
        person.id, None, person.name, ids["id_number_cipher"], ids["id_number_hash"], ids["id_number_masked"],
        phones["phone_cipher"], phones["phone_hash"], phones["phone_masked"], None, person.address,
        json.dumps(person.special_needs), at, at,
    )  # fmt: skip


def _petition_row(rng: random.Random, person: Person, item: Matter, at_ms: int, serial: int, state) -> tuple:
    status, case_status, case_tier, re_reviewed = state
    at = datetime.fromtimestamp(at_ms / 1000, UTC)
    pid = uuid7_at(at_ms, rng)
    tracking_no = rules.tracking_number(year=at.year - 3, district_code=DISTRICT, sequence=serial)  # never clashes
    severity = rng.choice(SEVERITIES)
    channel = rng.choice(CHANNELS)
    visited = rules.visited_level(channel, "district")
    proper = rules.proper_level(severity)
    query_hash = rules.hash_query_code(rules.new_query_code(), pepper="bench")
    outcome = "not_accepted" if status == "not_accepted" else "accepted"
    row = (
        pid, tracking_no, query_hash, channel, item.category_code, item.content,
        f"清河区{COMMUNITIES[item.community_code]}", item.community_code, item.community_code, status,
        "bench-loader", at, at, at, person.id, "complaint", severity, item.summary[:100], item.requests, 1,
        json.dumps([]), item.signature, not person.matters[:-1], rules.is_skip_level(visited, proper), proper, outcome,
        "您反映的信访事项已登记。", re_reviewed, None, None, None, visited, None, None, case_status, case_tier,
    )  # fmt: skip
    return row, (uuid7_at(at_ms, rng), pid, at, "registered", "信访事项已登记", None)


# -- the load ---------------------------------------------------------------------------------------------------


class Bodies:
    """Request bodies for ``POST /intake/v1/petitions``: ``new_share`` from first-time petitioners, the rest from
    known ones picked in proportion to how often they petitioned before; ``repeat_share`` of those re-word one
    of their earlier matters (a repeat), the others raise a matter of the pool they have not raised."""

    def __init__(self, data: Dataset, *, seed: int, new_share: float = 0.3, repeat_share: float = 0.35) -> None:
        self.data, self.rng = data, random.Random(seed)
        self.new_share, self.repeat_share = new_share, repeat_share
        self.cum_weights = list(itertools.accumulate(len(p.matters) for p in data.people))
        self.kinds: dict[str, int] = {"new_petitioner": 0, "known_new_matter": 0, "known_repeat": 0}
        self.earlier: Counter = Counter()  # known petitioners' earlier petitions at load time -> requests

    def next(self) -> dict:
        rng = self.rng
        if rng.random() < self.new_share:
            self.kinds["new_petitioner"] += 1
            number = id_number(rng, self.data.used_ids)
            person = Person(uuid.uuid4(), person_name(rng), number, phone(rng), "", special_needs(rng))
            return self._body(person, self.data.pool[rng.randrange(len(self.data.pool))])
        person = rng.choices(self.data.people, cum_weights=self.cum_weights)[0]
        self.earlier[len(person.matters)] += 1
        if rng.random() < self.repeat_share:
            self.kinds["known_repeat"] += 1
            original = self.data.pool[rng.choice(person.matters)]
            return self._body(person, original, content=reworded(original, rng.getrandbits(32)))
        self.kinds["known_new_matter"] += 1
        return self._body(person, self.data.pool[other_matter(rng, self.data.pool, person.matters)])

    def _body(self, person: Person, item: Matter, *, content: str | None = None) -> dict:
        rng = self.rng
        return {
            "channel": rng.choice(CHANNELS),
            "kind": "complaint",
            "petitioner": {
                "name": person.name,
                "id_number": person.id_number,
                "phone": person.phone,
                "address": person.address or None,
                "special_needs": person.special_needs,
            },
            "category_code": item.category_code,
            "severity": rng.choice(SEVERITIES),
            "summary": item.summary[:100],
            "content": content or item.content,
            "requests": item.requests,
            "address": f"清河区{COMMUNITIES[item.community_code]}",
            "community_code": item.community_code,
            "truth_declared": True,
        }
