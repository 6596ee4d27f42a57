"""Demo data for embedded mode: one policy of 长桥街道 before implementation, with a risk item, two reviews, a
consultation below the 95% approval target and two household files, so that every risk endpoint shows something."""

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.grids.rules import local_date
from screening_svc.risk import rules
from screening_svc.risk.models import Assessment, Consultation, Household, Policy, Review, RiskItem
from services.ids import uuid7
from services.pii import Cipher

DEMO_COMMUNITIES = ["320599001001", "320599001002"]


def demo_policy(now: datetime) -> Policy:
    return Policy(
        id=uuid7(),
        title="柳岸、长桥社区老旧小区改造",
        kind="old_community_renovation",
        description="加装电梯、雨污分流、外墙保温，涉及 12 栋楼 480 户",
        lead_department="D-HOUSING",
        co_departments=["D-CIVIL"],
        jurisdiction_code="320599001",
        community_codes=DEMO_COMMUNITIES,
        stage="before_implementation",
        risk_level="medium",
        created_by="demo",
        created_at=now - timedelta(days=40),
    )


def demo_records(policy: Policy, now: datetime) -> list:
    day = local_date(now)
    common = {"policy_id": policy.id, "created_at": now - timedelta(days=30)}
    return [
        RiskItem(id=uuid7(), type="compensation", level="medium", description="低层住户对电梯费用分摊有异议",
                 measure="按楼层系数分摊并逐户解释", **common),
        Review(id=uuid7(), reviewer_kind="expert", field="law", reviewer="王律师", conclusion="conditional",
               opinion="费用分摊条款需明确依据", reviewed_on=day - timedelta(days=30), **common),
        Review(id=uuid7(), reviewer_kind="resident_representative", field=None, reviewer="居民代表赵师傅",
               conclusion="support", opinion="多数住户期待改造", reviewed_on=day - timedelta(days=29), **common),
        Assessment(id=uuid7(), policy_id=policy.id, stage="drafting", risk_level="medium",
                   conclusion="风险可控，进入征求意见", assessed_by="demo", assessed_at=now - timedelta(days=25)),
        Consultation(id=uuid7(), method="online_survey", held_on=day - timedelta(days=10), respondents=320,
                     awareness_rate=96.5, approval_rate=91.0, summary="多数住户支持，低层住户意见集中", **common),
    ]  # fmt: skip


def demo_households(policy: Policy, cipher: Cipher, now: datetime) -> list[Household]:
    households = []
    for community, name, address, status in (
        ("320599001001", "张建国", "柳岸社区 3 号楼 101 室", "disputed"),
        ("320599001002", "刘桂芳", "长桥社区 5 号楼 602 室", "agreed"),
    ):
        household_id = uuid7()
        households.append(
            Household(
                id=household_id, policy_id=policy.id, community_code=community,
                head_name_encrypted=cipher.encrypt(name, bind=rules.household_binding(household_id, "head_name")),
                address_encrypted=cipher.encrypt(address, bind=rules.household_binding(household_id, "address")),
                demands=["希望明确电梯费用分摊"], interpreter="李敏", status=status, created_at=now, updated_at=now,
            )
        )  # fmt: skip
    return households


async def seed_demo_policy(session: AsyncSession, cipher: Cipher, now: datetime) -> None:
    policy = demo_policy(now)
    session.add(policy)
    await session.flush()
    session.add_all(demo_records(policy, now) + demo_households(policy, cipher, now))
