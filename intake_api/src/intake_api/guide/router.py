from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.responses import HTMLResponse

from intake_api.guide import rules, service
from intake_api.guide.models import GuideVersion
from intake_api.guide.schemas import GuidePublish, GuideRead, GuideVersionSummary
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses

router = APIRouter(prefix="/guide", tags=["信访指南"], responses=PROBLEM_RESPONSES)

Publisher = Annotated[Principal, require_roles("admin")]
HTML_RESPONSE = {200: {"content": {"text/html": {"schema": {"type": "string"}}}, "description": "指南"}}


@router.get(
    "",
    response_model=GuideRead,
    operation_id="get_guide",
    responses=problem_responses(404) | HTML_RESPONSE,
    summary="信访指南",
    description="无需登录。返回信访指南的当前版本（或 version 指定的版本）：信访渠道、办理时限、复查复核程序、"
    "信访人的权利和义务。请求头 Accept: text/html 时返回可直接展示或打印的 HTML 页面，否则返回 JSON（按章节）。"
    "初次信访的群众登记后应获得本指南。",
)
async def get_guide(
    session: SessionDep,
    version: Annotated[int | None, Query(ge=1, le=1_000_000, description="版本号；不填为当前版本")] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
):
    guide = await service.get_guide(session=session, version=version)
    if rules.wants_html(accept):
        return HTMLResponse(_html(guide))
    return GuideRead.model_validate(guide)


@router.get(
    "/versions",
    response_model=list[GuideVersionSummary],
    operation_id="list_guide_versions",
    summary="信访指南版本列表",
    description="无需登录。按版本号倒序列出已发布的各版本及修订说明。",
)
async def list_guide_versions(session: SessionDep) -> list[GuideVersionSummary]:
    return [GuideVersionSummary.model_validate(row) for row in await service.list_versions(session=session)]


@router.post(
    "/versions",
    status_code=201,
    response_model=GuideRead,
    operation_id="publish_guide_version",
    responses=problem_responses(409, 415),
    summary="发布信访指南新版本",
    description="管理员在 based_on 版本的基础上发布新版本（版本号为 based_on + 1），发布后立即成为当前版本；"
    "已发布的版本不再修改。based_on 不是最新版本时返回 409。",
)
async def publish_guide_version(body: GuidePublish, session: SessionDep, principal: Publisher) -> GuideRead:
    guide = await service.publish(session=session, request=body, principal=principal)
    return GuideRead.model_validate(guide)


def _html(guide: GuideVersion) -> str:
    return rules.render_html(
        version=guide.version, title=guide.title, sections=guide.sections, published_at=guide.published_at
    )
