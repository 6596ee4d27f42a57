from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.http.models import RequestModel

Level = Literal["community", "street", "district"]  # one order everywhere: typing caches equal Literals
DepartmentLevel = Literal["district", "street"]
AliasText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=64)]
Name = Field(min_length=1, max_length=64)


class JurisdictionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str = Field(description="区划代码（区 6 位、街道 9 位、社区 12 位）")
    name: str
    level: Level
    parent_code: str | None
    aliases: list[str] = Field(description="地址别名（小区名、路名），用于由地址找到社区")
    active: bool = Field(description="停用的辖区不再接收新案件，历史案件仍指向它")


class JurisdictionCreate(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "code": "320599003005",
                    "name": "滨江社区",
                    "level": "community",
                    "parent_code": "320599003",
                    "aliases": ["滨江花园", "滨江路"],
                }
            ]
        },
    )

    code: str = Field(pattern=r"^\d{6}(\d{3}){0,2}$", description="区划代码：区 6 位、街道 9 位、社区 12 位")
    name: str = Name
    level: Level
    parent_code: str | None = Field(default=None, pattern=r"^\d{6}(\d{3})?$", description="上级辖区代码；区为空")
    aliases: list[AliasText] = Field(default_factory=list, max_length=50, description="地址别名（每个 2–64 字）")


class JurisdictionUpdate(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"aliases": ["柳岸小区", "柳岸路", "柳岸花园"]}]},
    )

    name: str | None = Field(default=None, min_length=1, max_length=64)
    aliases: list[AliasText] | None = Field(default=None, max_length=50, description="替换全部地址别名")
    active: bool | None = Field(default=None, description="停用（false）或重新启用（true）")


class AddressMatchRead(BaseModel):
    address: str
    community: JurisdictionRead | None = Field(description="地址所在的社区；找不到或有多个同样匹配时为空")
    street: JurisdictionRead | None = None


class DepartmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str = Field(description="部门代码，如 D-HOUSING")
    name: str
    levels: list[DepartmentLevel] = Field(description="设置该部门的层级：区级、街道级")
    active: bool


class DepartmentCreate(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"code": "D-SPORTS", "name": "区文化体育和旅游局", "levels": ["district"]}]},
    )

    code: str = Field(pattern=r"^D-[A-Z0-9]+(-[A-Z0-9]+)*$", max_length=32, description="部门代码：D- 加大写字母")
    name: str = Name
    levels: list[DepartmentLevel] = Field(min_length=1, max_length=2)


class DepartmentUpdate(RequestModel):
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [{"name": "区住房和城乡建设局"}]}
    )

    name: str | None = Field(default=None, min_length=1, max_length=64)
    levels: list[DepartmentLevel] | None = Field(default=None, min_length=1, max_length=2)
    active: bool | None = None


class ReferencePublished(BaseModel):
    jurisdiction_version: int = Field(description="已发布的辖区与部门快照版本号")
    catalogue_version: int = Field(description="已发布的分类目录快照版本号")
