"""The enabled subscriptions of each event type, cached per process and database (ADR 0029).

Database triggers raise ``directory_version.version`` on every change to ``webhook_subscriptions``, whoever makes it
(the API, the deliverer disabling an endpoint, another process, SQL by hand). ``subscribers_of`` reads that one row in
the caller's transaction and reloads the enabled subscriptions only when it moved, so the next event of every process
goes to exactly the subscriptions committed before it read the version. The version is read before the rows: a change
committed in between is loaded under the older version and simply reloaded once more.
"""

import weakref
from collections import defaultdict
from uuid import UUID

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.notifications.repository import directory_version
from notify_svc.webhooks import repository

ByType = dict[str, tuple[UUID, ...]]
_CACHE: "weakref.WeakKeyDictionary[Engine, tuple[int, ByType]]" = weakref.WeakKeyDictionary()


async def subscribers_of(session: AsyncSession, event_type: str) -> tuple[UUID, ...]:
    """Ids of the enabled subscriptions to ``event_type`` (one primary-key read when nothing changed)."""
    engine = session.get_bind()
    version = await directory_version(session)
    cached = _CACHE.get(engine)
    if cached is None or version is None or cached[0] != version:
        by_type: dict[str, list[UUID]] = defaultdict(list)
        for subscription_id, event_types in await repository.enabled_event_types(session):
            for name in event_types:
                by_type[name].append(subscription_id)
        cached = (version, {name: tuple(ids) for name, ids in by_type.items()})
        if version is not None:  # without the counter row there is nothing to compare with: never cache
            _CACHE[engine] = cached
    return cached[1].get(event_type, ())
