"""Use cases of policy risk assessment: register a policy, record each stage's work, conclude a stage (guarded,
``risk.assessed``), household files with encrypted names, rates against 95% (``risk.alert``), monitoring."""

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.grids.rules import Scope, covers
from screening_svc.risk import repository, rules
from screening_svc.risk.exceptions import (
    HouseholdNotFound,
    OutsideAffectedArea,
    OutsideJurisdiction,
    PolicyNotFound,
    RiskTooHigh,
    StageIncomplete,
    WrongStage,
)
from screening_svc.risk.models import (
    Assessment,
    ClauseChange,
    Consultation,
    Household,
    MonitoringEntry,
    Policy,
    Review,
    RiskItem,
)
from screening_svc.risk.schemas import HouseholdRead, MonitoringRead, PolicyCreate, PolicyRead, Rates
from services.contracts.screening import RiskAlert, RiskAlertData, RiskAssessed, RiskAssessedData
from services.db import add_event
from services.ids import uuid7
from services.pii import Cipher, mask_name

MODELS = {"items": RiskItem, "reviews": Review, "consultations": Consultation, "clause_changes": ClauseChange}


async def create_policy(*, session: AsyncSession, request: PolicyCreate, scope: Scope, by: str, now: datetime):
    if not covers(scope, request.jurisdiction_code):
        raise OutsideJurisdiction("/jurisdiction_code")
    for index in rules.areas_within(request.community_codes, request.jurisdiction_code):
        raise OutsideJurisdiction(f"/community_codes/{index}")
    policy = Policy(
        id=uuid7(), **request.model_dump(), stage="drafting", risk_level="low", created_by=by, created_at=now
    )
    await repository.add(session, policy)
    return await read(session, policy)


async def visible_policy(session: AsyncSession, policy_id: UUID, scope: Scope, *, for_update: bool = False) -> Policy:
    policy = await repository.get(session, policy_id, for_update=for_update)
    if policy is None or not rules.visible(
        everything=scope.everything,
        jurisdiction=scope.jurisdiction,
        policy_jurisdiction=policy.jurisdiction_code,
        departments=[policy.lead_department, *policy.co_departments],
    ):
        raise PolicyNotFound()
    return policy


async def read(session: AsyncSession, policy: Policy) -> PolicyRead:
    found = await repository.records(session, policy.id)
    awareness = rules.weighted_rate([(c.respondents, c.awareness_rate) for c in found["consultations"]])
    approval = rules.weighted_rate([(c.respondents, c.approval_rate) for c in found["consultations"]])
    rates = Rates(
        awareness=awareness,
        approval=approval,
        target=rules.RATE_TARGET,
        awareness_met=None if awareness is None else not rules.below_target(awareness),
        approval_met=None if approval is None else not rules.below_target(approval),
    )
    columns = {name: getattr(policy, name) for name in PolicyRead.model_fields if hasattr(policy, name)}
    lists = {name: [_plain(row) for row in rows] for name, rows in found.items()}
    count = await repository.household_count(session, policy.id)
    return PolicyRead.model_validate(columns | lists | {"rates": rates, "households": count})


def _plain(row) -> dict:
    return {column.key: getattr(row, column.key) for column in row.__table__.columns if column.key != "policy_id"}


async def list_policies(*, session: AsyncSession, scope: Scope, after: UUID | None, limit: int) -> list[PolicyRead]:
    policies = await repository.list_policies(
        session, everything=scope.everything, jurisdiction=scope.jurisdiction, after=after, limit=limit
    )
    return [await read(session, policy) for policy in policies]


async def record(*, session: AsyncSession, policy_id: UUID, kind: str, request, scope: Scope, now: datetime):
    """Add a risk item, review, consultation or clause change; each only in its stage (409 otherwise)."""
    policy = await visible_policy(session, policy_id, scope, for_update=True)
    if kind in rules.RECORDED_IN and not rules.may_record(kind, policy.stage):
        raise WrongStage(f"当前阶段为 {policy.stage}")
    before = await read(session, policy)
    await repository.add(session, MODELS[kind](id=uuid7(), policy_id=policy.id, **request.model_dump(), created_at=now))
    after = await read(session, policy)
    if kind == "consultations":
        await _alert_rates(session, policy, before.rates, after.rates, now)
    return after


async def _alert_rates(session: AsyncSession, policy: Policy, before: Rates, after: Rates, now: datetime) -> None:
    """A ``risk.alert`` for each rate this consultation leaves below the target."""
    for alert, name, rate in (
        ("awareness_below_target", "知晓率", after.awareness),
        ("approval_below_target", "支持率", after.approval),
    ):
        if rules.below_target(rate):
            message = f"{policy.title}：群众{name} {rate:g}%，低于 {rules.RATE_TARGET:g}% 的目标"
            await _alert(session, policy, alert=alert, rate=rate, target=rules.RATE_TARGET, message=message, now=now)


async def _alert(session: AsyncSession, policy: Policy, *, alert: str, rate, target, message: str, now) -> None:
    data = RiskAlertData(
        policy_id=policy.id, title=policy.title, alert=alert, rate=rate, target=target, message=message, occurred_at=now
    )
    await add_event(session, RiskAlert.create(subject=str(policy.id), data=data))


async def conclude(*, session: AsyncSession, policy_id: UUID, request, scope: Scope, by: str, now: datetime):
    """Conclude the current stage: guarded (what it needs, no implementation at high risk), ``risk.assessed``."""
    policy = await visible_policy(session, policy_id, scope, for_update=True)
    found = await repository.records(session, policy.id)
    missing = rules.missing_for_conclusion(policy.stage, {name: len(rows) for name, rows in found.items()})
    if missing is not None:
        raise StageIncomplete(f"缺少 {missing}")
    if rules.blocks_implementation(policy.stage, request.risk_level):
        raise RiskTooHigh()
    stage = policy.stage
    await repository.add(
        session,
        Assessment(
            id=uuid7(),
            policy_id=policy.id,
            stage=stage,
            risk_level=request.risk_level,
            conclusion=request.conclusion,
            assessed_by=by,
            assessed_at=now,
        ),
    )
    policy.stage, policy.risk_level = rules.next_stage(stage) or stage, request.risk_level
    await session.flush()
    data = RiskAssessedData(
        policy_id=policy.id,
        title=policy.title,
        stage=stage,
        risk_level=request.risk_level,
        lead_department=policy.lead_department,
        occurred_at=now,
    )
    await add_event(session, RiskAssessed.create(subject=str(policy.id), data=data))
    return await read(session, policy)


async def add_household(*, session, policy_id: UUID, request, scope: Scope, cipher: Cipher, now) -> HouseholdRead:
    policy = await visible_policy(session, policy_id, scope)
    if not rules.in_affected_area(request.community_code, policy.community_codes):
        raise OutsideAffectedArea("/community_code")
    household_id = uuid7()

    def seal(value: str, column: str) -> bytes:
        return cipher.encrypt(value, bind=rules.household_binding(household_id, column))

    row = Household(
        id=household_id,
        policy_id=policy.id,
        community_code=request.community_code,
        head_name_encrypted=seal(request.head_name, "head_name"),
        address_encrypted=seal(request.address, "address"),
        demands=request.demands,
        interpreter=request.interpreter,
        status=request.status,
        created_at=now,
        updated_at=now,
    )
    await repository.add(session, row)
    return household_read(row, cipher)


def household_read(row: Household, cipher: Cipher) -> HouseholdRead:
    name = cipher.decrypt(row.head_name_encrypted, bind=rules.household_binding(row.id, "head_name"))
    address = cipher.decrypt(row.address_encrypted, bind=rules.household_binding(row.id, "address"))
    return HouseholdRead(
        id=row.id,
        policy_id=row.policy_id,
        community_code=row.community_code,
        head_name=mask_name(name),
        address=address,
        demands=row.demands,
        interpreter=row.interpreter,
        status=row.status,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def list_households(*, session, policy_id: UUID, scope: Scope, cipher: Cipher, after, limit: int):
    policy = await visible_policy(session, policy_id, scope)
    rows = await repository.households(session, policy_id=policy.id, after=after, limit=limit)
    return [household_read(row, cipher) for row in rows]


async def update_household(*, session, policy_id: UUID, household_id: UUID, request, scope, cipher, now):
    policy = await visible_policy(session, policy_id, scope)
    row = await repository.household(session, policy_id=policy.id, household_id=household_id)
    if row is None:
        raise HouseholdNotFound()
    for name, value in request.model_dump(exclude_none=True).items():
        setattr(row, name, value)
    row.updated_at = now
    await session.flush()
    return household_read(row, cipher)


async def add_monitoring(*, session, policy_id: UUID, request, scope: Scope, by: str, now) -> MonitoringRead:
    """An emerging problem after implementation: a ledger entry and a ``risk.alert`` (alert ``monitoring``)."""
    policy = await visible_policy(session, policy_id, scope, for_update=True)
    if not rules.may_record("monitoring", policy.stage):
        raise WrongStage(f"当前阶段为 {policy.stage}，实施后才建立监测台账")
    if request.community_code and not rules.in_affected_area(request.community_code, policy.community_codes):
        raise OutsideAffectedArea("/community_code")
    entry = MonitoringEntry(id=uuid7(), policy_id=policy.id, **request.model_dump(), recorded_by=by, recorded_at=now)
    await repository.add(session, entry)
    level = {"low": "低", "medium": "中", "high": "高"}[request.level]
    await _alert(
        session,
        policy,
        alert="monitoring",
        rate=None,
        target=None,
        now=now,
        message=f"{policy.title} 实施后监测发现{level}风险问题：{request.problem}",
    )
    return MonitoringRead.model_validate(entry, from_attributes=True)


async def list_monitoring(*, session, policy_id: UUID, scope: Scope) -> list[MonitoringRead]:
    policy = await visible_policy(session, policy_id, scope)
    return [
        MonitoringRead.model_validate(e, from_attributes=True) for e in await repository.monitoring(session, policy.id)
    ]
