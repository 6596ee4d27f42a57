"""RFC 9457 problem+json errors with a stable machine ``code`` and JSON pointers to invalid fields."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

_FIELD_MESSAGES = {
    "missing": "缺少必填字段",
    "string_too_short": "内容过短",
    "string_too_long": "内容超过长度上限",
    "string_pattern_mismatch": "格式不正确",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "int_parsing": "应为整数",
    "uuid_parsing": "应为 UUID",
    "datetime_parsing": "应为 RFC 3339 时间",
    "datetime_from_date_parsing": "应为 RFC 3339 时间",
    "datetime_type": "应为 RFC 3339 时间",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "extra_forbidden": "不允许的字段",
    "value_error": "取值无效",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "string_type": "应为字符串",
    "string_unicode": "含有无效的 Unicode 字符",
    "invalid_character": "含有不允许的字符（NUL）",
    "timezone_aware": "应带时区偏移（RFC 3339）",
    "datetime_out_of_range": "时间超出可表示范围",
}


class FieldError(BaseModel):
    pointer: str | None = Field(default=None, description="请求体中出错字段的 JSON Pointer（RFC 6901）")
    parameter: str | None = Field(default=None, description="出错的查询、路径或请求头参数名")
    code: str = Field(description="字段错误代码")
    detail: str = Field(description="中文说明")


class Problem(BaseModel):
    """The body of every error response (application/problem+json)."""

    type: str = "about:blank"
    title: str
    status: int
    code: str = Field(description="稳定的机器可读错误代码")
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] = Field(default_factory=list)


class ProblemError(Exception):
    """A domain or request error that maps to one HTTP status and machine code."""

    status: int = 400
    code: str = "bad_request"
    title: str = "请求无效"

    def __init__(self, detail: str | None = None, *, errors: list[FieldError] | None = None, **kwargs: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = errors or []
        for key, value in kwargs.items():
            setattr(self, key, value)


class NotFound(ProblemError):
    status, code, title = 404, "not_found", "资源不存在"


class Unauthorized(ProblemError):
    status, code, title = 401, "unauthorized", "未认证或令牌无效"


class Forbidden(ProblemError):
    status, code, title = 403, "forbidden", "无权执行此操作"


class Conflict(ProblemError):
    status, code, title = 409, "conflict", "与当前状态冲突"


class Unprocessable(ProblemError):
    status, code, title = 422, "validation_failed", "请求内容未通过校验"


class PayloadTooLarge(ProblemError):
    status, code, title = 413, "payload_too_large", "请求体过大"


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    body = problem.model_dump(exclude_none=True)
    return JSONResponse(body, status_code=problem.status, media_type=PROBLEM_JSON, headers=headers)


async def _from_problem_error(request: Request, exc: ProblemError) -> JSONResponse:
    problem = Problem(
        title=exc.title,
        status=exc.status,
        code=exc.code,
        detail=exc.detail,
        instance=request.url.path,
        errors=exc.errors,
    )
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return problem_response(problem, headers)


def field_error_from_pydantic(error: dict[str, Any]) -> FieldError:
    location, *path = error.get("loc", ()) or ("body",)
    code = error.get("type", "invalid")
    detail = _FIELD_MESSAGES.get(code, "取值无效") + f"：{error.get('msg', '')}"
    if location == "body":
        pointer = "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)
        return FieldError(pointer=pointer if path else "", code=code, detail=detail)
    return FieldError(parameter=".".join(str(p) for p in path) or str(location), code=code, detail=detail)


def _malformed_json(request: Request) -> JSONResponse:
    problem = Problem(title="请求体不是有效的 JSON", status=400, code="malformed_json", instance=request.url.path)
    return problem_response(problem)


async def _from_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return _malformed_json(request)
    if isinstance(exc.body, bytes | bytearray):
        # FastAPI leaves the body unparsed (bytes) when its Content-Type is not JSON (text/plain, a form, none).
        problem = Problem(
            title="不支持的内容类型",
            status=415,
            code="unsupported_media_type",
            detail=f"请求体应为 application/json，收到：{request.headers.get('content-type') or '未声明'}",
            instance=request.url.path,
        )
        return problem_response(problem)
    problem = Problem(
        title="请求内容未通过校验",
        status=422,
        code="validation_failed",
        instance=request.url.path,
        errors=[field_error_from_pydantic(e) for e in errors],
    )
    return problem_response(problem)


_HTTP_CODES = {
    400: ("bad_request", "请求无效"),
    401: ("unauthorized", "未认证或令牌无效"),
    403: ("forbidden", "无权执行此操作"),
    404: ("not_found", "资源不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    406: ("not_acceptable", "无法提供所请求的格式"),
    413: ("payload_too_large", "请求体过大"),
    415: ("unsupported_media_type", "不支持的内容类型"),
}


# What FastAPI raises when reading a JSON body fails other than by syntax: not UTF-8 (or UTF-16/32), nested too
# deep (RecursionError), an integer over Python's digit limit.
_BODY_PARSE_ERROR = "There was an error parsing the body"


_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


async def _from_http_exception(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 400 and exc.detail == _BODY_PARSE_ERROR:
        return _malformed_json(request)
    code, title = _HTTP_CODES.get(exc.status_code, ("http_error", "请求失败"))
    detail = (
        exc.detail
        if isinstance(exc.detail, str) and exc.detail not in (title, "Not Found", "Method Not Allowed")
        else None
    )
    problem = Problem(title=title, status=exc.status_code, code=code, detail=detail, instance=request.url.path)
    headers = getattr(exc, "headers", None)
    if exc.status_code == 405:
        headers = {**(headers or {}), "Allow": _allowed_methods(request)}
    return problem_response(problem, headers)


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path: Starlette's own 405 names only the first route that matched
    the path, although a collection usually has a GET and a POST route."""
    allowed = [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in request.app.router.routes
        )
    ]
    return ", ".join(allowed)


async def _from_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    problem = Problem(title="服务器内部错误", status=500, code="internal_error", instance=request.url.path)
    return problem_response(problem)


async def _from_database_error(request: Request, exc: Exception) -> JSONResponse:
    """A lost or exhausted database connection is the server's trouble, temporary, and worth a retry: 503."""
    if isinstance(exc, DBAPIError) and not exc.connection_invalidated:
        return await _from_unexpected(request, exc)
    log.warning("database unavailable", exc_info=exc)
    problem = Problem(title="服务暂时不可用", status=503, code="database_unavailable", instance=request.url.path)
    return problem_response(problem, {"Retry-After": "1"})


def install_error_handlers(app: FastAPI) -> None:
    """The handlers are coroutines: Starlette runs a plain function handler in a worker thread, which cost about
    0.3 ms of CPU per error response (a thread hop) for work that takes microseconds."""
    app.add_exception_handler(ProblemError, _from_problem_error)
    app.add_exception_handler(RequestValidationError, _from_validation_error)
    app.add_exception_handler(StarletteHTTPException, _from_http_exception)
    app.add_exception_handler(DBAPIError, _from_database_error)
    app.add_exception_handler(PoolTimeoutError, _from_database_error)
    app.add_exception_handler(Exception, _from_unexpected)


_RESPONSE_DESCRIPTIONS = {
    400: "请求体不是有效的 JSON，或参数无效",
    401: "未认证或令牌无效",
    403: "角色不允许此操作",
    404: "资源不存在（或无权查看）",
    409: "与并发请求冲突，可重试",
    413: "请求体过大",
    415: "请求体不是 application/json",
    422: "请求内容未通过校验，errors 中给出每个字段的 JSON Pointer",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries (problem+json) for the given statuses."""
    return {
        status: {"model": Problem, "description": _RESPONSE_DESCRIPTIONS[status], "content": {PROBLEM_JSON: {}}}
        for status in statuses
    }


PROBLEM_RESPONSES = problem_responses(400, 401, 403, 413, 422)
"""What every operation may answer; add ``problem_responses(404)`` etc. on the operations that may answer more."""
