"""Broker cut while 200 petitions are registered: every request still answers 201 (the outbox holds the
events), and once the link is back all 200 cases exist in routing_svc, none twice."""

import asyncio

import pytest
from sqlalchemy import func, select

from services.testing import (
    PETITION,
    Databases,
    TcpProxy,
    amqp_url_via,
    delete_bus_namespace,
    eventually,
    run_system,
    unique,
)

pytestmark = pytest.mark.fault
PETITIONS = 200


async def count_rows(system, service: str, sql_table: str) -> int:  # noqa: ANN001
    from sqlalchemy import table

    async with system.runtime(service).session_factory() as session:
        return await session.scalar(select(func.count()).select_from(table(sql_table))) or 0


async def test_broker_cut_during_registration_loses_nothing_and_duplicates_nothing(
    broker_proxy: TcpProxy, tmp_path
) -> None:  # noqa: ANN001
    namespace = unique("fault-")
    databases = await Databases.create("real", tmp_path)
    try:
        await databases.migrate()
        async with run_system(
            databases, namespace=namespace, amqp_url=amqp_url_via(broker_proxy), demo_data=False
        ) as system:
            headers = system.token("reception")

            async def register(i: int) -> int:
                body = {**PETITION, "content": f"{PETITION['content']}（第 {i} 件）"}
                response = await system.clients["intake"].post("/intake/v1/petitions", json=body, headers=headers)
                return response.status_code

            first = await asyncio.gather(*(register(i) for i in range(50)))
            broker_proxy.cut()
            during = await asyncio.gather(*(register(i) for i in range(50, PETITIONS)))
            assert set(first + during) == {201}
            assert not await system.runtime("intake").bus.is_ready()
            await asyncio.sleep(1.0)
            broker_proxy.restore()

            async def all_cases() -> bool:
                return await count_rows(system, "routing", "cases") == PETITIONS

            await eventually(all_cases, timeout=60, interval=0.5)
            await eventually(lambda: _receipts_complete(system), timeout=30, interval=0.5)
            assert await count_rows(system, "routing", "cases") == PETITIONS
            assert await count_rows(system, "intake", "outbox") == PETITIONS
            assert await system.runtime("intake").relay.pending_count() == 0
            for consumer in ("routing", "notify", "intake"):
                assert await system.runtime("routing").bus.dead_letters(consumer) == []
    finally:
        await databases.drop()
        await delete_bus_namespace(namespace)


async def _receipts_complete(system) -> bool:  # noqa: ANN001
    async with system.runtime("notify").session_factory() as session:
        from sqlalchemy import text

        rows = await session.execute(
            text(
                "SELECT count(*), count(DISTINCT petition_id) FROM notifications"
                " WHERE template_key = 'petition.receipt' AND channel = 'sms'"
            )
        )
        total, distinct = rows.one()
        assert total == distinct, "a petition got its receipt twice"
        return total == PETITIONS
