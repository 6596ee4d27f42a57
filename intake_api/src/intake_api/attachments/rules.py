"""Pure decisions about an uploaded file: its type by its first bytes (never by its name or declared type), and a
file name safe to store and to send back."""

import io
import re
import unicodedata
import zipfile

ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG 图片",
    "image/png": "PNG 图片",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文档（docx）",
}
_UNSAFE = re.compile(r'[\\/:*?"<>|]')


def sniff(data: bytes) -> str | None:
    """The allowed media type these bytes are, or None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"PK\x03\x04") and _is_docx(data):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return None


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


def safe_name(name: str | None) -> str:
    """The last path segment, without control characters or characters file systems refuse; at most 200."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    cleaned = _UNSAFE.sub("_", cleaned).strip(" .")
    return cleaned[:200] or "附件"
