"""Use cases of the special-residents register: personal data encrypted per row, read only within scope."""

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from screening_svc.config import ResidentCategory
from screening_svc.grids import repository as grids
from screening_svc.grids.exceptions import UnknownGrid
from screening_svc.grids.rules import Scope, local_date
from screening_svc.residents import repository, rules
from screening_svc.residents.exceptions import ResidentNotFound, UnknownResidentCategory
from screening_svc.residents.models import SpecialResident
from screening_svc.residents.schemas import ResidentCreate, ResidentPhone, ResidentRead
from services.ids import uuid7
from services.pii import Cipher, mask_name, mask_phone


async def register_resident(
    *,
    session: AsyncSession,
    request: ResidentCreate,
    scope: Scope,
    cipher: Cipher,
    categories: dict[str, ResidentCategory],
    registered_by: str,
    now: datetime,
) -> ResidentRead:
    if await grids.get_visible(session, code=request.grid_code, scope=scope) is None:
        raise UnknownGrid()
    interval = rules.interval_of(request.category, categories)
    if interval is None:
        raise UnknownResidentCategory(list(categories))
    resident = _new_resident(request, interval=interval, cipher=cipher, registered_by=registered_by, now=now)
    repository.add(session, resident)
    await session.flush()
    return _read(resident, cipher=cipher, categories=categories, last_visit=None, masked=False)


def _new_resident(
    request: ResidentCreate, *, interval: str, cipher: Cipher, registered_by: str, now: datetime
) -> SpecialResident:
    resident_id = uuid7()

    def seal(value: str, column: str) -> bytes:
        return cipher.encrypt(value, bind=rules.binding(resident_id, column))

    return SpecialResident(
        id=resident_id,
        grid_code=request.grid_code,
        category=request.category,
        visit_interval=interval,
        name_encrypted=seal(request.name, "name"),
        address_encrypted=seal(request.address, "address"),
        phone_encrypted=seal(request.phone, "phone") if request.phone else None,
        registered_on=local_date(now),
        registered_by=registered_by,
        created_at=now,
    )


async def get_resident(
    *, session: AsyncSession, resident_id: UUID, scope: Scope, cipher: Cipher, categories: dict[str, ResidentCategory]
) -> ResidentRead:
    resident = await _visible(session, resident_id=resident_id, scope=scope)
    last = (await repository.last_visits(session, [resident.id])).get(resident.id)
    return _read(resident, cipher=cipher, categories=categories, last_visit=last, masked=False)


async def reveal_phone(*, session: AsyncSession, resident_id: UUID, scope: Scope, cipher: Cipher) -> ResidentPhone:
    """The resident's phone number in full (the caller's audit trail records the reveal)."""
    resident = await _visible(session, resident_id=resident_id, scope=scope)
    if resident.phone_encrypted is None:
        return ResidentPhone(id=resident.id, phone=None)
    phone = cipher.decrypt(resident.phone_encrypted, bind=rules.binding(resident.id, "phone"))
    return ResidentPhone(id=resident.id, phone=phone)


async def _visible(session: AsyncSession, *, resident_id: UUID, scope: Scope) -> SpecialResident:
    resident = await repository.get_visible(session, resident_id=resident_id, scope=scope)
    if resident is None:
        raise ResidentNotFound()
    return resident


async def list_residents(
    *,
    session: AsyncSession,
    scope: Scope,
    grid_code: str | None,
    after: UUID | None,
    limit: int,
    cipher: Cipher,
    categories: dict[str, ResidentCategory],
) -> list[ResidentRead]:
    residents = await repository.list_residents(session, scope=scope, grid_code=grid_code, after=after, limit=limit)
    last = await repository.last_visits(session, [r.id for r in residents])
    return [_read(r, cipher=cipher, categories=categories, last_visit=last.get(r.id), masked=True) for r in residents]


def _read(
    resident: SpecialResident,
    *,
    cipher: Cipher,
    categories: dict[str, ResidentCategory],
    last_visit,
    masked: bool,
) -> ResidentRead:
    def open_(column: str) -> str:
        return cipher.decrypt(getattr(resident, f"{column}_encrypted"), bind=rules.binding(resident.id, column))

    name = open_("name")
    configured = categories.get(resident.category)
    return ResidentRead(
        id=resident.id,
        grid_code=resident.grid_code,
        category=resident.category,
        category_name=configured.name if configured else resident.category,
        visit_interval=resident.visit_interval,
        name=mask_name(name) if masked else name,
        address=open_("address"),
        phone_masked=mask_phone(open_("phone")) if resident.phone_encrypted else None,
        registered_on=resident.registered_on,
        last_visited_on=last_visit,
        created_at=resident.created_at,
    )
