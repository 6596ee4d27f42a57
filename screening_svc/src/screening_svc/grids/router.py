from fastapi import APIRouter

from screening_svc.grids import repository
from screening_svc.grids.schemas import GridRead
from services.http.auth import CurrentPrincipal
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, FieldError
from services.http.pagination import Cursor, InvalidCursor, Limit, Page, decode_cursor, page_of

router = APIRouter(prefix="/grids", tags=["网格"], responses=PROBLEM_RESPONSES)


@router.get(
    "",
    response_model=Page[GridRead],
    operation_id="list_grids",
    summary="网格列表",
    description="本辖区的网格（区看全部、街道看所辖社区、社区看本社区），按编码排序，游标分页。",
)
async def list_grids(
    session: SessionDep, principal: CurrentPrincipal, limit: Limit = 20, cursor: Cursor = None
) -> Page[GridRead]:
    after = (decode_cursor(cursor) or {}).get("code")
    if after is not None and not isinstance(after, str):
        raise InvalidCursor(errors=[FieldError(parameter="cursor", code="invalid_cursor", detail="游标无法解析")])
    is_admin = principal.has_any("admin")
    if not is_admin and not principal.jurisdiction:
        return Page(items=[], next=None)  # no jurisdiction, no grid ("\x00" as a scope is invalid on PostgreSQL)
    scope = None if is_admin else principal.jurisdiction
    grids = await repository.list_grids(session, jurisdiction=scope, after=after, limit=limit + 1)
    return page_of([GridRead.model_validate(g) for g in grids], limit=limit, key="code")
