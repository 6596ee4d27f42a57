"""Use cases of the 信访指南: read a version (the latest by default), publish a new one."""

from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.guide import repository
from intake_api.guide.exceptions import GuideVersionConflict, GuideVersionNotFound
from intake_api.guide.models import GuideVersion
from intake_api.guide.schemas import GuidePublish
from services.http.auth import Principal


async def get_guide(*, session: AsyncSession, version: int | None = None) -> GuideVersion:
    found = await (repository.latest(session) if version is None else repository.get(session, version))
    if found is None:
        raise GuideVersionNotFound()
    return found


async def list_versions(*, session: AsyncSession) -> list[GuideVersion]:
    return await repository.versions(session)


async def publish(*, session: AsyncSession, request: GuidePublish, principal: Principal) -> GuideVersion:
    """Version ``based_on + 1``; 409 when ``based_on`` is not the latest (someone published meanwhile)."""
    if request.based_on != await repository.latest_number(session):
        raise GuideVersionConflict()
    sections = [section.model_dump() for section in request.sections]
    guide = GuideVersion(
        version=request.based_on + 1, title=request.title, note=request.note, sections=sections,
        published_by=principal.sub, published_at=datetime.now(UTC),
    )  # fmt: skip
    repository.add(session, guide)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent publication took the number first
        raise GuideVersionConflict() from exc
    return guide
