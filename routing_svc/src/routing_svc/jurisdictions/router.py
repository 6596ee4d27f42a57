from fastapi import APIRouter

from routing_svc.jurisdictions import repository
from routing_svc.jurisdictions.schemas import JurisdictionRead
from services.http.auth import CurrentPrincipal
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/jurisdictions", tags=["辖区"], responses=PROBLEM_RESPONSES)


@router.get(
    "",
    response_model=list[JurisdictionRead],
    operation_id="list_jurisdictions",
    summary="辖区树",
    description="区 → 街道 → 社区的全部节点，按代码排序（任何已登录用户可读）。",
)
async def list_jurisdictions(session: SessionDep, _: CurrentPrincipal) -> list[JurisdictionRead]:
    return [JurisdictionRead.model_validate(node) for node in await repository.list_all(session)]
