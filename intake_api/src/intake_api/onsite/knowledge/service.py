"""Use cases of the knowledge base: keyword-only, flush only. Every change re-indexes the entry's terms in the same
transaction, so search never sees a half-changed entry on any backend or process (ADR 0009)."""

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.onsite.knowledge import repository, rules
from intake_api.onsite.knowledge.exceptions import (
    KnowledgeAnswerUnknown,
    KnowledgeEntryNotFound,
    KnowledgeEntryRetired,
    PreconditionFailed,
    PreconditionRequired,
    UnknownCategory,
)
from intake_api.onsite.knowledge.models import KnowledgeEntry, KnowledgeVersion
from intake_api.onsite.knowledge.schemas import KnowledgeEntryCreate, KnowledgeEntryUpdate
from intake_api.reference import service as reference
from services.http.auth import Principal
from services.ids import uuid7

Pair = tuple[KnowledgeEntry, KnowledgeVersion]


def etag(entry: KnowledgeEntry) -> str:
    return f'"{entry.current_version}"'


async def create_entry(*, session: AsyncSession, request: KnowledgeEntryCreate, principal: Principal) -> Pair:
    await _check_category(session, request.category_code)
    now = datetime.now(UTC)
    entry = KnowledgeEntry(
        id=uuid7(), category_code=request.category_code, status="active", current_version=1,
        created_by=principal.sub, created_at=now, updated_at=now, retired_at=None, retired_reason=None,
    )  # fmt: skip
    version = _version(entry.id, 1, request, principal=principal, now=now)
    repository.add(session, entry, version)
    await session.flush()
    await _index(session, entry.id, request)
    return entry, version


async def update_entry(
    *, session: AsyncSession, entry_id: UUID, request: KnowledgeEntryUpdate, principal: Principal, if_match: str | None
) -> Pair:
    """A new version; the If-Match of the version read is required (428), a stale one is refused (412)."""
    entry = await repository.get_for_update(session, entry_id)
    if entry is None:
        raise KnowledgeEntryNotFound()
    _check_if_match(entry, if_match)
    if entry.status != "active":
        raise KnowledgeEntryRetired()
    await _check_category(session, request.category_code)
    now = datetime.now(UTC)
    entry.current_version, entry.category_code, entry.updated_at = entry.current_version + 1, request.category_code, now
    version = _version(entry.id, entry.current_version, request, principal=principal, now=now)
    repository.add(session, version)
    await _index(session, entry.id, request)
    return entry, version


async def retire_entry(*, session: AsyncSession, entry_id: UUID, reason: str) -> Pair:
    """No longer found by search nor usable for a new consultation; earlier consultations keep their reference."""
    entry, version = await get_entry(session=session, entry_id=entry_id)
    if entry.status == "active":
        now = datetime.now(UTC)
        entry.status, entry.retired_at, entry.retired_reason, entry.updated_at = "retired", now, reason, now
        await repository.replace_terms(session, entry.id, {})
    return entry, version


async def get_entry(*, session: AsyncSession, entry_id: UUID, version: int | None = None) -> Pair:
    entry = await repository.get(session, entry_id)
    if entry is None:
        raise KnowledgeEntryNotFound()
    found = await repository.version(session, entry_id, version or entry.current_version)
    if found is None:
        raise KnowledgeEntryNotFound("该条目没有这一版本")
    return entry, found


async def list_versions(*, session: AsyncSession, entry_id: UUID) -> list[KnowledgeVersion]:
    if await repository.get(session, entry_id) is None:
        raise KnowledgeEntryNotFound()
    return await repository.versions(session, entry_id)


async def list_entries(
    *, session: AsyncSession, after: UUID | None, limit: int, include_retired: bool, category: str | None
) -> list[Pair]:
    return await repository.page(session, after=after, limit=limit, include_retired=include_retired, category=category)


async def search(
    *, session: AsyncSession, query: str, limit: int, category: str | None
) -> tuple[list[str], list[repository.Hit]]:
    terms = rules.query_terms(query)
    if not terms:
        return terms, []
    return terms, await repository.search(session, terms=terms, limit=limit, category=category)


async def answer_for_consultation(*, session: AsyncSession, entry_id: UUID, version: int) -> KnowledgeVersion:
    """The version a consultation gives: it must exist and its entry be in use (422 naming the field otherwise)."""
    entry = await repository.get(session, entry_id)
    if entry is None or entry.status != "active":
        raise KnowledgeAnswerUnknown("/knowledge/entry_id", "知识库中没有该条目，或条目已停用")
    found = await repository.version(session, entry_id, version)
    if found is None:
        raise KnowledgeAnswerUnknown("/knowledge/version", f"该条目没有第 {version} 版")
    return found


async def _check_category(session: AsyncSession, code: str | None) -> None:
    if code is not None and not await reference.category_known(session=session, code=code):
        raise UnknownCategory()


def _check_if_match(entry: KnowledgeEntry, if_match: str | None) -> None:
    if if_match is None:
        raise PreconditionRequired()
    offered = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" not in offered and etag(entry) not in offered:
        raise PreconditionFailed(f"当前 ETag 为 {etag(entry)}")


async def _index(session: AsyncSession, entry_id: UUID, request: KnowledgeEntryCreate | KnowledgeEntryUpdate) -> None:
    weights = rules.index_terms(question=request.question, answer=request.answer, keywords=request.keywords)
    await repository.replace_terms(session, entry_id, weights)


def _version(
    entry_id: UUID, number: int, request: KnowledgeEntryCreate | KnowledgeEntryUpdate, *, principal: Principal, now
) -> KnowledgeVersion:
    return KnowledgeVersion(
        id=uuid7(), entry_id=entry_id, version=number, question=request.question, answer=request.answer,
        legal_basis=request.legal_basis, keywords=request.keywords, created_by=principal.sub, created_at=now,
    )  # fmt: skip
