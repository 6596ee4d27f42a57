"""Domain errors of webhooks, each with its HTTP status and stable code."""

from services.http.errors import Conflict, FieldError, Forbidden, NotFound, Unprocessable


class SubscriptionNotFound(NotFound):
    code, title = "webhook_subscription_not_found", "Webhook 订阅不存在"


class DeliveryNotFound(NotFound):
    code, title = "webhook_delivery_not_found", "Webhook 投递记录不存在"


class OwnerNotAllowed(Forbidden):
    code, title = "webhook_owner_forbidden", "无权管理该单位的 Webhook 订阅"


class SubscriptionDisabled(Conflict):
    code, title = "webhook_subscription_disabled", "Webhook 订阅已停用，请先启用"


class UrlRefused(Unprocessable):
    code, title = "webhook_url_refused", "订阅地址不被允许"

    @classmethod
    def because(cls, code: str, message: str) -> "UrlRefused":
        return cls(message, errors=[FieldError(pointer="/url", code=code, detail=message)])


class EventTypesInvalid(Unprocessable):
    code, title = "webhook_event_types_invalid", "订阅的事件类型无效"

    @classmethod
    def at(cls, problems: list[tuple[int, str, str]]) -> "EventTypesInvalid":
        """``problems``: ``(index, code, detail)`` of each offending entry of ``event_types``."""
        errors = [FieldError(pointer=f"/event_types/{i}", code=code, detail=detail) for i, code, detail in problems]
        return cls("event_types 中含有未知或重复的事件类型", errors=errors)
