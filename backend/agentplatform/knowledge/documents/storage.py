"""Where uploaded originals are kept, behind an interface an S3-compatible store can implement."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Protocol

_SAFE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,299}$")


class Storage(Protocol):
    async def put(self, key: str, data: bytes) -> None: ...
    async def get(self, key: str) -> bytes: ...
    async def delete(self, key: str) -> None: ...
    async def keys_written_before(self, cutoff: datetime) -> list[str]: ...


class LocalStorage:
    """Files under one directory; writes are atomic (temporary file, then rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not _SAFE_KEY.match(key) or ".." in key.split("/"):
            raise ValueError(f"invalid storage key {key!r}")
        return self.root / key

    def _put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._put, key, data)

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._path(key).read_bytes)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, True)

    def _keys_written_before(self, cutoff: datetime) -> list[str]:
        keys = []
        for folder, _, names in os.walk(self.root):
            for name in names:
                path = Path(folder) / name
                with contextlib.suppress(FileNotFoundError):  # removed meanwhile
                    if path.stat().st_mtime < cutoff.timestamp():
                        keys.append(path.relative_to(self.root).as_posix())
        return keys

    async def keys_written_before(self, cutoff: datetime) -> list[str]:
        """Every file last written before `cutoff`, the temporary ones of a crashed write too."""
        return await asyncio.to_thread(self._keys_written_before, cutoff)


def storage_key(tenant_id: object, sha256: str, document_id: object) -> str:
    """One file per document, even for the same bytes: a request that fails can remove the file
    it wrote without taking the one another request wrote for its document."""
    return f"{tenant_id}/{sha256[:2]}/{sha256}-{document_id}"
