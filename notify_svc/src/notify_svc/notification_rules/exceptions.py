from services.http.errors import Conflict, NotFound, Unprocessable


class RuleNotFound(NotFound):
    code, title = "rule_not_found", "通知规则不存在"


class RuleExists(Conflict):
    code, title = "rule_exists", "该事件类型对该类接收人已有规则"


class RuleInvalid(Unprocessable):
    code, title = "rule_invalid", "通知规则未通过校验"
