"""notify_svc.notifications.rules.render: the exact texts petitioners receive."""

import pytest

from notify_svc.notifications.rules import TEMPLATES, render


def test_receipt_text() -> None:
    assert render("petition.received", tracking_no="2026-320599-000007") == (
        "【信访】您的信访事项已登记，编号 2026-320599-000007。请凭编号和查询码查询办理进展。"
    )


def test_routed_text() -> None:
    assert render("case.routed", tracking_no="2026-320599-000007", unit_name="柳岸社区") == (
        "【信访】您的信访事项（编号 2026-320599-000007）已转交柳岸社区办理。"
    )


def test_extra_values_are_ignored() -> None:
    assert render("petition.received", tracking_no="X", unit_name="unused") == render(
        "petition.received", tracking_no="X"
    )


def test_known_templates() -> None:
    assert set(TEMPLATES) == {"petition.received", "case.routed"}


def test_unknown_template() -> None:
    with pytest.raises(KeyError, match="case.closed"):
        render("case.closed", tracking_no="X")


def test_missing_value() -> None:
    with pytest.raises(KeyError, match="unit_name"):
        render("case.routed", tracking_no="X")
