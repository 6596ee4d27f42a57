from typing import Annotated

from fastapi import APIRouter, Request

from notify_svc.templates import rules, service
from notify_svc.templates.exceptions import TemplateInvalid
from notify_svc.templates.schemas import EventTypeRead, TemplateKey, TemplateRead, TemplateVersionCreate
from services.http.auth import Principal, require_roles
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, FieldError, problem_responses
from services.http.idempotency import IdempotencyKey, idempotent_create

router = APIRouter(tags=["通知模板"], responses=PROBLEM_RESPONSES)

Admin = Annotated[Principal, require_roles("admin")]
Reader = Annotated[Principal, require_roles("admin", "supervisor")]


@router.get(
    "/event-types", response_model=list[EventTypeRead], operation_id="list_event_types", summary="事件类型与模板变量"
)
async def list_event_types(_: Reader) -> list[EventTypeRead]:
    """通知服务处理的全部事件类型，以及各类型的模板可用变量（时间另有 _text 中文格式，代码另有 _name 中文名称）。"""
    return [
        EventTypeRead(event_type=name, summary=cls.summary, variables=sorted(rules.allowed_variables(name)))
        for name, cls in rules.EVENT_TYPES.items()
    ]


@router.get("/templates", response_model=list[TemplateRead], operation_id="list_templates", summary="通知模板")
async def list_templates(session: SessionDep, _: Reader) -> list[TemplateRead]:
    """每个模板的现行版本（按模板代码排序）。"""
    return [TemplateRead.model_validate(t) for t in await service.list_templates(session=session)]


@router.get(
    "/templates/{key}",
    response_model=TemplateRead,
    operation_id="get_template",
    summary="模板现行版本",
    responses=problem_responses(404),
)
async def get_template(key: TemplateKey, session: SessionDep, _: Reader) -> TemplateRead:
    """模板的现行（最新）版本。未知模板返回 404。"""
    return TemplateRead.model_validate(await service.in_force(session=session, key=key))


@router.get(
    "/templates/{key}/versions",
    response_model=list[TemplateRead],
    operation_id="list_template_versions",
    summary="模板历史版本",
    responses=problem_responses(404),
)
async def list_template_versions(key: TemplateKey, session: SessionDep, _: Reader) -> list[TemplateRead]:
    """模板的全部版本，新版本在前；每条通知记录了所用的版本号。"""
    return [TemplateRead.model_validate(t) for t in await service.versions(session=session, key=key)]


@router.post(
    "/templates/{key}/versions",
    response_model=TemplateRead,
    status_code=201,
    operation_id="save_template_version",
    summary="保存模板新版本",
    responses=problem_responses(404, 409, 415),
)
async def save_template_version(
    key: TemplateKey,
    request: Request,
    session: SessionDep,
    principal: Admin,
    body: TemplateVersionCreate,
    idempotency_key: IdempotencyKey = None,
):
    """保存即生成新版本（仅管理员）。保存时解析模板：使用了该事件类型没有的变量或语法错误返回 422，
    错误指向 /body 或 /title；已有模板不能改变事件类型。"""
    if not rules.known_event_type(body.event_type):
        detail = f"通知服务不处理事件类型 {body.event_type}"
        raise TemplateInvalid(
            detail, errors=[FieldError(pointer="/event_type", code="unknown_event_type", detail=detail)]
        )

    async def create() -> TemplateRead:
        saved = await service.save_version(session=session, key=key, created_by=principal.sub, **body.model_dump())
        return TemplateRead.model_validate(saved)

    return await idempotent_create(
        session,
        key=idempotency_key,
        principal=principal.sub,
        request=request,
        body=body,
        create=create,
    )
