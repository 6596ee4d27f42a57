from typing import Annotated

from fastapi import Depends, Request

from screening_svc.config import ScreeningSettings


async def get_settings(request: Request) -> ScreeningSettings:
    return request.app.state.runtime.settings


Settings = Annotated[ScreeningSettings, Depends(get_settings)]
