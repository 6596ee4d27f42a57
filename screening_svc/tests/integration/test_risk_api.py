"""Policy risk assessment on both backends: the stages (guarded, 409), rates against 95% with ``risk.alert``,
household files in the affected communities only (422 otherwise, names encrypted and masked), the monitoring
ledger after implementation, ``risk.assessed`` when a stage concludes; a failed request changes nothing."""

from services.testing import RunningSystem

POLICIES = "/screening/v1/risk/policies"
STREET = "320599003"
POLICY = {
    "title": "科技园社区老旧小区改造",
    "kind": "old_community_renovation",
    "description": "加装电梯、雨污分流",
    "lead_department": "D-HOUSING",
    "co_departments": ["D-CIVIL"],
    "jurisdiction_code": STREET,
    "community_codes": ["320599003003"],
}
REVIEW = {"reviewer_kind": "expert", "field": "law", "reviewer": "王律师", "conclusion": "conditional",
          "opinion": "分摊条款需明确依据", "reviewed_on": "2026-03-02"}  # fmt: skip
SURVEY = {"method": "online_survey", "held_on": "2026-03-10", "respondents": 100, "awareness_rate": 97.0,
          "approval_rate": 90.0}  # fmt: skip


def staff(system: RunningSystem, jurisdiction: str = STREET) -> dict:
    return system.token("handler", jurisdiction=jurisdiction)


async def new_policy(system: RunningSystem) -> dict:
    response = await system.clients["screening"].post(POLICIES, json=POLICY, headers=staff(system))
    assert response.status_code == 201, response.text
    return response.json()


async def post(system: RunningSystem, policy: dict, path: str, body: dict, status: int = 201) -> dict:
    response = await system.clients["screening"].post(f"{POLICIES}/{policy['id']}/{path}", json=body,
                                                      headers=staff(system))  # fmt: skip
    assert response.status_code == status, response.text
    return response.json()


async def test_a_policy_moves_through_its_stages_only_when_ready(system: RunningSystem, rows, outbox_events) -> None:
    policy = await new_policy(system)
    assert (policy["stage"], policy["risk_level"]) == ("drafting", "low")
    conclusion = {"risk_level": "medium", "conclusion": "风险可控"}
    assert (await post(system, policy, "assessments", conclusion, 409))["code"] == "stage_incomplete"
    assert (await post(system, policy, "consultations", SURVEY, 409))["code"] == "wrong_stage"
    await post(system, policy, "items", {"type": "compensation", "level": "medium", "description": "费用分摊异议"})
    await post(system, policy, "reviews", REVIEW)
    await post(system, policy, "clause-changes", {"clause": "第五条", "before": "均摊", "after": "按楼层系数",
                                                  "reason": "低层住户意见集中"})  # fmt: skip
    drafted = await post(system, policy, "assessments", conclusion)
    assert (drafted["stage"], drafted["risk_level"], len(drafted["clause_changes"])) == ("before_implementation",
                                                                                          "medium", 1)  # fmt: skip
    await post(system, policy, "consultations", SURVEY)
    count = await rows("risk_assessments")
    blocked = await post(system, policy, "assessments", {"risk_level": "high", "conclusion": "风险大"}, 409)
    assert blocked["code"] == "risk_too_high" and await rows("risk_assessments") == count
    done = await post(system, policy, "assessments", {"risk_level": "low", "conclusion": "可以实施"})
    assert done["stage"] == "after_implementation"
    assert (await post(system, policy, "reviews", REVIEW, 409))["code"] == "wrong_stage"
    events = await outbox_events("xinfang.risk.assessed.v1", policy["id"])
    assert [(e["data"]["stage"], e["data"]["risk_level"]) for e in events] == [
        ("drafting", "medium"),
        ("before_implementation", "low"),
    ]


async def test_rates_below_95_percent_raise_an_alert_and_bad_rates_are_refused(
    system: RunningSystem, rows, outbox_events
) -> None:
    policy = await new_policy(system)
    await post(system, policy, "reviews", REVIEW)
    await post(system, policy, "assessments", {"risk_level": "low", "conclusion": "可进入征求意见"})
    count = await rows("risk_consultations")
    bad = await post(system, policy, "consultations", SURVEY | {"approval_rate": 100.5}, 422)
    assert bad["errors"][0]["pointer"] == "/approval_rate" and await rows("risk_consultations") == count
    first = await post(system, policy, "consultations", SURVEY)
    assert first["rates"] | {} == {"awareness": 97.0, "approval": 90.0, "target": 95.0, "awareness_met": True,
                                   "approval_met": False}  # fmt: skip
    second = await post(system, policy, "consultations", SURVEY | {"respondents": 300, "approval_rate": 100.0})
    assert second["rates"]["approval"] == 97.5 and second["rates"]["approval_met"] is True
    alerts = await outbox_events("xinfang.risk.alert.v1", policy["id"])
    assert [(a["data"]["alert"], a["data"]["rate"]) for a in alerts] == [("approval_below_target", 90.0)]


async def test_household_files_lie_in_the_affected_communities(system: RunningSystem, rows) -> None:
    policy = await new_policy(system)
    household = {"community_code": "320599003003", "head_name": "张建国", "address": "科技园社区 3 号楼 201 室",
                 "demands": ["明确电梯费用分摊"], "interpreter": "李敏"}  # fmt: skip
    count = await rows("risk_households")
    outside = await post(system, policy, "households", household | {"community_code": "320599003004"}, 422)
    assert (outside["code"], outside["errors"][0]["pointer"]) == ("outside_affected_area", "/community_code")
    assert await rows("risk_households") == count
    created = await post(system, policy, "households", household)
    assert created["head_name"] != "张建国" and created["head_name"].startswith("张")
    screening = system.clients["screening"]
    changed = await screening.patch(f"{POLICIES}/{policy['id']}/households/{created['id']}",
                                    json={"status": "agreed"}, headers=staff(system))  # fmt: skip
    assert changed.json()["status"] == "agreed"
    listed = await screening.get(f"{POLICIES}/{policy['id']}/households", headers=staff(system))
    assert [h["id"] for h in listed.json()["items"]] == [created["id"]]
    async with system.runtime("screening").session_factory() as session:
        from sqlalchemy import text

        stored = await session.scalar(
            text("SELECT head_name_encrypted FROM risk_households WHERE interpreter = '李敏'")
        )
    assert "张建国".encode() not in bytes(stored)


async def test_monitoring_only_after_implementation_and_scope(system: RunningSystem, outbox_events) -> None:
    policy = await new_policy(system)
    entry = {"problem": "施工噪声引发住户不满", "community_code": "320599003003", "level": "medium"}
    assert (await post(system, policy, "monitoring", entry, 409))["code"] == "wrong_stage"
    await post(system, policy, "reviews", REVIEW)
    await post(system, policy, "assessments", {"risk_level": "low", "conclusion": "可征求意见"})
    await post(system, policy, "consultations", SURVEY | {"approval_rate": 99.0})
    await post(system, policy, "assessments", {"risk_level": "low", "conclusion": "可以实施"})
    recorded = await post(system, policy, "monitoring", entry)
    assert recorded["level"] == "medium"
    alerts = await outbox_events("xinfang.risk.alert.v1", policy["id"])
    assert [a["data"]["alert"] for a in alerts] == ["monitoring"]
    screening = system.clients["screening"]
    elsewhere = await screening.get(f"{POLICIES}/{policy['id']}", headers=staff(system, "320599001"))
    assert elsewhere.status_code == 404
    lead = await screening.get(f"{POLICIES}/{policy['id']}", headers=system.token("department", jurisdiction="D-CIVIL"))
    assert lead.status_code == 200
    outside = await screening.post(POLICIES, json=POLICY | {"community_codes": ["320599001001"]}, headers=staff(system))
    assert (outside.status_code, outside.json()["errors"][0]["pointer"]) == (422, "/community_codes/0")


async def test_the_demo_policy_shows_its_files_masked(system: RunningSystem) -> None:
    screening = system.clients["screening"]
    listed = await screening.get(POLICIES, headers=staff(system, "320599001"))
    demo = next(p for p in listed.json()["items"] if p["title"] == "柳岸、长桥社区老旧小区改造")
    assert (demo["stage"], demo["households"], demo["rates"]["approval_met"]) == ("before_implementation", 2, False)
    files = await screening.get(f"{POLICIES}/{demo['id']}/households", headers=staff(system, "320599001"))
    assert {h["head_name"][0] for h in files.json()["items"]} == {"张", "刘"}
    assert all("*" in h["head_name"] for h in files.json()["items"])
