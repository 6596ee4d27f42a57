"""Every query of the knowledge base. Search is portable SQL over ``knowledge_terms`` (SQLite and PostgreSQL)."""

from uuid import UUID

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.onsite.knowledge.models import KnowledgeEntry, KnowledgeTerm, KnowledgeVersion

Hit = tuple[KnowledgeEntry, KnowledgeVersion, int, int]


async def get(session: AsyncSession, entry_id: UUID) -> KnowledgeEntry | None:
    return await session.get(KnowledgeEntry, entry_id)


async def get_for_update(session: AsyncSession, entry_id: UUID) -> KnowledgeEntry | None:
    """Row-locked on PostgreSQL, so that two updates never take the same version number."""
    return await session.scalar(select(KnowledgeEntry).where(KnowledgeEntry.id == entry_id).with_for_update())


async def version(session: AsyncSession, entry_id: UUID, number: int) -> KnowledgeVersion | None:
    return await session.scalar(
        select(KnowledgeVersion).where(KnowledgeVersion.entry_id == entry_id, KnowledgeVersion.version == number)
    )


async def versions(session: AsyncSession, entry_id: UUID) -> list[KnowledgeVersion]:
    query = select(KnowledgeVersion).where(KnowledgeVersion.entry_id == entry_id).order_by(KnowledgeVersion.version)
    return list(await session.scalars(query))


async def page(
    session: AsyncSession, *, after: UUID | None, limit: int, include_retired: bool, category: str | None
) -> list[tuple[KnowledgeEntry, KnowledgeVersion]]:
    query = _with_current_version().order_by(KnowledgeEntry.id).limit(limit + 1)
    if after is not None:
        query = query.where(KnowledgeEntry.id > after)
    if not include_retired:
        query = query.where(KnowledgeEntry.status == "active")
    if category is not None:
        query = query.where(KnowledgeEntry.category_code.startswith(category, autoescape=True))
    return [tuple(row) for row in (await session.execute(query)).all()]


async def search(session: AsyncSession, *, terms: list[str], limit: int, category: str | None) -> list[Hit]:
    """Active entries sharing terms with the query: most distinct terms matched first, then total weight."""
    matched = func.count(KnowledgeTerm.term).label("matched")
    score = func.sum(KnowledgeTerm.weight).label("score")
    ranked = (
        select(KnowledgeTerm.entry_id, matched, score)
        .where(KnowledgeTerm.term.in_(terms))
        .group_by(KnowledgeTerm.entry_id)
        .subquery()
    )
    query = (
        _with_current_version()
        .add_columns(ranked.c.matched, ranked.c.score)
        .join(ranked, ranked.c.entry_id == KnowledgeEntry.id)
        .where(KnowledgeEntry.status == "active")
        .order_by(ranked.c.matched.desc(), ranked.c.score.desc(), KnowledgeEntry.id)
        .limit(limit)
    )
    if category is not None:
        query = query.where(KnowledgeEntry.category_code.startswith(category, autoescape=True))
    return [tuple(row) for row in (await session.execute(query)).all()]


async def replace_terms(session: AsyncSession, entry_id: UUID, weights: dict[str, int]) -> None:
    await session.execute(delete(KnowledgeTerm).where(KnowledgeTerm.entry_id == entry_id))
    session.add_all(KnowledgeTerm(entry_id=entry_id, term=term, weight=weight) for term, weight in weights.items())


async def count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(KnowledgeEntry)) or 0


def add(session: AsyncSession, *rows: KnowledgeEntry | KnowledgeVersion) -> None:
    session.add_all(rows)


def _with_current_version():
    return select(KnowledgeEntry, KnowledgeVersion).join(
        KnowledgeVersion,
        (KnowledgeVersion.entry_id == KnowledgeEntry.id) & (KnowledgeVersion.version == KnowledgeEntry.current_version),
    )
