from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.http.models import RequestModel

CallbackAction = Literal["sign", "object", "accept", "reject", "steer", "start", "reply", "escalate"]


class CallbackBody(RequestModel):
    """What a department posts back: the case, the action it took, and that action's fields (as the endpoint's)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "case_id": "019cac2b-a786-7160-9ac3-55266f03675a",
                    "action": "reply",
                    "data": {
                        "outcome": "support",
                        "text": "已责成物业于 3 月 20 日前修复屋顶",
                        "legal_basis": "《物业管理条例》第五十五条",
                    },
                }
            ]
        },
    )

    case_id: UUID
    action: CallbackAction = Field(description="部门所做的操作，与 POST /cases/{id}/<action> 相同")
    data: dict = Field(default_factory=dict, description="该操作的请求体字段")


class CallbackResult(BaseModel):
    webhook_id: str
    case_id: UUID
    action: str
    status: str = Field(description="案件在回调处理后的状态")
    duplicate: bool = Field(description="为真时该 webhook-id 已处理过，本次未再生效")
