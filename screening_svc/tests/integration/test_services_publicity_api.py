"""Volunteer services and legal publicity on both backends; the publicity catalogue is public."""

from datetime import UTC, date, datetime, timedelta

import pytest

from services.testing import RunningSystem

SERVICES = "/screening/v1/volunteer-services"
EVENTS = "/screening/v1/publicity/events"
CONTENTS = "/screening/v1/publicity/contents"
TODAY = str(date.today() - timedelta(days=1))


async def volunteer(system: RunningSystem, community: str = "320599003004") -> str:
    body = {"community_code": community, "name": "张律", "role": "volunteer", "background": "lawyer",
            "skills": ["法律咨询"], "phone": "13905170077"}  # fmt: skip
    response = await system.clients["screening"].post(
        "/screening/v1/team-members", json=body, headers=system.token("admin")
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_a_volunteer_service_is_recorded_and_listed(system: RunningSystem, screening, new_grid) -> None:
    grid, lawyer = await new_grid(), await volunteer(system)
    body = {"grid_code": grid["code"], "kind": "legal_consultation", "topic": "物业纠纷中的业主权利",
            "held_on": TODAY, "volunteer_ids": [lawyer], "attendance": 35}  # fmt: skip
    headers = system.token("volunteer", jurisdiction="320599003004")
    response = await screening.post(SERVICES, json=body, headers=headers)
    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["volunteer_ids"], created["attendance"], created["kind"]) == ([lawyer], 35, "legal_consultation")
    listed = await screening.get(SERVICES, params={"grid_code": grid["code"]}, headers=system.token("admin"))
    assert [s["id"] for s in listed.json()["items"]] == [created["id"]]
    outside = await screening.get(
        SERVICES, params={"grid_code": grid["code"]}, headers=system.token("handler", jurisdiction="320599001")
    )
    assert outside.json()["items"] == []


@pytest.mark.parametrize(
    ("changes", "pointer", "code"),
    [
        ({"held_on": "2099-01-01"}, "/held_on", "held_in_future"),
        ({"volunteer_ids": ["01a22539-d851-7150-b416-44cb902f96a3"]}, "/volunteer_ids/0", "unknown_volunteer"),
        ({"grid_code": "32059900100101"}, "/grid_code", "unknown_grid"),
        ({"kind": "party"}, "/kind", "literal_error"),
    ],
)
async def test_bad_volunteer_service_changes_nothing(
    system: RunningSystem, screening, new_grid, rows, changes: dict, pointer: str, code: str
) -> None:
    grid = await new_grid()
    before = await rows("volunteer_services")
    body = {"grid_code": grid["code"], "kind": "policy_talk", "topic": "医保政策", "held_on": TODAY, "attendance": 5}
    headers = system.token("grid_worker", jurisdiction="320599003004")
    response = await screening.post(SERVICES, json=body | changes, headers=headers)
    assert response.status_code == 422
    assert [(e["pointer"], e["code"]) for e in response.json()["errors"]] == [(pointer, code)]
    assert await rows("volunteer_services") == before


async def test_a_volunteer_of_another_community_is_refused(system: RunningSystem, screening, new_grid) -> None:
    grid, stranger = await new_grid(), await volunteer(system, community="320599003003")
    body = {"grid_code": grid["code"], "kind": "counselling", "topic": "情绪疏导", "held_on": TODAY,
            "volunteer_ids": [stranger], "attendance": 3}  # fmt: skip
    response = await screening.post(SERVICES, json=body, headers=system.token("admin"))
    assert response.status_code == 422 and response.json()["errors"][0]["pointer"] == "/volunteer_ids/0"


async def test_publicity_events_in_the_jurisdiction(system: RunningSystem, screening, rows) -> None:
    body = {"community_code": "320599003003", "kind": "story_sharing", "title": "信访故事分享会",
            "place": "科技园社区活动中心", "held_on": TODAY, "audience": 80}  # fmt: skip
    created = await screening.post(EVENTS, json=body, headers=system.token("handler", jurisdiction="320599003"))
    assert created.status_code == 201, created.text
    mine = await screening.get(
        EVENTS, params={"limit": 100}, headers=system.token("leader", jurisdiction="320599003003")
    )
    assert created.json()["id"] in {e["id"] for e in mine.json()["items"]}
    other = await screening.get(EVENTS, params={"limit": 100}, headers=system.token("leader", jurisdiction="320599001"))
    assert created.json()["id"] not in {e["id"] for e in other.json()["items"]}
    before = await rows("publicity_events")
    outside = await screening.post(EVENTS, json=body, headers=system.token("handler", jurisdiction="320599001"))
    assert outside.status_code == 422 and outside.json()["errors"][0]["pointer"] == "/community_code"
    future = await screening.post(EVENTS, json=body | {"held_on": "2099-01-01"}, headers=system.token("admin"))
    assert future.status_code == 422 and future.json()["errors"][0]["pointer"] == "/held_on"
    assert await rows("publicity_events") == before


async def test_published_content_is_public_and_scheduled_content_hidden(system: RunningSystem, screening) -> None:
    editor = system.token("leader")
    now = datetime.now(UTC)
    body = {"kind": "video", "title": "信访小课堂：复查与复核", "url": "https://www.example.gov.cn/ketang/02"}
    published = (await screening.post(CONTENTS, json=body, headers=editor)).json()
    scheduled_at = (now + timedelta(days=3)).isoformat()
    scheduled = await screening.post(CONTENTS, json=body | {"published_at": scheduled_at}, headers=editor)
    assert scheduled.status_code == 201
    listed = (await screening.get(CONTENTS, params={"kind": "video", "limit": 100})).json()["items"]
    ids = [c["id"] for c in listed]
    assert published["id"] in ids and scheduled.json()["id"] not in ids
    assert ids == sorted(ids, reverse=True)
    refused = await screening.post(CONTENTS, json=body, headers=system.token("grid_worker"))
    assert refused.status_code == 403
    bad = await screening.post(CONTENTS, json=body | {"url": "ftp://x"}, headers=editor)
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "/url"
