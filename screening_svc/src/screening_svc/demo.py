"""Demo data for embedded mode, in the communities of routing_svc's demo district (清河区): the reference copies,
two grids in each of six communities with their teams and special residents, six past weeks of sweeps (with a
few gaps, so the compliance report shows something) and findings. History is written as rows, without events:
the demo does not replay weeks of ``sweep.*`` and ``conflict.*`` events into the other services."""

from datetime import UTC, datetime, time, timedelta

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.demo_history import demo_findings, demo_sweeps
from screening_svc.grids import repository as grids
from screening_svc.grids.models import Grid
from screening_svc.grids.rules import CHINA, local_date
from screening_svc.reference import service as reference
from screening_svc.reference.demo import demo_catalogue, demo_jurisdictions
from screening_svc.residents import rules as resident_rules
from screening_svc.residents.models import SpecialResident
from screening_svc.risk.demo import seed_demo_policy
from screening_svc.teams import rules as team_rules
from screening_svc.teams.models import GridAssignment, TeamMember
from services.http.app import ServiceRuntime
from services.ids import uuid7
from services.pii import Cipher, mask_phone

DEMO_COMMUNITIES = {
    "320599001001": "柳岸社区",
    "320599001002": "长桥社区",
    "320599002001": "湖滨社区",
    "320599002002": "东湖社区",
    "320599003001": "新城社区",
    "320599003002": "锦绣社区",
}
DEMO_WEEKS = 6
_WORKERS = [
    "刘海燕",
    "孙立军",
    "马丽",
    "赵建华",
    "黄晓东",
    "吴秀芳",
    "郑国强",
    "何梅",
    "高志远",
    "罗芳",
    "林涛",
    "谢琳",
]
_INFORMANTS = [("陈晓梅", "retired_cadre"), ("王德福", "veteran_party_member"), ("李桂香", "committee_member")]
_VOLUNTEERS = [
    ("张律", "lawyer", ["法律咨询"]),
    ("许心怡", "counsellor", ["心理疏导"]),
    ("周同学", "student", ["政策宣讲"]),
]
_RESIDENTS = [("elderly_alone", "周桂兰"), ("long_term_petitioner", "钱永福"), ("hardship", "冯淑珍")]


def demo_grids(now: datetime) -> list[Grid]:
    active_from = local_date(now) - timedelta(weeks=DEMO_WEEKS + 2)
    return [
        Grid(
            code=f"{code}{n:02d}",
            id=uuid7(),
            name=f"{name}第{n}网格",
            community_code=code,
            households=180 + 20 * n,
            sweeps_per_week=1,
            active_from=active_from,
        )
        for code, name in DEMO_COMMUNITIES.items()
        for n in (1, 2)
    ]


def _member(community: str, name: str, role: str, background: str, skills: list[str], n: int, cipher: Cipher, now):
    member_id, phone = uuid7(), f"1390517{n:04d}"
    return TeamMember(
        id=member_id,
        community_code=community,
        name=name,
        role=role,
        background=background,
        skills=skills,
        phone_encrypted=cipher.encrypt(phone, bind=team_rules.phone_binding(member_id)),
        phone_masked=mask_phone(phone),
        created_at=now,
    )


def demo_team(grid_list: list[Grid], cipher: Cipher, now: datetime) -> list[TeamMember | GridAssignment]:
    rows: list[TeamMember | GridAssignment] = []
    for i, grid in enumerate(grid_list):
        worker = _member(grid.community_code, _WORKERS[i], "grid_worker", "full_time", ["走访排查"], i, cipher, now)
        rows += [worker, GridAssignment(member_id=worker.id, grid_code=grid.code)]
        if i % 2 == 0:
            name, background = _INFORMANTS[i // 2 % 3]
            informant = _member(grid.community_code, name, "informant", background, ["调解"], 100 + i, cipher, now)
            name, background, skills = _VOLUNTEERS[i // 2 % 3]
            volunteer = _member(grid.community_code, name, "volunteer", background, skills, 200 + i, cipher, now)
            for member in (informant, volunteer):
                rows += [member] + [GridAssignment(member_id=member.id, grid_code=g.code) for g in grid_list[i : i + 2]]
    return rows


def demo_residents(grid_list: list[Grid], cipher: Cipher, now: datetime) -> list[SpecialResident]:
    registered_on = local_date(now) - timedelta(weeks=DEMO_WEEKS + 1)
    residents = []
    for i, grid in enumerate(grid_list):
        for j, (category, name) in enumerate(_RESIDENTS[: 2 + i % 2]):
            resident_id = uuid7()

            def seal(value: str, column: str, rid=resident_id) -> bytes:
                return cipher.encrypt(value, bind=resident_rules.binding(rid, column))

            interval = "monthly" if category == "hardship" else "weekly"
            residents.append(
                SpecialResident(
                    id=resident_id, grid_code=grid.code, category=category, visit_interval=interval,
                    name_encrypted=seal(name, "name"),
                    address_encrypted=seal(f"{grid.name} {j + 1} 号楼 {101 + i} 室", "address"),
                    phone_encrypted=seal(f"1391234{i:02d}{j:02d}", "phone"), registered_on=registered_on,
                    registered_by="demo", created_at=datetime.combine(registered_on, time(9), CHINA),
                )
            )  # fmt: skip
    return residents


async def seed_demo_data(runtime: ServiceRuntime) -> None:
    now = datetime.now(UTC)
    await _seed_reference(runtime)
    async with runtime.session_factory() as session, session.begin():
        if await grids.count(session) == 0:
            await _seed_grid_work(session, Cipher(runtime.settings.pii_key), now)
            await seed_demo_policy(session, Cipher(runtime.settings.pii_key), now)


async def _seed_grid_work(session: AsyncSession, cipher: Cipher, now: datetime) -> None:
    grid_list = demo_grids(now)
    grids.add_all(session, grid_list)
    await session.flush()
    team = demo_team(grid_list, cipher, now)
    session.add_all([row for row in team if isinstance(row, TeamMember)])
    await session.flush()
    session.add_all([row for row in team if isinstance(row, GridAssignment)])
    residents = demo_residents(grid_list, cipher, now)
    session.add_all(residents)
    await session.flush()
    sweeps, visits = demo_sweeps(grid_list, residents, now=now, weeks=DEMO_WEEKS)
    session.add_all(sweeps)
    await session.flush()
    session.add_all(visits)
    session.add_all(demo_findings(grid_list, now=now))


async def _seed_reference(runtime: ServiceRuntime) -> None:
    """Version 0 of the copies, unless routing_svc's snapshot came first: it may arrive while this runs, and the
    loser of that race retries (then finds a version and leaves the copies alone)."""
    for attempt in range(3):
        try:
            async with runtime.session_factory() as session, session.begin():
                await reference.apply_jurisdictions(session=session, data=demo_jurisdictions())
                await reference.apply_catalogue(session=session, data=demo_catalogue())
            return
        except DBAPIError:
            if attempt == 2:
                raise
