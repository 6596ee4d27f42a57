"""Writing the changes of many loaded rows of one table in one executemany UPDATE (the sweep's batches).

The unit of work writes a versioned row (a case: its ETag) with one UPDATE each, and groups the others only while
consecutive rows change the same columns; a batch of lapses changes hundreds of cases and clocks. Here each row sets
the union of the columns changed in any of them (a row's unchanged ones to the value they have), a versioned row
names the version it read and gets the next one, and the rows are marked clean so that the flush does not write them
a second time. The caller holds the rows (the sweep locks its cases; on SQLite it holds the write lock), so nothing
can change them between the read and this write."""

from collections.abc import Sequence

from sqlalchemy import bindparam, inspect, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value


async def write_changed(session: AsyncSession, rows: Sequence[object]) -> int:
    """Write the changes of these rows (all of one mapped class) in one statement; the number of rows written."""
    changed = {row: keys for row in rows if (keys := _changed_keys(row))}
    if not changed:
        return 0
    mapper = inspect(next(iter(changed))).mapper
    keys = sorted(set().union(*changed.values()))
    columns = {key: mapper.column_attrs[key].columns[0] for key in keys}
    (pk,) = mapper.primary_key
    version = mapper.version_id_col
    params = []
    for row, own in changed.items():
        params.append({"b_pk": getattr(row, pk.key), **{f"b_{key}": getattr(row, key) for key in keys}}
                      | ({"b_read": getattr(row, version.key)} if version is not None else {}))  # fmt: skip
        for key in own:
            set_committed_value(row, key, getattr(row, key))
        if version is not None:
            set_committed_value(row, version.key, getattr(row, version.key) + 1)
    statement = update(mapper.local_table).where(pk == bindparam("b_pk"))
    values = {column: bindparam(f"b_{key}") for key, column in columns.items()}
    if version is not None:
        statement = statement.where(version == bindparam("b_read"))
        values[version] = bindparam("b_read") + 1
    await session.execute(statement.values(values), params)
    return len(params)


def _changed_keys(row: object) -> set[str]:
    """The columns changed since the row was read: only the attributes the session saw set are looked at."""
    state = inspect(row)
    if state.key is None or not state.committed_state:
        return set()
    mapper = state.mapper
    version = mapper.version_id_col
    return {
        key
        for key in state.committed_state
        if key in mapper.column_attrs
        and mapper.column_attrs[key].columns[0] is not version
        and state.attrs[key].history.has_changes()
    }
