"""The transfer form (信访事项转送单) on both backends: issuing it, its deadline, its PDF read back with pdfium,
and refused requests that change nothing."""

from datetime import UTC, date, datetime, timedelta

import pypdfium2 as pdfium
import pytest
from sqlalchemy import func, select

from intake_api.onsite.consultations.models import Consultation
from intake_api.onsite.transfer_forms.models import TransferForm
from intake_api.onsite.transfer_forms.rules import CHINA
from services.db.tables import idempotency_keys, outbox
from services.testing import PETITION, RunningSystem

PETITIONS = "/intake/v1/petitions"
ANSWER = "这是一个足够长的自由答复内容。"
TABLES = (TransferForm.__table__, Consultation.__table__, outbox, idempotency_keys)


async def counts(system: RunningSystem) -> list[int]:
    async with system.runtime("intake").session_factory() as session:
        return [await session.scalar(select(func.count()).select_from(table)) for table in TABLES]


def pointers(response) -> list[tuple[str | None, str]]:
    return sorted((e.get("pointer"), e["code"]) for e in response.json()["errors"])


async def registered(system: RunningSystem) -> dict:
    response = await system.clients["intake"].post(PETITIONS, json=PETITION, headers=system.token("reception"))
    assert response.status_code == 201, response.text
    return response.json()


class _unchanged_after_registration:
    def __init__(self, system: RunningSystem) -> None:
        self.system = system

    async def __aenter__(self) -> None:
        self.before = await counts(self.system)

    async def __aexit__(self, *exc) -> None:
        if exc[0] is None:
            assert await counts(self.system) == self.before


def _pdf_text(content: bytes) -> str:
    document = pdfium.PdfDocument(content)
    return "".join(document[i].get_textpage().get_text_range() for i in range(len(document))).replace("\r\n", "")


# -- transfer forms ---------------------------------------------------------------------------------------------


async def test_transfer_form_and_its_pdf(system: RunningSystem) -> None:
    petition = await registered(system)
    url = f"{PETITIONS}/{petition['id']}/transfer-form"
    response = await system.clients["intake"].post(
        url, json={"receiving_unit_code": "D-HOUSING"}, headers=system.token("reception")
    )
    assert response.status_code == 201, response.text
    form = response.json()
    today = datetime.now(UTC).astimezone(CHINA).date()
    assert form["receiving_unit_name"] == "区住房和城乡建设局"
    assert (form["issued_on"], form["deadline"]) == (today.isoformat(), (today + timedelta(days=15)).isoformat())
    assert form["pdf_url"] == f"{url}.pdf"
    printed = await system.clients["intake"].get(form["pdf_url"], headers=system.token("supervisor"))
    assert printed.status_code == 200
    assert printed.headers["content-type"] == "application/pdf"
    text = _pdf_text(printed.content)
    deadline = date.fromisoformat(form["deadline"])
    for expected in (petition["tracking_no"], "张*", "138****5678", "区住房和城乡建设局", "信访事项转送单",
                     f"{deadline.year}年{deadline.month}月{deadline.day}日", "夜间施工噪音扰民"):  # fmt: skip
        assert expected in text, expected
    assert "张三" not in text and "13812345678" not in text


async def test_transfer_form_to_a_street_with_a_given_deadline(system: RunningSystem) -> None:
    petition = await registered(system)
    deadline = (datetime.now(UTC).astimezone(CHINA).date() + timedelta(days=10)).isoformat()
    response = await system.clients["intake"].post(
        f"{PETITIONS}/{petition['id']}/transfer-form",
        json={"receiving_unit_code": "320599001", "deadline": deadline},
        headers=system.token("reception"),
    )
    assert response.status_code == 201, response.text
    assert (response.json()["receiving_unit_name"], response.json()["deadline"]) == ("长桥街道", deadline)
    assert response.json()["deadline_basis"] == "接访人员指定的办理时限"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"receiving_unit_code": "D-NOWHERE"}, [("/receiving_unit_code", "unknown_receiving_unit")]),
        ({"receiving_unit_code": "D HOUSING"}, [("/receiving_unit_code", "string_pattern_mismatch")]),
        ({"receiving_unit_code": "D-HOUSING", "deadline": "2020-01-01"}, [("/deadline", "deadline_not_after_issue")]),
        ({"receiving_unit_code": "D-HOUSING", "deadline": "2099-01-01"}, [("/deadline", "deadline_too_far")]),
        ({"receiving_unit_code": "D-HOUSING", "deadline": "2026-02-30"}, [("/deadline", "date_from_datetime_parsing")]),
        ({}, [("/receiving_unit_code", "missing")]),
    ],
    ids=["unknown-unit", "bad-code", "past", "too-far", "no-such-day", "missing"],
)
async def test_transfer_form_refused_with_pointers(system: RunningSystem, body: dict, expected: list) -> None:
    url = f"{PETITIONS}/{(await registered(system))['id']}/transfer-form"
    async with _unchanged_after_registration(system):
        response = await system.clients["intake"].post(url, json=body, headers=system.token("reception"))
    assert response.status_code == 422, response.text
    assert pointers(response) == expected


async def test_second_form_and_closed_petition_are_conflicts(system: RunningSystem) -> None:
    petition = await registered(system)
    url = f"{PETITIONS}/{petition['id']}/transfer-form"
    body = {"receiving_unit_code": "D-HOUSING"}
    assert (await system.clients["intake"].post(url, json=body, headers=system.token("reception"))).status_code == 201
    async with _unchanged_after_registration(system):
        again = await system.clients["intake"].post(url, json=body, headers=system.token("reception"))
    assert (again.status_code, again.json()["code"]) == (409, "transfer_form_exists")
    resolved = await registered(system)
    await system.clients["intake"].post(
        f"{PETITIONS}/{resolved['id']}/consultation", json={"answer": ANSWER}, headers=system.token("reception")
    )
    async with _unchanged_after_registration(system):
        closed = await system.clients["intake"].post(
            f"{PETITIONS}/{resolved['id']}/transfer-form", json=body, headers=system.token("reception")
        )
    assert (closed.status_code, closed.json()["code"]) == (409, "petition_not_transferable")


async def test_pdf_before_a_form_is_issued_is_not_found(system: RunningSystem) -> None:
    petition = await registered(system)
    response = await system.clients["intake"].get(
        f"{PETITIONS}/{petition['id']}/transfer-form.pdf", headers=system.token("reception")
    )
    assert (response.status_code, response.json()["code"]) == (404, "transfer_form_not_found")


async def test_idempotent_transfer_form(system: RunningSystem) -> None:
    petition = await registered(system)
    url = f"{PETITIONS}/{petition['id']}/transfer-form"
    headers = system.token("reception") | {"Idempotency-Key": f"form-{petition['id']}"}
    first = await system.clients["intake"].post(url, json={"receiving_unit_code": "D-HRSS"}, headers=headers)
    again = await system.clients["intake"].post(url, json={"receiving_unit_code": "D-HRSS"}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
