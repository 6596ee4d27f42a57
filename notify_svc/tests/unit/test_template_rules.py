"""notify_svc.templates.rules: the variables of each event type, validation when saved, sandboxed rendering; and
that every default template is valid and renders every statutory notice from its contract's example."""

from datetime import UTC, date, datetime

import pytest
from jinja2 import TemplateError

from notify_svc.notification_rules.defaults import DEFAULT_RULES
from notify_svc.templates.defaults import DEFAULT_TEMPLATES
from notify_svc.templates.rules import (
    EVENT_TYPES,
    allowed_variables,
    format_time,
    render,
    template_context,
    template_problems,
)

ASSIGNED = "xinfang.case.assigned.v1"


def context_of(event_type: str, **changes) -> dict:
    cls = EVENT_TYPES[event_type]
    data = cls.model_fields["data"].annotation(**(cls.example | changes))
    return template_context(dict(data), event_type=event_type, timezone="Asia/Shanghai", guide_url="/intake/v1/guide")


def test_variables_of_an_event_type() -> None:
    variables = allowed_variables(ASSIGNED)
    assert {"tracking_no", "unit_name", "mode", "mode_name", "due_at", "due_at_text", "guide_url"} <= variables
    assert "contact_sealed" not in variables and "petitioner_ref" not in variables


def test_sealed_contact_and_petitioner_ref_are_never_offered() -> None:
    variables = allowed_variables("xinfang.petition.registered.v1")
    assert not {"contact_sealed", "petitioner_ref"} & variables


@pytest.mark.parametrize(
    ("source", "codes"),
    [
        ("{{ tracking_no }} 已{{ mode_name }}{{ unit_name }}", []),
        ("{% if due_at %}{{ due_at_text }}{% endif %}", []),
        ("{{ tracking_no }}{{ petitioner_name }}", ["unknown_variable"]),
        ("{{ a }}{{ b }}", ["unknown_variable", "unknown_variable"]),
        ("{{ contact_sealed }}", ["unknown_variable"]),
        ("{% for x in co_unit_codes %}{{ x }}{% endfor %}", []),  # a loop variable is declared by the loop
        ("{% if %}", ["template_syntax"]),
        ("{{ tracking_no | no_such_filter }}", ["template_syntax"]),
        ("{{ tracking_no", ["template_syntax"]),
    ],
)
def test_template_problems(source: str, codes: list[str]) -> None:
    assert [code for code, _ in template_problems(source, event_type=ASSIGNED)] == codes


def test_unknown_variables_are_named() -> None:
    assert template_problems("{{ zz }}{{ aa }}", event_type=ASSIGNED) == [
        ("unknown_variable", "模板使用了该事件类型没有的变量：aa"),
        ("unknown_variable", "模板使用了该事件类型没有的变量：zz"),
    ]


def test_the_same_variable_is_unknown_for_another_event_type() -> None:
    assert template_problems("{{ days }}", event_type="xinfang.case.extended.v1") == []
    assert [c for c, _ in template_problems("{{ days }}", event_type=ASSIGNED)] == ["unknown_variable"]


def test_rendering_is_sandboxed() -> None:
    with pytest.raises(TemplateError):
        render("{{ tracking_no.__class__.__mro__ }}", context_of(ASSIGNED))


def test_rendering_an_attribute_of_null_fails_loudly() -> None:
    with pytest.raises(TemplateError):
        render("{{ due_at.year }}", context_of(ASSIGNED, due_at=None))


def test_rendering_does_not_escape_chinese_or_quotes() -> None:
    assert render("{{ unit_name }}「{{ mode_name }}」", context_of(ASSIGNED)) == "柳岸社区「交办」"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2026, 3, 2, 1, 31, tzinfo=UTC), "2026年3月2日 09:31"),
        (datetime(2026, 12, 31, 16, 0, tzinfo=UTC), "2027年1月1日 00:00"),
        (date(2026, 4, 20), "2026年4月20日"),
    ],
)
def test_format_time(value, text: str) -> None:
    assert format_time(value, timezone="Asia/Shanghai") == text


def test_context_labels_and_null_times() -> None:
    context = context_of(ASSIGNED, mode="transfer", due_at=None)
    assert (context["mode_name"], context["due_at"], context["due_at_text"]) == ("转送", None, None)


def test_every_rule_has_a_template_of_its_event_type() -> None:
    for rule in DEFAULT_RULES:
        assert DEFAULT_TEMPLATES[rule.template_key][0] == rule.event_type, rule


@pytest.mark.parametrize("key", sorted(DEFAULT_TEMPLATES))
def test_default_templates_are_valid_and_render(key: str) -> None:
    event_type, title, body = DEFAULT_TEMPLATES[key]
    assert template_problems(title, event_type=event_type) == []
    assert template_problems(body, event_type=event_type) == []
    text = render(body, context_of(event_type))
    assert text and "None" not in text and "{{" not in text


@pytest.mark.parametrize(
    ("key", "changes", "text"),
    [
        (
            "petition.receipt",
            {"first_time": True},
            "您的信访事项已于 2026年3月2日 09:31 登记，编号 2026-320599-000001。查询码已在登记时告知您，"
            "请凭编号和查询码查询办理进展。初次信访请阅读信访指南：/intake/v1/guide",
        ),
        (
            "petition.receipt",
            {"first_time": False},
            "您的信访事项已于 2026年3月2日 09:31 登记，编号 2026-320599-000001。查询码已在登记时告知您，"
            "请凭编号和查询码查询办理进展。",
        ),
        ("case.forwarded", {"mode": "transfer"}, "您的信访事项（编号 2026-320599-000001）已转送柳岸社区办理。"),
        (
            "case.extended",
            {},
            "您的信访事项（编号 2026-320599-000001）办理期限延长 30 日至 2026年6月3日 23:59，"
            "延期理由：需现场勘查并组织听证。",
        ),
        (
            "case.reviewed",
            {"next_deadline": None, "level": "re_review"},
            "您的信访事项（编号 2026-320599-000001）复核意见：维持原处理意见。该信访事项已终结。",
        ),
        (
            "case.not_accepted",
            {"legal_route": "arbitration"},
            "您的信访事项（编号 2026-320599-000001）不予受理：同一事项正在下级办理。请通过仲裁途径解决。",
        ),
        ("staff.overdue_alert", {}, None),
    ],
)
def test_statutory_texts(key: str, changes: dict, text: str | None) -> None:
    event_type, _, body = DEFAULT_TEMPLATES[key]
    rendered = render(body, context_of(event_type, **changes))
    if text is None:
        assert "超期 1 天" in rendered
    else:
        assert rendered == text
