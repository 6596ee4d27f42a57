"""Pure rules of the on-the-spot actions: deadlines of the transfer form, mediation parties, event summaries,
which petitions are still open, and the request models' cross-field checks."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from intake_api.onsite import rules
from intake_api.onsite.consultations.schemas import ConsultationCreate
from intake_api.onsite.mediations import rules as mediation
from intake_api.onsite.mediations.schemas import MediationCreate
from intake_api.onsite.transfer_forms import rules as transfer
from services import pii

CIPHER = pii.Cipher("k" * 32)


# -- transfer form ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 3, 1, 15, 59, 59, tzinfo=UTC), date(2026, 3, 1)),  # 23:59:59 in Beijing
        (datetime(2026, 3, 1, 16, 0, tzinfo=UTC), date(2026, 3, 2)),  # midnight in Beijing: already the next day
        (datetime(2026, 12, 31, 16, 30, tzinfo=UTC), date(2027, 1, 1)),
    ],
)
def test_issue_date_is_the_bureaus_local_date(now: datetime, expected: date) -> None:
    assert transfer.issue_date(now) == expected


@pytest.mark.parametrize(
    ("issued_on", "deadline"),
    [
        (date(2026, 3, 1), date(2026, 3, 16)),
        (date(2026, 2, 14), date(2026, 3, 1)),  # across the end of a 28-day February
        (date(2028, 2, 14), date(2028, 2, 29)),  # leap year
        (date(2026, 12, 20), date(2027, 1, 4)),  # across the year
    ],
)
def test_statutory_deadline_counts_15_days_from_the_next_day(issued_on: date, deadline: date) -> None:
    assert transfer.statutory_deadline(issued_on) == deadline
    assert transfer.deadline_and_basis(None, issued_on=issued_on) == (deadline, transfer.STATUTORY_BASIS)


ISSUED = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("deadline", "problem"),
    [
        (ISSUED - timedelta(days=1), "deadline_not_after_issue"),
        (ISSUED, "deadline_not_after_issue"),
        (ISSUED + timedelta(days=1), None),
        (ISSUED + timedelta(days=90), None),
        (ISSUED + timedelta(days=91), "deadline_too_far"),
    ],
)
def test_deadline_given_by_the_staff(deadline: date, problem: str | None) -> None:
    assert transfer.deadline_problem(deadline, issued_on=ISSUED) == problem


def test_given_deadline_is_printed_with_its_basis() -> None:
    given = ISSUED + timedelta(days=7)
    assert transfer.deadline_and_basis(given, issued_on=ISSUED) == (given, transfer.GIVEN_BASIS)
    assert len(transfer.STATUTORY_BASIS) <= 100 and len(transfer.GIVEN_BASIS) <= 100  # the PDF's cell limit


@pytest.mark.parametrize(
    ("status", "allowed"),
    [("registered", True), ("routed", True), ("repeat", False), ("not_accepted", False), ("withdrawn", False),
     ("resolved_on_spot", False), ("closed", False)],
)  # fmt: skip
def test_which_petitions_get_a_transfer_form(status: str, allowed: bool) -> None:
    assert transfer.may_transfer(status) is allowed


@pytest.mark.parametrize(("district", "name"), [("清河区", "清河区信访局"), (None, "信访局"), ("", "信访局")])
def test_bureau_name(district: str | None, name: str) -> None:
    assert transfer.bureau_name(district) == name


# -- mediation ----------------------------------------------------------------------------------------------

PARTIES = [{"name": "王建国", "role": "applicant"}, {"name": "欧阳明月", "role": "respondent"}]


def test_parties_are_sealed_to_their_row() -> None:
    row, other = uuid.uuid4(), uuid.uuid4()
    blob = mediation.seal_parties(PARTIES, cipher=CIPHER, mediation_id=row)
    assert "王建国".encode() not in blob
    assert mediation.open_parties(blob, cipher=CIPHER, mediation_id=row) == PARTIES
    with pytest.raises(pii.PIIError):
        mediation.open_parties(blob, cipher=CIPHER, mediation_id=other)
    with pytest.raises(pii.PIIError):
        mediation.open_parties(blob, cipher=pii.Cipher("x" * 32), mediation_id=row)


def test_parties_are_masked_for_display() -> None:
    masked = mediation.masked_parties([*PARTIES, {"name": "李", "role": "third_party"}])
    assert masked == [
        {"name": "王**", "role": "applicant"},
        {"name": "欧阳**", "role": "respondent"},
        {"name": "李", "role": "third_party"},
    ]


@pytest.mark.parametrize(("result", "resolves"), [("success", True), ("failure", False)])
def test_only_success_resolves(result: str, resolves: bool) -> None:
    assert mediation.resolves_petition(result) is resolves


def _mediation(**changes) -> dict:
    return {
        "parties": PARTIES,
        "mediator": "陈静",
        "result": "success",
        "agreement": "双方同意由物业维修屋顶。",
    } | changes


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"agreement": None}, "agreement_required"),
        ({"result": "failure"}, "agreement_not_allowed"),
        ({"parties": PARTIES[:1]}, "too_short"),
        ({"parties": PARTIES * 6}, "too_long"),
    ],
)
def test_mediation_request_checks(changes: dict, error: str) -> None:
    with pytest.raises(ValidationError) as caught:
        MediationCreate.model_validate(_mediation(**changes))
    assert [e["type"] for e in caught.value.errors()] == [error]


def test_failed_mediation_without_agreement_is_valid() -> None:
    assert MediationCreate.model_validate(_mediation(result="failure", agreement=None)).agreement is None


# -- consultation -------------------------------------------------------------------------------------------

REFERENCE = {"entry_id": str(uuid.uuid4()), "version": 2}


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({"knowledge": REFERENCE}, True),
        ({"answer": "可以向区人社局劳动保障监察机构投诉。"}, True),
        ({}, False),
        ({"knowledge": REFERENCE, "answer": "可以向区人社局劳动保障监察机构投诉。"}, False),
        ({"knowledge": None, "answer": None}, False),
    ],
)
def test_consultation_names_exactly_one_answer(body: dict, valid: bool) -> None:
    if valid:
        ConsultationCreate.model_validate(body)
        return
    with pytest.raises(ValidationError) as caught:
        ConsultationCreate.model_validate(body)
    assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [(("answer",), "one_answer_source")]


def test_an_invalid_reference_is_reported_once() -> None:
    with pytest.raises(ValidationError) as caught:
        ConsultationCreate.model_validate({"knowledge": {"entry_id": "x", "version": 1}})
    assert [e["loc"] for e in caught.value.errors()] == [("knowledge", "entry_id")]


# -- shared -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("双方达成协议", "调解成功：双方达成协议"),
        ("第一行\n  第二行\t第三行", "调解成功：第一行 第二行 第三行"),
        ("长" * 195, "调解成功：" + "长" * 195),  # exactly 200
        ("长" * 196, "调解成功：" + "长" * 194 + "…"),
    ],
)
def test_outcome_summary(text: str, expected: str) -> None:
    summary = rules.outcome_summary("调解成功：", text)
    assert summary == expected and len(summary) <= rules.OUTCOME_LIMIT


@pytest.mark.parametrize(
    ("status", "case_status", "open_"),
    [
        ("registered", None, True),
        ("routed", "opened", True),
        ("routed", "assigned", True),
        ("routed", "in_handling", True),
        ("routed", "closed", False),
        ("routed", "final", False),
        ("routed", "not_accepted", False),
        ("routed", "steered", False),
        ("repeat", None, False),
        ("resolved_on_spot", None, False),
        ("withdrawn", None, False),
        ("not_accepted", None, False),
        ("closed", "closed", False),
    ],
)
def test_open_on_spot(status: str, case_status: str | None, open_: bool) -> None:
    assert rules.open_on_spot(status, case_status) is open_
