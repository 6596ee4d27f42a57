from typing import Annotated

from fastapi import Depends, Request

from intake_api.config import IntakeSettings


async def get_settings(request: Request) -> IntakeSettings:
    return request.app.state.runtime.settings


Settings = Annotated[IntakeSettings, Depends(get_settings)]
