from services.http.errors import Conflict, NotFound


class NotificationNotFound(NotFound):
    code, title = "notification_not_found", "通知不存在"


class NotificationNotFailed(Conflict):
    code, title = "notification_not_failed", "只有发送失败的通知可以重试"
