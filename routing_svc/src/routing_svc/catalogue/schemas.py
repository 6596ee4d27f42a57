from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.http.models import RequestModel

DispatchLevel = Literal["district", "street"]
DEPARTMENTS_DESCRIPTION = "分级主管部门：层级（street 街道 / district 区）→ 部门代码（谁主管、谁负责）"


class CategoryRead(BaseModel):
    code: str = Field(description="分类代码：一级 2 位，二级 4 位")
    name: str
    parent_code: str | None
    active: bool
    departments: dict[DispatchLevel, str] = Field(description=DEPARTMENTS_DESCRIPTION)


class CategoryCreate(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "code": "0307",
                    "name": "老旧小区改造",
                    "parent_code": "03",
                    "departments": {"district": "D-HOUSING", "street": "D-STREET-URBAN"},
                }
            ]
        },
    )

    code: str = Field(pattern=r"^\d{2}(\d{2})?$", description="分类代码：一级 2 位，二级 4 位（前 2 位为一级代码）")
    name: str = Field(min_length=1, max_length=64)
    parent_code: str | None = Field(default=None, pattern=r"^\d{2}$", description="上级分类代码；一级分类为空")
    departments: dict[DispatchLevel, str] = Field(default_factory=dict, description=DEPARTMENTS_DESCRIPTION)


class CategoryUpdate(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"departments": {"district": "D-HOUSING", "street": "D-STREET-URBAN"}}]},
    )

    name: str | None = Field(default=None, min_length=1, max_length=64)
    active: bool | None = None
    departments: dict[DispatchLevel, str] | None = Field(default=None, description="替换全部分级主管部门")
