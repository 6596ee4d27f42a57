"""The templates every installation starts with (version 1): the statutory notices of the 信访工作条例 to the
petitioner, and the staff alerts. Admins save new versions through the API."""

_NO = "{% if tracking_no %}（编号 {{ tracking_no }}）{% endif %}"
_PETITION = "xinfang.petition."
_CASE = "xinfang.case."

# key -> (event type, title, body)
DEFAULT_TEMPLATES: dict[str, tuple[str, str, str]] = {
    "petition.receipt": (
        _PETITION + "registered.v1",
        "信访事项登记回执",
        "您的信访事项已于 {{ received_at_text }} 登记，编号 {{ tracking_no }}。查询码已在登记时告知您，"
        "请凭编号和查询码查询办理进展。"
        "{% if first_time %}初次信访请阅读信访指南：{{ guide_url }}{% endif %}",
    ),
    "petition.not_accepted": (
        _PETITION + "not_accepted.v1",
        "信访事项不予受理告知",
        "您的信访事项（编号 {{ tracking_no }}）不予受理：{{ reason_name }}。{{ notice }}",
    ),
    "petition.resolved_on_spot": (
        _PETITION + "resolved_on_spot.v1",
        "信访事项当场化解告知",
        "您的信访事项（编号 {{ tracking_no }}）已当场{{ how_name }}：{{ outcome }}。",
    ),
    "petition.withdrawn": (
        _PETITION + "withdrawn.v1",
        "信访事项撤回确认",
        "您已撤回信访事项（编号 {{ tracking_no }}），该事项不再办理。",
    ),
    "appointment.reminder": (
        "xinfang.appointment.booked.v1",
        "预约接访提醒",
        "温馨提示：您预约的接访将于 {{ starts_at_text }} 在{{ place }}进行，接访人：{{ host }}。"
        "请携带身份证件按时到达。",
    ),
    "appointment.cancelled": (
        "xinfang.appointment.cancelled.v1",
        "预约接访取消告知",
        "您预约的 {{ starts_at_text }} 接访已取消{% if reason %}（{{ reason }}）{% endif %}。如需接访，请重新预约。",
    ),
    "case.forwarded": (
        _CASE + "assigned.v1",
        "信访事项转送告知",
        "您的信访事项" + _NO + "已{{ mode_name }}{{ unit_name }}办理。",
    ),
    "case.accepted": (
        _CASE + "accepted.v1",
        "信访事项受理告知",
        "您的信访事项" + _NO + "已由{{ unit_name }}受理，将于 {{ due_at_text }} 前办结并出具处理意见。",
    ),
    "case.not_accepted": (
        _CASE + "not_accepted.v1",
        "信访事项不予受理告知",
        "您的信访事项" + _NO + "不予受理：{{ reason }}。"
        "{% if legal_route %}请通过{{ legal_route_name }}途径解决。{% endif %}",
    ),
    "case.steered": (
        _CASE + "steered.v1",
        "法定途径告知",
        "您反映的事项" + _NO + "应通过{{ legal_route_name }}解决，请向{{ route_name }}提出。",
    ),
    "case.extended": (
        _CASE + "extended.v1",
        "办理期限延长告知",
        "您的信访事项" + _NO + "办理期限延长 {{ days }} 日至 {{ due_at_text }}，延期理由：{{ reason }}。",
    ),
    "case.replied": (
        _CASE + "replied.v1",
        "信访事项处理意见告知",
        "您的信访事项" + _NO + "已由{{ unit_name }}出具处理意见（{{ outcome_name }}）。"
        "如不服，可于 {{ review_deadline_text }} 前请求复查。",
    ),
    "case.reviewed": (
        _CASE + "reviewed.v1",
        "复查复核意见告知",
        "您的信访事项" + _NO + "{{ level_name }}意见：{{ outcome_name }}原处理意见。"
        "{% if next_deadline %}如不服，可于 {{ next_deadline_text }} 前请求复核。"
        "{% else %}该信访事项已终结。{% endif %}",
    ),
    "staff.case_assigned": (
        _CASE + "assigned.v1",
        "新{{ mode_name }}案件",
        "{{ unit_name }}：收到{{ mode_name }}案件" + _NO + "{% if due_at %}，办理期限至 {{ due_at_text }}{% endif %}。"
        "请及时签收办理。",
    ),
    "staff.case_escalated": (
        _CASE + "escalated.v1",
        "提级办理案件",
        "案件" + _NO + "由 {{ from_unit_code }} 提级至{{ unit_name }}办理，原因：{{ reason }}。请及时签收办理。",
    ),
    "staff.deadline_reminder": (
        _CASE + "deadline_approaching.v1",
        "时限提醒",
        "提醒：{{ unit_name }}承办的案件" + _NO + "{{ clock_name }}将于 {{ due_at_text }} 届满，"
        "剩余 {{ days_left }} 天（{{ legal_basis }}）。",
    ),
    "staff.overdue_alert": (
        _CASE + "overdue.v1",
        "超期预警",
        "超期预警：{{ unit_name }}承办的案件" + _NO + "{{ clock_name }}已于 {{ due_at_text }} 届满，"
        "超期 {{ days_left|abs }} 天（{{ legal_basis }}）。",
    ),
    "staff.supervision_order": (
        _CASE + "supervised.v1",
        "督办通知",
        "督办通知：{% if listed %}挂牌{% endif %}督办{{ unit_name }}承办的案件" + _NO + "，原因：{{ reason }}。"
        "请于 {{ due_at_text }} 前书面答复。",
    ),
    "staff.case_objected": (
        _CASE + "objected.v1",
        "交办异议",
        "{{ unit_name }}对案件" + _NO + "提出异议：{{ reason }}。请审核并重新确定承办单位。",
    ),
    "staff.sweep_missed": (
        "xinfang.sweep.missed.v1",
        "排查提醒",
        "排查提醒：{{ week }} 社区 {{ community_code }} {{ gap_name }}"
        "{% if resident_category %}（{{ resident_category }}）{% endif %}，应于 {{ due_by_text }} 前完成。",
    ),
    "staff.risk_alert": (
        "xinfang.risk.alert.v1",
        "政策风险预警：{{ title }}",
        "风险预警（{{ alert_name }}）：{{ title }}。{{ message }}",
    ),
}

# notices of notify's own to a unit (``notifications.service.notify_owner``): key -> (notice type, title, body)
NOTICE_TEMPLATES: dict[str, tuple[str, str, str]] = {
    "owner.webhook_disabled": (
        "notify.webhook_disabled",
        "Webhook 订阅已停用",
        "您单位的 Webhook 订阅{% if description %}“{{ description }}”{% endif %}（{{ url }}）"
        "{% if disabled_at %}已于 {{ disabled_at_text }} {% else %}已{% endif %}停用"
        "{% if disabled_reason %}，原因：{{ disabled_reason_name }}{% endif %}。"
        "停用期间的事件不再推送，请检查接收端后在订阅管理中重新启用。",
    ),
}
