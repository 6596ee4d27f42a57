from typing import Annotated

from fastapi import Depends, Request

from routing_svc.config import RoutingSettings


async def get_settings(request: Request) -> RoutingSettings:
    return request.app.state.runtime.settings


Settings = Annotated[RoutingSettings, Depends(get_settings)]
