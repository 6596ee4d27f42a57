"""Group commit: work items that arrive while earlier batches run wait, then go together into one transaction.

An idle group runs an item at once, alone; under load the items queue behind at most ``in_flight`` running batches
and the next batch takes all of them (at most ``max_batch``), so a batch grows with the load and adds no wait when
there is none. A batch that fails is run again one item at a time, so an item that cannot be done fails alone; each
``submit`` returns its own item's result or raises its own item's error (ADR 0036).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


class GroupCommit(Generic[T, R]):
    """``run_batch(items)`` returns one result per item, in order; ``run_one(item)`` is the path of an item alone
    (an idle group, a failed batch)."""

    def __init__(
        self,
        run_batch: Callable[[Sequence[T]], Awaitable[Sequence[R]]],
        run_one: Callable[[T], Awaitable[R]],
        *,
        name: str,
        max_batch: int = 64,
        in_flight: int = 2,
    ) -> None:
        self._run_batch, self._run_one, self._name = run_batch, run_one, name
        self._max_batch, self._in_flight = max_batch, in_flight
        self._waiting: list[tuple[T, asyncio.Future]] = []
        self._running: set[asyncio.Task] = set()

    async def submit(self, item: T) -> R:
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((item, done))
        self._start_batches()
        return await done

    def _start_batches(self) -> None:
        self._waiting = [(item, done) for item, done in self._waiting if not done.done()]  # cancelled: dropped
        while self._waiting and len(self._running) < self._in_flight:
            batch, self._waiting = self._waiting[: self._max_batch], self._waiting[self._max_batch :]
            task = asyncio.create_task(self._run(batch), name=f"batch:{self._name}")
            self._running.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task) -> None:
        self._running.discard(task)
        self._start_batches()

    async def _run(self, batch: list[tuple[T, asyncio.Future]]) -> None:
        try:
            await self._handle(batch)
        finally:  # cancelled itself: whoever still waits is cancelled too
            for _, done in batch:
                if not done.done():
                    done.cancel()

    async def _handle(self, batch: list[tuple[T, asyncio.Future]]) -> None:
        if len(batch) > 1:
            try:
                results = await self._run_batch([item for item, _ in batch])
            except Exception as exc:  # noqa: BLE001 - any failure: the items are run one by one
                log.info(
                    "batch failed, its items are run one by one: %r",
                    exc,
                    extra={"fields": {"group": self._name, "items": len(batch)}},
                )
            else:
                for (_, done), result in zip(batch, results, strict=True):
                    _settle(done, result, None)
                return
        for item, done in batch:
            try:
                result = await self._run_one(item)
            except Exception as exc:  # noqa: BLE001 - handed to the item's own submit
                _settle(done, None, exc)
            else:
                _settle(done, result, None)


def _settle(done: asyncio.Future, result: object, exc: BaseException | None) -> None:
    """An item whose ``submit`` was cancelled has nobody waiting for it."""
    if done.done():
        return
    if exc is None:
        done.set_result(result)
    else:
        done.set_exception(exc)
