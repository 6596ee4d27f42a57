from pydantic import BaseModel, ConfigDict, Field


class GridRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str = Field(description="网格编码（社区代码 + 两位序号）")
    name: str
    community_code: str = Field(description="所在社区的 12 位区划代码")
    households: int = Field(description="户数")
