from typing import Annotated
from uuid import UUID

from fastapi import APIRouter

from intake_api.audit.dependencies import Audit
from intake_api.dependencies import Settings
from intake_api.petitioners import service
from intake_api.petitioners.crypto import PetitionerCrypto
from intake_api.petitioners.exceptions import PetitionerNotFound
from intake_api.petitioners.models import Petitioner
from intake_api.petitioners.schemas import PetitionerRead, RevealedPetitioner, RevealRequest
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses

router = APIRouter(prefix="/petitioners", tags=["信访人"], responses=PROBLEM_RESPONSES)

Reader = Annotated[Principal, require_roles("reception", "supervisor", "leader", "admin", "petitioner")]
Revealer = Annotated[Principal, require_roles("supervisor", "admin")]
MASKED_FIELDS = ("name", "id_number:masked", "phone:masked", "address", "special_needs")


@router.get(
    "/{petitioner_id}",
    response_model=PetitionerRead,
    operation_id="get_petitioner",
    responses=problem_responses(404),
    summary="查看信访人（脱敏）",
    description="身份证号与手机号脱敏返回。信访人只能查看本人。每次查看写入个人信息访问审计。",
)
async def get_petitioner(petitioner_id: UUID, session: SessionDep, principal: Reader, audit: Audit) -> PetitionerRead:
    petitioner = await _visible(session, petitioner_id, principal, audit, action="read")
    await audit.record(
        principal=principal, action="read", record_type="petitioner", record_id=petitioner_id, fields=MASKED_FIELDS,
        outcome="granted",
    )  # fmt: skip
    return service.masked(petitioner)


@router.post(
    "/{petitioner_id}/reveal",
    response_model=RevealedPetitioner,
    operation_id="reveal_petitioner",
    responses=problem_responses(404, 415),
    summary="查看明文身份证号或手机号（审计）",
    description="仅督查人员与管理员可用，须说明理由；记录谁、何时、看了哪条记录的哪些字段及理由（不记录值）。",
)
async def reveal_petitioner(
    petitioner_id: UUID, body: RevealRequest, session: SessionDep, principal: Revealer, audit: Audit, settings: Settings
) -> RevealedPetitioner:
    petitioner = await _visible(session, petitioner_id, principal, audit, action="reveal", reason=body.reason)
    revealed = service.reveal(petitioner, fields=body.fields, crypto=PetitionerCrypto.from_settings(settings))
    await audit.record(
        principal=principal, action="reveal", record_type="petitioner", record_id=petitioner_id,
        fields=sorted(set(body.fields)), reason=body.reason, outcome="granted",
    )  # fmt: skip
    return revealed


async def _visible(
    session: SessionDep,
    petitioner_id: UUID,
    principal: Principal,
    audit: Audit,
    *,
    action: str,
    reason: str | None = None,
) -> Petitioner:
    """404 for an unknown petitioner and, for a petitioner's token, for anyone but themselves (recorded)."""
    try:
        petitioner = await service.get_petitioner(session=session, petitioner_id=petitioner_id)
        if _own_only(principal) and petitioner.account_sub != principal.sub:
            raise PetitionerNotFound()
    except PetitionerNotFound:
        await audit.record(
            principal=principal, action=action, record_type="petitioner", record_id=petitioner_id, fields=(),
            reason=reason, outcome="not_found",
        )  # fmt: skip
        raise
    return petitioner


def _own_only(principal: Principal) -> bool:
    return not principal.has_any("reception", "supervisor", "leader", "admin")
