from services.http.errors import Conflict, NotFound, Unprocessable


class TemplateNotFound(NotFound):
    code, title = "template_not_found", "通知模板不存在"


class TemplateInvalid(Unprocessable):
    code, title = "template_invalid", "通知模板未通过校验"


class TemplateSavedConcurrently(Conflict):
    code, title = "template_saved_concurrently", "同一模板正被同时保存，请重试"
