"""Where attachment bytes live: a ``Storage`` interface, a local-disk implementation (setting ``attachments_dir``)
and an in-memory one for tests. An object store would be a third implementation; main.py picks one."""

import asyncio
import os
import re
from abc import ABC, abstractmethod
from pathlib import Path

_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f-]{36}$")


class Storage(ABC):
    @abstractmethod
    async def put(self, key: str, data: bytes) -> None: ...

    @abstractmethod
    async def get(self, key: str) -> bytes | None: ...

    @abstractmethod
    async def delete(self, key: str) -> None: ...


def check_key(key: str) -> str:
    """Keys are made by the service (``ab/<uuid>``); anything else could point outside the storage root."""
    if not _KEY.match(key):
        raise ValueError(f"invalid storage key {key!r}")
    return key


class LocalDiskStorage(Storage):
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, self.root / check_key(key), data)

    async def get(self, key: str) -> bytes | None:
        path = self.root / check_key(key)
        return await asyncio.to_thread(lambda: path.read_bytes() if path.exists() else None)

    async def delete(self, key: str) -> None:
        path = self.root / check_key(key)
        await asyncio.to_thread(path.unlink, missing_ok=True)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        """Written to a temporary name and renamed, so a reader never sees half a file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(data)
        os.replace(partial, path)


class MemoryStorage(Storage):
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    async def put(self, key: str, data: bytes) -> None:
        self.objects[check_key(key)] = data

    async def get(self, key: str) -> bytes | None:
        return self.objects.get(check_key(key))

    async def delete(self, key: str) -> None:
        self.objects.pop(check_key(key), None)
