"""Attachments on both backends: upload (multipart) with size (413) and type (415) limits, metadata, download with
authorisation; a refused upload stores nothing. The storage is the in-memory test double."""

import hashlib
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from intake_api.attachments.models import Attachment
from intake_api.attachments.storage import MemoryStorage
from services.testing import PETITION, RunningSystem

URL = "/intake/v1/petitions"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def storage(system: RunningSystem) -> Iterator[MemoryStorage]:
    state = system.apps["intake"].state
    real, state.attachment_storage = state.attachment_storage, MemoryStorage()
    yield state.attachment_storage
    state.attachment_storage = real


async def new_petition(system: RunningSystem, token: dict | None = None, body: dict | None = None) -> str:
    response = await system.clients["intake"].post(
        URL, json=body or PETITION, headers=token or system.token("reception")
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def upload(system: RunningSystem, petition_id: str, name: str, data: bytes, token: dict | None = None):  # noqa: ANN201
    return await system.clients["intake"].post(
        f"{URL}/{petition_id}/attachments",
        files={"file": (name, data, "application/octet-stream")},
        headers=token or system.token("reception"),
    )


async def stored(system: RunningSystem) -> int:
    async with system.runtime("intake").session_factory() as session:
        return await session.scalar(select(func.count()).select_from(Attachment))


async def test_upload_list_and_download(system: RunningSystem, storage: MemoryStorage) -> None:
    petition_id = await new_petition(system)
    response = await upload(system, petition_id, "../维修申请.pdf", PDF)
    assert response.status_code == 201, response.text
    meta = response.json()
    assert (meta["name"], meta["content_type"], meta["size"]) == ("维修申请.pdf", "application/pdf", len(PDF))
    assert meta["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert len(storage.objects) == 1

    listed = await system.clients["intake"].get(f"{URL}/{petition_id}/attachments", headers=system.token("handler"))
    assert [item["id"] for item in listed.json()] == [meta["id"]]
    download = await system.clients["intake"].get(
        f"{URL}/{petition_id}/attachments/{meta['id']}", headers=system.token("handler")
    )
    assert download.status_code == 200
    assert (download.content, download.headers["content-type"]) == (PDF, "application/pdf")
    assert "filename*=UTF-8''" in download.headers["content-disposition"]


async def test_type_is_judged_by_content_not_by_name(system: RunningSystem, storage: MemoryStorage) -> None:
    petition_id = await new_petition(system)
    before = await stored(system)
    response = await upload(system, petition_id, "照片.pdf", b"MZ\x90\x00 an executable")
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "unsupported_attachment_type"
    assert (await stored(system), storage.objects) == (before, {})
    png = await upload(system, petition_id, "scan.pdf", PNG)
    assert png.status_code == 201 and png.json()["content_type"] == "image/png"


async def test_oversize_is_413_and_nothing_stored(system: RunningSystem, storage: MemoryStorage) -> None:
    petition_id = await new_petition(system)
    limit = system.settings["intake"].attachment_max_bytes
    before = await stored(system)
    response = await upload(system, petition_id, "big.pdf", PDF + b"0" * (limit - len(PDF) + 1))
    assert response.status_code == 413
    assert response.json()["code"] == "attachment_too_large"
    assert (await stored(system), storage.objects) == (before, {})
    exact = await upload(system, petition_id, "exact.pdf", PDF + b"0" * (limit - len(PDF)))
    assert exact.status_code == 201


async def test_missing_file_is_422(system: RunningSystem, storage: MemoryStorage) -> None:
    petition_id = await new_petition(system)
    response = await system.clients["intake"].post(
        f"{URL}/{petition_id}/attachments", data={"other": "x"}, files={"nope": ("a", b"x")},
        headers=system.token("reception"),
    )  # fmt: skip
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == ["/file"]


async def test_attachments_follow_who_may_see_the_petition(
    system: RunningSystem, storage: MemoryStorage, person
) -> None:  # noqa: ANN001
    owner = system.token("petitioner", sub=f"portal-{uuid.uuid4()}", jurisdiction=None)
    petition_id = await new_petition(system, owner, person(channel="online"))
    mine = await upload(system, petition_id, "材料.pdf", PDF, owner)
    assert mine.status_code == 201
    stranger = system.token("petitioner", sub="stranger", jurisdiction=None)
    assert (await upload(system, petition_id, "x.pdf", PDF, stranger)).status_code == 404
    path = f"{URL}/{petition_id}/attachments/{mine.json()['id']}"
    assert (await system.clients["intake"].get(path, headers=stranger)).status_code == 404
    assert (await system.clients["intake"].get(path, headers=owner)).status_code == 200
    other_street = system.token("handler", jurisdiction="320599002")
    assert (await system.clients["intake"].get(path, headers=other_street)).status_code == 404
    assert (await upload(system, petition_id, "x.pdf", PDF, system.token("grid_worker"))).status_code == 403
    unknown = f"{URL}/{petition_id}/attachments/{uuid.uuid4()}"
    response = await system.clients["intake"].get(unknown, headers=owner)
    assert (response.status_code, response.json()["code"]) == (404, "attachment_not_found")
