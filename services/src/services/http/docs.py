"""Swagger UI served from local files (no CDN: the machines and many bureau networks are offline)."""

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).parent / "static"


def mount_docs(app: FastAPI, *, base: str, title: str, openapi_urls: list[tuple[str, str]]) -> None:
    """Serve ``{base}/docs`` listing one or more OpenAPI documents (a dropdown when several)."""
    app.mount(f"{base}/docs-assets", StaticFiles(directory=ASSETS), name=f"docs-assets{base}")
    parameters = {"urls": [{"url": url, "name": name} for name, url in openapi_urls]} if len(openapi_urls) > 1 else {}

    @app.get(f"{base}/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_urls[0][1],
            title=title,
            swagger_js_url=f"{base}/docs-assets/swagger-ui-bundle.js",
            swagger_css_url=f"{base}/docs-assets/swagger-ui.css",
            swagger_favicon_url=f"{base}/docs-assets/favicon.png",
            swagger_ui_parameters=parameters or None,
        )
