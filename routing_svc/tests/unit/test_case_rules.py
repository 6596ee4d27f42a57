"""routing_svc.cases.rules: the place decides the unit; a jurisdiction sees the cases below it."""

import pytest

from routing_svc.cases.rules import TIER_OF_LEVEL, Unit, choose_unit, visible_to

DISTRICT = Unit(code="320599", name="清河区", tier="district")
COMMUNITY = Unit(code="320599001001", name="柳岸社区", tier="community")


def test_known_community_handles_the_case() -> None:
    assert choose_unit(community=COMMUNITY, district=DISTRICT) is COMMUNITY


def test_unknown_place_goes_to_the_district() -> None:
    assert choose_unit(community=None, district=DISTRICT) is DISTRICT


def test_tiers_follow_levels() -> None:
    assert TIER_OF_LEVEL == {"community": "community", "street": "street", "district": "district"}


def test_units_are_values() -> None:
    assert Unit("1", "a", "community") == Unit("1", "a", "community")
    assert Unit("1", "a", "community") != Unit("1", "a", "street")
    with pytest.raises(AttributeError):
        COMMUNITY.code = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("jurisdiction", "unit_code", "visible"),
    [
        ("320599001001", "320599001001", True),  # the community itself
        ("320599001", "320599001001", True),  # its street
        ("320599", "320599001001", True),  # its district
        ("320599", "320599", True),  # the district's own coordination cases
        ("320599002", "320599001001", False),  # another street
        ("320599001002", "320599001001", False),  # a sibling community
        ("320599001001", "320599001", False),  # a community does not see its street's cases
        ("320599001001", "320599", False),
        ("110105", "320599001001", False),  # another district
        (None, "320599001001", False),  # no jurisdiction claim
        ("", "320599001001", False),  # an empty claim is no jurisdiction, not "everything"
    ],
)
def test_visible_to_jurisdiction(jurisdiction: str | None, unit_code: str, visible: bool) -> None:
    assert visible_to(jurisdiction, unit_code=unit_code, is_admin=False) is visible


@pytest.mark.parametrize("jurisdiction", [None, "", "110105", "320599"])
def test_admin_sees_everything(jurisdiction: str | None) -> None:
    assert visible_to(jurisdiction, unit_code="320599003004", is_admin=True) is True
