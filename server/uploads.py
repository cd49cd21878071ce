"""Scans coming up from the desks: the tus protocol (tuspyserver), stored in the database.

tuspyserver speaks the protocol (creation, HEAD for the offset, PATCH to append, expiry); this
module is its storage backend. Keeping the bytes in the database, not on one server's disk,
keeps the server stateless: a PATCH may land on any worker of any machine behind the load
balancer and find the upload where the previous one left it.

A finished upload is checked against the SHA-256 the desk announced in its metadata; only a
file that matches is kept under its hash, which is how the desk learns that it arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import zlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from tuspyserver.storage import TusStorage

from app.db.engine import Database
from server.models import StoredFileRow, UploadChunkRow, UploadRow

log = logging.getLogger(__name__)

# The largest scan a desk may send: a thick file of a hundred pages at about 300 KB each.
MAX_UPLOAD_BYTES: Final = 64 * 1024 * 1024


def _now() -> datetime:
    return datetime.now(UTC)


def metadata_sha256(metadata: dict[str, Any]) -> str | None:
    """The hash the desk announced; tuspyserver has decoded the base64 metadata already."""
    value = metadata.get("sha256")
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if isinstance(value, str) and len(value) == 64:
        return value.lower()
    return None


class DatabaseStorage(TusStorage):
    """tus uploads in two tables: one row per upload, one per appended chunk."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._locks: dict[str, asyncio.Lock] = {}

    # --- data -----------------------------------------------------------------------------

    async def create(self, uid: str) -> None:
        def do() -> None:
            with self._database.writing() as session:
                if session.get(UploadRow, uid) is None:
                    session.add(UploadRow(uid=uid, size=0, info={}, created_at=_now(), sha256=None))

        await asyncio.to_thread(do)

    async def exists(self, uid: str) -> bool:
        def do() -> bool:
            with self._database.reading() as session:
                return session.get(UploadRow, uid) is not None

        return await asyncio.to_thread(do)

    async def size(self, uid: str) -> int:
        def do() -> int:
            with self._database.reading() as session:
                row = session.get(UploadRow, uid)
                return row.size if row else 0

        return await asyncio.to_thread(do)

    async def append(self, uid: str, chunk: bytes) -> None:
        if not chunk:
            return

        def do() -> None:
            # Each chunk commits with the offset it moves: a cut mid-PATCH keeps what arrived.
            with self._database.writing() as session:
                row = session.get(UploadRow, uid, with_for_update=True)
                if row is None:
                    raise FileNotFoundError(uid)
                if row.size + len(chunk) > MAX_UPLOAD_BYTES:
                    raise ValueError("upload larger than allowed")
                session.add(UploadChunkRow(uid=uid, offset=row.size, data=chunk))
                row.size += len(chunk)

        await asyncio.to_thread(do)

    async def flush(self, uid: str) -> None:
        return None  # every append is committed already

    async def finalize(self, uid: str) -> None:
        await asyncio.to_thread(self._keep_if_whole, uid)

    def _keep_if_whole(self, uid: str) -> None:
        with self._database.writing() as session:
            upload = session.get(UploadRow, uid)
            if upload is None:
                return
            digest = hashlib.sha256()
            for (data,) in session.execute(
                select(UploadChunkRow.data)
                .where(UploadChunkRow.uid == uid)
                .order_by(UploadChunkRow.offset)
            ):
                digest.update(data)
            actual = digest.hexdigest()
            expected = metadata_sha256(dict(upload.info.get("metadata") or {}))
            if expected != actual:
                log.warning("upload %s: SHA-256 %s, announced %s: not kept", uid, actual, expected)
                upload.sha256 = None
                return
            upload.sha256 = actual
            if session.get(StoredFileRow, actual) is None:
                try:
                    with session.begin_nested():
                        session.add(
                            StoredFileRow(
                                sha256=actual, size=upload.size, upload_uid=uid, stored_at=_now()
                            )
                        )
                except IntegrityError:
                    pass  # the same scan finished through another upload at the same moment

    async def read(self, uid: str) -> bytes | None:
        def do() -> bytes | None:
            with self._database.reading() as session:
                if session.get(UploadRow, uid) is None:
                    return None
                return b"".join(
                    data
                    for (data,) in session.execute(
                        select(UploadChunkRow.data)
                        .where(UploadChunkRow.uid == uid)
                        .order_by(UploadChunkRow.offset)
                    )
                )

        return await asyncio.to_thread(do)

    async def delete(self, uid: str) -> None:
        def do() -> None:
            with self._database.writing() as session:
                kept = session.execute(
                    select(StoredFileRow.sha256).where(StoredFileRow.upload_uid == uid)
                ).first()
                if kept is not None:
                    return  # a verified scan is kept for good, whatever expiry says
                session.execute(delete(UploadChunkRow).where(UploadChunkRow.uid == uid))
                session.execute(delete(UploadRow).where(UploadRow.uid == uid))

        await asyncio.to_thread(do)

    # --- info sidecar ---------------------------------------------------------------------

    async def read_info(self, uid: str) -> dict[str, Any] | None:
        def do() -> dict[str, Any] | None:
            with self._database.reading() as session:
                row = session.get(UploadRow, uid)
                return dict(row.info) if row is not None and row.info else None

        return await asyncio.to_thread(do)

    async def write_info(self, uid: str, data: dict[str, Any]) -> None:
        def do() -> None:
            with self._database.writing() as session:
                row = session.get(UploadRow, uid)
                if row is None:
                    session.add(
                        UploadRow(uid=uid, size=0, info=data, created_at=_now(), sha256=None)
                    )
                else:
                    session.execute(update(UploadRow).where(UploadRow.uid == uid).values(info=data))

        await asyncio.to_thread(do)

    # --- housekeeping ---------------------------------------------------------------------

    async def list_uids(self) -> list[str]:
        def do() -> list[str]:
            with self._database.reading() as session:
                return list(session.execute(select(UploadRow.uid)).scalars())

        return await asyncio.to_thread(do)

    def location(self, uid: str) -> str:
        return f"database:uploads/{uid}"

    # tuspyserver annotates the lock as an iterator but uses it as an async context manager.
    @contextlib.asynccontextmanager
    async def lock(self, uid: str) -> AsyncIterator[None]:  # type: ignore[override]
        """One PATCH at a time per upload: in this process by an asyncio lock, across
        processes (PostgreSQL) by an advisory lock on the upload's id."""
        local = self._locks.setdefault(uid, asyncio.Lock())
        async with local:
            if self._database.dialect != "postgresql":
                yield  # SQLite serialises every writer already
                return
            key = zlib.crc32(uid.encode())
            connection = await asyncio.to_thread(self._database.engine.connect)
            try:
                await asyncio.to_thread(
                    connection.execute, text("SELECT pg_advisory_lock(:key)"), {"key": key}
                )
                yield
            finally:
                await asyncio.to_thread(
                    connection.execute, text("SELECT pg_advisory_unlock(:key)"), {"key": key}
                )
                await asyncio.to_thread(connection.close)


def stored_in(session: Session, sha256: str) -> bool:
    return session.get(StoredFileRow, sha256.lower()) is not None


def stored_count(database: Database) -> int:
    with database.reading() as session:
        return int(session.execute(select(func.count()).select_from(StoredFileRow)).scalar_one())
