"""services.batching.GroupCommit alone: who goes alone, who waits and goes together, what each submit gets back."""

import asyncio
from collections.abc import Sequence

from services.batching import GroupCommit


class Gated:
    """Fake ``run_batch``/``run_one`` that record what they were given and wait for ``gate`` (a transaction held
    open); ``fail`` makes a batch holding it raise, and its single handling raise too."""

    def __init__(self, *, fail: str | None = None) -> None:
        self.gate = asyncio.Event()
        self.fail = fail
        self.ones: list[str] = []
        self.batches: list[list[str]] = []

    async def run_batch(self, events: Sequence[str]) -> list[str]:
        self.batches.append(list(events))
        await self.gate.wait()
        if self.fail in events:
            raise RuntimeError("batch failed")
        return [f"batch:{event}" for event in events]

    async def run_one(self, event: str) -> str:
        self.ones.append(event)
        await self.gate.wait()
        if event == self.fail:
            raise RuntimeError(f"{event} failed")
        return f"one:{event}"

    def group(self, **options) -> GroupCommit:
        return GroupCommit(self.run_batch, self.run_one, name="test", **options)


async def submit_all(group: GroupCommit, events: Sequence[str]) -> list[asyncio.Task]:
    tasks = [asyncio.create_task(group.submit(event)) for event in events]
    await asyncio.sleep(0)  # every submit is in; the transactions started are waiting for the gate
    await asyncio.sleep(0)
    return tasks


async def test_idle_group_handles_a_delivery_alone() -> None:
    fake = Gated()
    fake.gate.set()
    assert await fake.group().submit("a") == "one:a"
    assert (fake.ones, fake.batches) == (["a"], [])


async def test_deliveries_beyond_those_in_flight_wait_and_go_in_one_batch() -> None:
    fake = Gated()
    tasks = await submit_all(fake.group(in_flight=2), ["a", "b", "c", "d", "e"])
    assert (fake.ones, fake.batches) == (["a", "b"], [])
    assert not any(task.done() for task in tasks)

    fake.gate.set()
    assert await asyncio.gather(*tasks) == ["one:a", "one:b", "batch:c", "batch:d", "batch:e"]
    assert (fake.ones, fake.batches) == (["a", "b"], [["c", "d", "e"]])


async def test_max_batch_splits_a_long_wait() -> None:
    fake = Gated()
    tasks = await submit_all(fake.group(in_flight=1, max_batch=3), ["a", "b", "c", "d", "e", "f", "g", "h"])
    fake.gate.set()
    await asyncio.gather(*tasks)
    assert fake.batches == [["b", "c", "d"], ["e", "f", "g"]]
    assert fake.ones == ["a", "h"]  # the one left over goes alone


async def test_cancelled_delivery_is_dropped_before_its_batch_starts() -> None:
    fake = Gated()
    tasks = await submit_all(fake.group(in_flight=1), ["a", "b", "c", "d"])
    tasks[1].cancel()
    tasks[3].cancel()
    fake.gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)

    assert [result if isinstance(result, str) else type(result) for result in results] == [
        "one:a",
        asyncio.CancelledError,
        "one:c",
        asyncio.CancelledError,
    ]
    assert (fake.ones, fake.batches) == (["a", "c"], [])


async def test_failed_batch_settles_each_delivery_with_its_own_outcome() -> None:
    fake = Gated(fail="c")
    tasks = await submit_all(fake.group(in_flight=1), ["a", "b", "c", "d"])
    fake.gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)

    assert fake.batches == [["b", "c", "d"]]
    assert fake.ones == ["a", "b", "c", "d"]
    assert [repr(result) for result in results] == ["'one:a'", "'one:b'", repr(RuntimeError("c failed")), "'one:d'"]
