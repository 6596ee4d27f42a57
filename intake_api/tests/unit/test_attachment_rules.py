"""intake_api.attachments: type by magic bytes, safe names, and both storages."""

import io
import uuid
import zipfile

import pytest

from intake_api.attachments.rules import ALLOWED_TYPES, safe_name, sniff
from intake_api.attachments.storage import LocalDiskStorage, MemoryStorage, check_key

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n...", "application/pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (zipped("[Content_Types].xml", "word/document.xml"), DOCX),
        (zipped("xl/workbook.xml"), None),  # a spreadsheet is a zip too, but not allowed
        (b"PK\x03\x04 not really a zip", None),
        (b"MZ\x90\x00", None),  # a Windows executable named .pdf
        (b"<html><script>", None),
        (b"", None),
        (b"%PD", None),
    ],
)
def test_sniff(data: bytes, expected: str | None) -> None:
    assert sniff(data) == expected
    assert expected is None or expected in ALLOWED_TYPES


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("材料.pdf", "材料.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\照片.jpg", "照片.jpg"),
        ("a\x00b\nc.png", "abc.png"),
        ('x:y*?"<>|.docx', "x_y______.docx"),
        ("", "附件"),
        (None, "附件"),
        ("...", "附件"),
        ("长" * 300, "长" * 200),
    ],
)
def test_safe_name(name: str | None, safe: str) -> None:
    assert safe_name(name) == safe


@pytest.mark.parametrize("key", ["../x", "ab/../../etc", "/abs", "ab/not-a-uuid", ""])
def test_keys_made_elsewhere_are_refused(key: str) -> None:
    with pytest.raises(ValueError):
        check_key(key)


@pytest.mark.parametrize("kind", ["disk", "memory"])
async def test_storage_round_trip(kind: str, tmp_path) -> None:  # noqa: ANN001
    storage = LocalDiskStorage(tmp_path) if kind == "disk" else MemoryStorage()
    key = f"ab/{uuid.uuid4()}"
    assert await storage.get(key) is None
    await storage.put(key, b"%PDF-1.7 data")
    assert await storage.get(key) == b"%PDF-1.7 data"
    await storage.delete(key)
    assert await storage.get(key) is None
    await storage.delete(key)  # deleting twice is fine
    if kind == "disk":
        assert not list(tmp_path.rglob("*.partial"))
