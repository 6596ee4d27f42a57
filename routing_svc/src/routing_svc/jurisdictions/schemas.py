from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Level = Literal["district", "street", "community"]


class JurisdictionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str = Field(description="区划代码（区 6 位、街道 9 位、社区 12 位）")
    name: str
    level: Level
    parent_code: str | None
