"""The knowledge base on both backends: Chinese search over the demo entries, versioned updates with If-Match,
retirement, who may manage it, and refused input that changes nothing."""

import pytest
from sqlalchemy import func, select

from intake_api.onsite.knowledge.models import KnowledgeEntry, KnowledgeTerm, KnowledgeVersion
from services.db.tables import idempotency_keys
from services.testing import RunningSystem, unique

URL = "/intake/v1/knowledge"
TABLES = (KnowledgeEntry.__table__, KnowledgeVersion.__table__, KnowledgeTerm.__table__, idempotency_keys)


async def counts(system: RunningSystem) -> list[int]:
    async with system.runtime("intake").session_factory() as session:
        return [await session.scalar(select(func.count()).select_from(table)) for table in TABLES]


async def search(system: RunningSystem, query: str, **params) -> dict:
    response = await system.clients["intake"].get(
        f"{URL}/search", params={"q": query, **params}, headers=system.token("reception")
    )
    assert response.status_code == 200, response.text
    return response.json()


async def create(system: RunningSystem, **changes) -> dict:
    body = {
        "question": "测试专用问题：" + unique("q"),
        "answer": "这是测试用的答复口径，内容足够长。",
        "keywords": [],
    } | changes
    response = await system.clients["intake"].post(URL, json=body, headers=system.token("supervisor"))
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("被拖欠工资去哪里投诉", "被拖欠工资应当向哪里投诉？"),
        ("对处理意见不服怎么申请复查", "对信访处理意见不服，怎样申请复查、复核？"),
        ("怎么查询办理进度", "如何查询信访事项的办理进度？"),
        ("信访事项办理期限", "信访事项的办理期限是多久？"),
        ("物业维修资金使用", "小区物业专项维修资金怎么申请使用？"),
        ("晚上工地施工噪音太吵", "夜间施工噪声扰民可以向哪个部门反映？"),
        ("欠薪", "被拖欠工资应当向哪里投诉？"),
    ],
)
async def test_demo_entries_are_found_in_chinese(system: RunningSystem, query: str, expected: str) -> None:
    result = await search(system, query)
    assert result["terms"]
    assert result["items"][0]["answer"]["question"] == expected
    scores = [(hit["matched_terms"], hit["score"]) for hit in result["items"]]
    assert scores == sorted(scores, reverse=True)


async def test_search_within_a_category_and_without_content_words(system: RunningSystem) -> None:
    within = await search(system, "工资", category="05")
    assert within["items"] and all(hit["category_code"].startswith("05") for hit in within["items"])
    assert (await search(system, "，。！"))["items"] == []


async def test_versioned_update_with_if_match(system: RunningSystem) -> None:
    entry = await create(system, keywords=["蓝鲸"])
    url = f"{URL}/{entry['id']}"
    body = {
        "question": entry["answer"]["question"],
        "answer": "第二版的答复口径，内容足够长。",
        "keywords": ["长颈鹿"],
    }
    supervisor = system.token("supervisor")
    missing = await system.clients["intake"].put(url, json=body, headers=supervisor)
    stale = await system.clients["intake"].put(url, json=body, headers=supervisor | {"If-Match": '"7"'})
    assert (missing.status_code, stale.status_code) == (428, 412)
    updated = await system.clients["intake"].put(url, json=body, headers=supervisor | {"If-Match": '"1"'})
    assert updated.status_code == 200, updated.text
    assert (updated.headers["ETag"], updated.json()["current_version"]) == ('"2"', 2)
    first = await system.clients["intake"].get(url, params={"version": 1}, headers=system.token("reception"))
    assert first.json()["answer"]["keywords"] == ["蓝鲸"] and first.headers["ETag"] == '"2"'
    versions = await system.clients["intake"].get(f"{url}/versions", headers=system.token("reception"))
    assert [v["version"] for v in versions.json()] == [1, 2]
    assert [hit["id"] for hit in (await search(system, "长颈鹿"))["items"]][:1] == [entry["id"]]
    assert entry["id"] not in [hit["id"] for hit in (await search(system, "蓝鲸"))["items"]]


async def test_retired_entry_is_not_found_nor_updated(system: RunningSystem) -> None:
    entry = await create(system, keywords=["停用测试口径"])
    url = f"{URL}/{entry['id']}"
    retired = await system.clients["intake"].post(
        f"{url}/retirement", json={"reason": "政策调整"}, headers=system.token("admin")
    )
    assert (retired.json()["status"], retired.json()["retired_reason"]) == ("retired", "政策调整")
    assert entry["id"] not in [hit["id"] for hit in (await search(system, "停用测试口径"))["items"]]
    body = {"question": "停用后的问题还能改吗", "answer": "这是测试用的答复口径，内容足够长。"}
    response = await system.clients["intake"].put(url, json=body, headers=system.token("admin") | {"If-Match": "*"})
    assert (response.status_code, response.json()["code"]) == (409, "knowledge_entry_retired")
    listed = await system.clients["intake"].get(URL, params={"include_retired": True, "limit": 100},
                                                headers=system.token("reception"))  # fmt: skip
    assert all(item["status"] == "active" for item in listed.json()["items"])


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"question": "短", "answer": "短"}, [("/answer", "string_too_short"), ("/question", "string_too_short")]),
        (
            {"question": "有效的问题内容", "answer": "这是测试用的答复口径，内容足够长。", "keywords": ["词"] * 21},
            [("/keywords", "too_many_keywords")],
        ),
        (
            {"question": "有效的问题内容", "answer": "这是测试用的答复口径，内容足够长。", "category_code": "99"},
            [("/category_code", "unknown_category")],
        ),
        (
            {"answer": "这是测试用的答复口径，内容足够长。", "extra": 1},
            [("/extra", "extra_forbidden"), ("/question", "missing")],
        ),
    ],
    ids=["short", "keywords", "category", "missing-extra"],
)
async def test_refused_entries_change_nothing(system: RunningSystem, body: dict, expected: list) -> None:
    before = await counts(system)
    response = await system.clients["intake"].post(URL, json=body, headers=system.token("supervisor"))
    assert response.status_code == 422
    assert sorted((e["pointer"], e["code"]) for e in response.json()["errors"]) == expected
    assert await counts(system) == before


async def test_only_supervisors_and_admins_manage(system: RunningSystem) -> None:
    before = await counts(system)
    body = {"question": "接访人员能新建吗", "answer": "这是测试用的答复口径，内容足够长。"}
    for role in ("reception", "handler", "petitioner"):
        response = await system.clients["intake"].post(URL, json=body, headers=system.token(role))
        assert response.status_code == 403
    assert await counts(system) == before


async def test_unknown_entry_and_version(system: RunningSystem) -> None:
    entry = await create(system)
    reception = system.token("reception")
    unknown = await system.clients["intake"].get(f"{URL}/01900000-0000-7000-8000-000000000000", headers=reception)
    no_version = await system.clients["intake"].get(f"{URL}/{entry['id']}", params={"version": 5}, headers=reception)
    assert (unknown.status_code, no_version.status_code) == (404, 404)
