from services.http.errors import Conflict, FieldError, NotFound


class GuideVersionNotFound(NotFound):
    code, title = "guide_version_not_found", "信访指南没有该版本"

    def __init__(self) -> None:
        super().__init__(errors=[FieldError(parameter="version", code="guide_version_not_found", detail="没有该版本")])


class GuideVersionConflict(Conflict):
    code, title = "guide_version_conflict", "信访指南已有更新的版本，请基于最新版本重新发布"
