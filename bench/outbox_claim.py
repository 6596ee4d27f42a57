"""The outbox relay's claim (``services.db.outbox``) with published rows kept, with and without the index on the
pending rows in publishing order (``ix_outbox_unpublished``), on PostgreSQL.

Every service keeps published outbox rows for 7 days. The claim takes the oldest pending rows in ``seq`` order;
without an index on the pending rows in that order, PostgreSQL walks the primary key from the oldest kept row and
filters out every published one on every claim. Builds a scratch database with ``--published`` published and
``--pending`` pending rows (``--aggregates`` subjects), then times the claim statement the relay runs (rolled back,
so every run sees the same rows) ``--runs`` times without the index and ``--runs`` times with it, in one run.

    .venv/bin/python bench/outbox_claim.py                       # 200,000 published, 40,000 pending
    .venv/bin/python bench/outbox_claim.py --published 1000000
"""

import argparse
import asyncio
import json
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from services.db.outbox import _claim_statement
from services.db.tables import platform_metadata
from services.testing import create_database, drop_database, unique

RESULTS = Path(__file__).resolve().parent / "results"


async def timed_claims(engine, runs: int, batch: int) -> list[float]:
    statement = _claim_statement(batch_size=batch, postgres=True)
    times = []
    for _ in range(runs):
        async with engine.connect() as connection:
            transaction = await connection.begin()
            started = time.perf_counter()
            rows = (await connection.execute(statement)).all()
            times.append((time.perf_counter() - started) * 1000)
            await transaction.rollback()
        assert len(rows) == batch, len(rows)
    return times


async def main(args: argparse.Namespace) -> dict:
    name = unique("bench_outbox_")
    url = await create_database(name)
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(platform_metadata.create_all)
            await connection.execute(text("DROP INDEX ix_outbox_unpublished"))
            await connection.execute(
                text(
                    "INSERT INTO outbox (event_id, event_type, aggregate_id, payload, created_at, published_at) "
                    "SELECT gen_random_uuid(), 'xinfang.bench.v1', (i % :aggregates)::text, repeat('x', 400), now(), "
                    "CASE WHEN i <= :published THEN now() END FROM generate_series(1, :total) AS i"
                ),
                {"aggregates": args.aggregates, "published": args.published, "total": args.published + args.pending},
            )
            await connection.execute(text("ANALYZE outbox"))
        without = await timed_claims(engine, args.runs, args.batch)
        async with engine.begin() as connection:
            await connection.execute(
                text("CREATE INDEX ix_outbox_unpublished ON outbox (seq) WHERE published_at IS NULL")
            )
            await connection.execute(text("ANALYZE outbox"))
        with_index = await timed_claims(engine, args.runs, args.batch)
    finally:
        await engine.dispose()
        await drop_database(name)
    result = {
        "benchmark": "outbox-claim",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "parameters": vars(args),
        "without_index_ms": {"median": statistics.median(without), "max": max(without)},
        "with_index_ms": {"median": statistics.median(with_index), "max": max(with_index)},
    }
    result["ratio"] = round(result["without_index_ms"]["median"] / result["with_index_ms"]["median"], 1)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"outbox-claim-{stamp}.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--published", type=int, default=200_000)
    parser.add_argument("--pending", type=int, default=40_000)
    parser.add_argument("--aggregates", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=200, help="the relay's batch size")
    parser.add_argument("--runs", type=int, default=20)
    outcome = asyncio.run(main(parser.parse_args()))
    print(json.dumps(outcome, indent=2))
