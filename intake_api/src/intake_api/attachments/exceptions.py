from services.http.errors import NotFound, PayloadTooLarge, ProblemError


class AttachmentNotFound(NotFound):
    code, title = "attachment_not_found", "附件不存在"


class AttachmentTooLarge(PayloadTooLarge):
    code, title = "attachment_too_large", "附件过大"


class UnsupportedAttachmentType(ProblemError):
    status, code, title = 415, "unsupported_attachment_type", "不支持的附件类型"
