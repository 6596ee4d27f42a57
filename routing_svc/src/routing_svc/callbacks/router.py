from typing import Annotated

from fastapi import APIRouter, Path, Request

from routing_svc.callbacks import service
from routing_svc.callbacks.schemas import CallbackBody, CallbackResult
from routing_svc.cases.router import PolicyDep
from routing_svc.dependencies import Settings
from services.http.dependencies import SessionDep
from services.http.errors import PROBLEM_RESPONSES, problem_responses

router = APIRouter(prefix="/callbacks", tags=["部门回调"], responses=PROBLEM_RESPONSES)

Department = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$", description="部门代码")]


@router.post(
    "/{department}",
    response_model=CallbackResult,
    operation_id="department_callback",
    responses=problem_responses(404, 409, 415),
    summary="部门回调（签名）",
    description="职能部门回传办理结果（签收、异议、受理、不予受理、导入法定途径、开始办理、答复、申请提级）。"
    "按 Standard Webhooks 规范在原始请求体上校验 webhook-id、webhook-timestamp（±5 分钟）与 webhook-signature"
    "（HMAC-SHA256，whsec_ 密钥，每个部门一个，轮换期间可两个）；签名无效返回 401 且不产生任何变化。"
    "同一 webhook-id 重复投递只生效一次（返回 duplicate=true）。部门只能回传本部门承办或协办的案件，其他案件 404。",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": CallbackBody.model_json_schema(),
                    "examples": {"reply": {"value": CallbackBody.model_config["json_schema_extra"]["examples"][0]}},
                }
            },
        }
    },
)
async def department_callback(
    department: Department, request: Request, session: SessionDep, settings: Settings, policy: PolicyDep
) -> CallbackResult:
    body = await request.body()
    webhook_id = service.verified_id(settings, department, headers=request.headers, body=body)
    service.require_json(request.headers.get("content-type"))
    return await service.apply(session=session, department=department, webhook_id=webhook_id, body=body, policy=policy)
