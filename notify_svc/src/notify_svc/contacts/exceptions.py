from services.http.errors import NotFound


class StaffMemberNotFound(NotFound):
    code, title = "staff_member_not_found", "工作人员不存在"
