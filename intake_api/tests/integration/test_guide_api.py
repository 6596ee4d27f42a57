"""The 信访指南 on both backends: the current version as JSON and HTML, earlier versions, and publication."""

import copy

from sqlalchemy import func, select

from intake_api.guide.models import GuideVersion
from services.testing import RunningSystem

URL = "/intake/v1/guide"


async def guide_count(system: RunningSystem) -> int:
    async with system.runtime("intake").session_factory() as session:
        return await session.scalar(select(func.count()).select_from(GuideVersion))


async def test_first_version_tells_channels_time_limits_and_review(system: RunningSystem) -> None:
    response = await system.clients["intake"].get(URL, params={"version": 1})  # no token: the guide is public
    assert response.status_code == 200
    guide = response.json()
    sections = {section["key"]: "".join(section["paragraphs"]) for section in guide["sections"]}
    assert list(sections) == ["channels", "time_limits", "review", "rights", "duties"]
    assert all(word in sections["channels"] for word in ("来信", "来访", "网上信访", "来电"))
    assert all(limit in sections["time_limits"] for limit in ("15 日", "60 日", "不超过 30 日", "30 日内提出意见"))
    assert "复查" in sections["review"] and "复核" in sections["review"]
    assert "不超过 5 人" in sections["duties"] and "第二十六条" in sections["duties"]


async def test_html_when_the_client_asks_for_it(system: RunningSystem) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    html = await system.clients["intake"].get(URL, params={"version": 1}, headers={"Accept": browser})
    assert html.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in html.text and "<h1>信访指南</h1>" in html.text
    assert '<section id="time_limits">' in html.text and "第 1 版" in html.text
    plain = await system.clients["intake"].get(URL, params={"version": 1}, headers={"Accept": "*/*"})
    assert plain.headers["content-type"].startswith("application/json")


async def test_unknown_and_invalid_versions(system: RunningSystem) -> None:
    missing = await system.clients["intake"].get(URL, params={"version": 999_999})
    assert (missing.status_code, missing.json()["code"]) == (404, "guide_version_not_found")
    invalid = await system.clients["intake"].get(URL, params={"version": 0})
    assert (invalid.status_code, invalid.json()["errors"][0]["parameter"]) == (422, "version")


async def test_admin_publishes_a_new_current_version(system: RunningSystem) -> None:
    current = (await system.clients["intake"].get(URL)).json()
    body = {
        "based_on": current["version"],
        "title": "信访指南",
        "note": "补充接待时间",
        "sections": [
            *current["sections"],
            {"key": "hours", "title": "六、接待时间", "paragraphs": ["工作日 9:00—17:00"]},
        ],
    }
    published = await system.clients["intake"].post(f"{URL}/versions", json=body, headers=system.token("admin"))
    assert published.status_code == 201, published.text
    assert published.json()["version"] == current["version"] + 1
    now = (await system.clients["intake"].get(URL)).json()
    assert (now["version"], now["sections"][-1]["key"]) == (current["version"] + 1, "hours")
    older = await system.clients["intake"].get(URL, params={"version": current["version"]})
    assert older.json() == current
    listed = await system.clients["intake"].get(f"{URL}/versions")
    assert [v["version"] for v in listed.json()][:2] == [now["version"], current["version"]]


async def test_refused_publications_change_nothing(system: RunningSystem) -> None:
    current = (await system.clients["intake"].get(URL)).json()
    valid = {"based_on": current["version"], "title": "信访指南", "sections": current["sections"]}
    duplicate = copy.deepcopy(valid) | {"sections": [current["sections"][0], current["sections"][0]]}
    empty_paragraph = copy.deepcopy(valid)
    empty_paragraph["sections"][1]["paragraphs"] = [""]
    before = await guide_count(system)
    cases = [
        (valid | {"based_on": current["version"] - 1} if current["version"] > 1 else valid | {"based_on": 1_000},
         "admin", 409, None),
        (valid, "reception", 403, None),
        (duplicate, "admin", 422, [("/sections", "duplicate_section_key")]),
        (empty_paragraph, "admin", 422, [("/sections/1/paragraphs", "paragraph_length")]),
        (valid | {"sections": []}, "admin", 422, [("/sections", "too_short")]),
    ]  # fmt: skip
    for body, role, status, errors in cases:
        response = await system.clients["intake"].post(f"{URL}/versions", json=body, headers=system.token(role))
        assert response.status_code == status, response.text
        if errors is not None:
            assert [(e["pointer"], e["code"]) for e in response.json()["errors"]] == errors
    assert await guide_count(system) == before
