"""Signed department callbacks (Standard Webhooks, ADR 0015): verify on the raw body, apply once per webhook-id."""

import base64
import logging
from collections.abc import Mapping
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from routing_svc.callbacks.exceptions import CallbackCaseNotFound, UnsupportedCallbackType
from routing_svc.callbacks.schemas import CallbackBody, CallbackResult
from routing_svc.cases import actions, escalation, repository, rules, schemas, workflow
from routing_svc.cases.lifecycle import Action
from routing_svc.cases.models import CallbackReceipt
from routing_svc.config import RoutingSettings
from services.http.errors import Unprocessable, field_error_from_pydantic
from services.http.webhook_signature import WebhookSignatureInvalid, verify

log = logging.getLogger(__name__)

DEV_CALLBACK_SECRET = "whsec_" + base64.b64encode(b"dev-only-callback-secret-change-me").decode()
"""Accepted for every department in development and test only, where no secret is configured for it."""


async def _escalate(ch: workflow.Change, body: schemas.ReasonBody) -> None:
    await escalation.escalate(ch, reason_code="cannot_resolve", reason=body.reason)


USE_CASES = {
    "sign": (Action.SIGN, schemas.NoteBody, actions.sign),
    "object": (Action.OBJECT, schemas.ReasonBody, actions.object_),
    "accept": (Action.ACCEPT, schemas.NoteBody, actions.accept),
    "reject": (Action.REJECT, schemas.RejectBody, actions.reject),
    "steer": (Action.STEER, schemas.SteerBody, actions.steer),
    "start": (Action.START, schemas.NoteBody, actions.start),
    "reply": (Action.REPLY, schemas.ReplyBody, actions.reply),
    "escalate": (Action.ESCALATE, schemas.ReasonBody, _escalate),
}


def secrets_of(settings: RoutingSettings, department: str) -> list[str]:
    configured = settings.callback_secrets.get(department)
    if configured:
        return configured
    return [DEV_CALLBACK_SECRET] if settings.environment in ("development", "test") else []


def verified_id(settings: RoutingSettings, department: str, *, headers: Mapping[str, str], body: bytes) -> str:
    """The webhook-id of a correctly signed callback; 401 for anything else (nothing is read before this)."""
    secrets = secrets_of(settings, department)
    if not secrets:
        raise WebhookSignatureInvalid("该部门未配置回调密钥")
    try:
        return verify(headers=headers, body=body, secret=secrets, now=datetime.now(UTC))
    except ValueError as exc:  # a malformed configured secret: refuse, and tell the operator
        log.error("callback secret of %s is malformed: %s", department, exc)
        raise WebhookSignatureInvalid("该部门的回调密钥配置无效") from exc


def require_json(content_type: str | None) -> None:
    if not (content_type or "").split(";")[0].strip().lower() == "application/json":
        raise UnsupportedCallbackType(f"请求体应为 application/json，收到：{content_type or '未声明'}")


def _parsed(model: type, raw: bytes | dict, prefix: str = ""):
    try:
        return model.model_validate_json(raw) if isinstance(raw, bytes) else model.model_validate(raw)
    except ValidationError as exc:
        errors = [
            field_error_from_pydantic({**e, "loc": ("body", *prefix.split("/")[1:], *e["loc"])}) for e in exc.errors()
        ]
        raise Unprocessable(errors=errors) from exc


async def apply(
    *, session: AsyncSession, department: str, webhook_id: str, body: bytes, policy: workflow.Policy
) -> CallbackResult:
    receipt = await session.get(CallbackReceipt, (department, webhook_id))
    if receipt is not None:
        case = await repository.get(session, receipt.case_id)
        status = case.status if case is not None else "closed"
        return CallbackResult(
            webhook_id=webhook_id, case_id=receipt.case_id, action=receipt.action, status=status, duplicate=True
        )
    callback = _parsed(CallbackBody, body)
    action, body_model, use_case = USE_CASES[callback.action]
    request = _parsed(body_model, callback.data, prefix="/data")
    case = await repository.get(session, callback.case_id)
    if case is None or not rules.acts_for(
        department, unit_code=case.unit_code, co_unit_codes=tuple(case.co_unit_codes)
    ):
        raise CallbackCaseNotFound()
    now = datetime.now(UTC)
    ch = await workflow.change(session, case, actor=f"callback:{department}", at=now, policy=policy)
    await use_case(ch, request)
    session.add(
        CallbackReceipt(
            department_code=department,
            webhook_id=webhook_id,
            case_id=case.id,
            action=action.value,
            status=200,
            received_at=now,
        )
    )
    await session.flush()
    return CallbackResult(
        webhook_id=webhook_id, case_id=case.id, action=action.value, status=case.status, duplicate=False
    )
