from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

from notify_svc.contacts.rules import email_valid
from services.http.models import RequestModel
from services.pii import phone_problem

StaffRole = Literal["handler", "supervisor", "grid_team"]
_UNIT = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9-]+$", description="单位代码：辖区代码或部门代码")


def _phone(value: str | None) -> str | None:
    if value is not None and (problem := phone_problem(value)):
        raise ValueError(problem)
    return value


def _email(value: str | None) -> str | None:
    if value is not None and not email_valid(value):
        raise ValueError("电子邮箱格式不正确")
    return value


class StaffCreate(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "unit_code": "320599001002",
                    "role": "handler",
                    "name": "长桥社区 赵承办",
                    "inbox_id": "handler-320599001002",
                    "phone": "13900002001",
                    "email": "changqiao@qinghe.example.cn",
                }
            ]
        },
    )

    unit_code: str = _UNIT
    role: StaffRole = Field(description="handler 承办人；supervisor 督办人员；grid_team 网格团队")
    name: str = Field(min_length=1, max_length=64, description="姓名或岗位")
    inbox_id: str | None = Field(default=None, max_length=128, description="站内信收件人：其令牌中的 sub")
    phone: str | None = Field(default=None, max_length=32, description="工作手机")
    email: str | None = Field(default=None, max_length=254, description="工作邮箱")

    _check_phone = field_validator("phone")(_phone)
    _check_email = field_validator("email")(_email)


class StaffUpdate(RequestModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"phone": "13900002009", "active": True}]}
    )

    # Absent means unchanged; null clears an optional channel (inbox_id, phone, email), never a name or the state.
    name: str = Field(default=None, min_length=1, max_length=64)  # type: ignore[assignment]
    inbox_id: str | None = Field(default=None, max_length=128)
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=254)
    active: bool = Field(default=None, description="停用后不再收到通知")  # type: ignore[assignment]

    _check_phone = field_validator("phone")(_phone)
    _check_email = field_validator("email")(_email)


class StaffRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    unit_code: str
    role: StaffRole
    name: str
    inbox_id: str | None
    phone: str | None
    email: str | None
    active: bool
    created_at: datetime
    updated_at: datetime
