"""The HTTP API of the central server (FastAPI), built on `server.store`.

Every endpoint but the clock and enrolment is signed by an enrolled desk (see
`app.sync.signing`); enrolment is authorised by its one-time code. A request body may be sent
gzip-compressed (``Content-Encoding: gzip``); the signature covers the uncompressed body.
"""

from __future__ import annotations

import hashlib
import logging
import os
import zlib
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, Final

from fastapi import Depends, FastAPI, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from tuspyserver import create_tus_router

from app.db.engine import Database
from app.sync import protocol
from app.sync.protocol import (
    API_PREFIX,
    FILES_PATH,
    EnrolAnswer,
    EnrolRequest,
    FeedPage,
    Problem,
    PushAnswer,
    PushBatch,
    ServerTime,
    StoredFile,
)
from server import store, uploads

log = logging.getLogger(__name__)

DATABASE_ENV: Final = "RECEPTION_SERVER_DB"
_PROBLEMS: Final[dict[int | str, dict[str, Any]]] = {
    400: {"model": Problem, "description": "The body cannot be read"},
    401: {"model": Problem, "description": "Not signed by an enrolled desk, or replayed"},
    403: {"model": Problem, "description": "The desk is revoked, or the code is not valid"},
    409: {"model": Problem, "description": "A conflict with what was received before"},
    413: {"model": Problem, "description": "The body is too large"},
}


class _BodyTooLargeError(Exception):
    """A body larger than the protocol allows, before or after decompression."""


class _BadBodyError(Exception):
    """A body announced as gzip that does not decompress."""


def _decompressed(body: bytes) -> bytes:
    # Read at most the limit out of the stream: a small gzip bomb must not fill the memory.
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = decompressor.decompress(body, protocol.MAX_BODY_BYTES + 1)
    except zlib.error as error:
        raise _BadBodyError(str(error)) from error
    if len(data) > protocol.MAX_BODY_BYTES or decompressor.unconsumed_tail:
        raise _BodyTooLargeError
    return data


class _GzipRoute(APIRoute):
    """Reads the body before FastAPI does: a gzip body is decompressed (with its size
    limited), and a body too large or unreadable gets its own clear refusal."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def gzip_handler(request: Request) -> Response:
            raw = await request.body()
            if len(raw) > protocol.MAX_BODY_BYTES:
                return _too_large()
            if "gzip" in request.headers.getlist("Content-Encoding"):
                try:
                    request._body = _decompressed(raw)
                except _BodyTooLargeError:
                    return _too_large()
                except _BadBodyError as error:
                    return _problem(400, "bad_body", f"The body cannot be decompressed: {error}")
            return await handler(request)

        return gzip_handler


def _too_large() -> JSONResponse:
    return _problem(413, "too_large", f"The body is larger than {protocol.MAX_BODY_BYTES} bytes.")


def _problem(status: int, code: str, detail: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"code": code, "detail": detail})


def _now() -> datetime:
    return datetime.now(UTC)


async def _raw_body(request: Request) -> bytes:
    """The body as the desk signed it (decompressed); FastAPI keeps it for the model too."""
    return await request.body()


# At module level: FastAPI reads these annotations from the module's names.
SignedBody = Annotated[bytes, Depends(_raw_body)]


def _signed_target(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def _signed_desk(request: Request, body: SignedBody) -> store.SignedDesk:
    """The desk that signed the request, checked before the body is even validated: a
    stranger learns nothing about what the endpoint expects. Reads only: the endpoint keeps
    the nonce in the transaction of its own work, one commit per request."""
    database: Database = request.app.state.database
    with database.reading() as session:
        return store.authenticate(
            session,
            request.headers,  # case-insensitive, as HTTP headers are
            method=request.method,
            target=_signed_target(request),
            body=body,
            now=_now(),
        )


def _signed_upload(request: Request, body: SignedBody) -> store.SignedDesk:
    """The same check for the tus routes, whose work is tuspyserver's: the nonce is kept at
    once, in a transaction of its own."""
    signed = _signed_desk(request, body)
    database: Database = request.app.state.database
    with database.writing() as session:
        store.remember_nonce(session, signed, _now())
    return signed


SignedDesk = Annotated[store.SignedDesk, Depends(_signed_desk)]


def create_app(database: Database) -> FastAPI:
    api = FastAPI(
        title="Reception Desk central server",
        version="1",
        description="Enrolment, the desks' outbox (push) and the change feed (pull).",
    )
    api.router.route_class = _GzipRoute
    api.state.database = database
    api.include_router(
        create_tus_router(
            prefix=FILES_PATH,
            max_size=uploads.MAX_UPLOAD_BYTES,
            storage=uploads.DatabaseStorage(database),
            days_to_keep=14,  # an upload cut by a long outage may resume for two weeks
            tags=["files"],
        ),
        # Every tus request is signed like the rest. As the router's own dependency it runs
        # first, before tuspyserver reads a byte of the body into the upload.
        dependencies=[Depends(_signed_upload)],
    )

    @api.exception_handler(store.ProblemError)
    async def _on_problem(_request: Request, error: store.ProblemError) -> JSONResponse:
        return _problem(error.status, error.code, error.detail)

    @api.exception_handler(StarletteHTTPException)
    async def _on_http(request: Request, error: StarletteHTTPException) -> Response:
        # tuspyserver's refusals too: every refusal in one shape, its headers kept
        # (a tus client needs Tus-Version and friends). HEAD answers carry no body.
        if request.method == "HEAD":
            return Response(status_code=error.status_code, headers=error.headers)
        response = _problem(error.status_code, f"http_{error.status_code}", str(error.detail))
        response.headers.update(error.headers or {})
        return response

    @api.exception_handler(RequestValidationError)
    async def _on_invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
            for item in error.errors()[:10]
        )
        return _problem(422, "invalid", problems or "The request is not valid.")

    @contextmanager
    def writing() -> Iterator[Session]:
        with database.writing() as session:
            yield session

    @api.get(f"{API_PREFIX}/time", response_model=ServerTime, tags=["desks"])
    def server_time() -> ServerTime:
        """The server's clock, for a desk to see how far off its own is."""
        return ServerTime(server_time=_now())

    @api.post(
        f"{API_PREFIX}/enrol", response_model=EnrolAnswer, responses=_PROBLEMS, tags=["desks"]
    )
    def enrol(request: EnrolRequest) -> EnrolAnswer:
        """Register a desk's public key with a one-time code from the centre."""
        with writing() as session:
            return store.enrol(session, request, _now())

    @api.post(f"{API_PREFIX}/push", response_model=PushAnswer, responses=_PROBLEMS, tags=["sync"])
    def push(desk: SignedDesk, batch: PushBatch, body: SignedBody) -> PushAnswer:
        """Store a batch of the desk's outbox; the same batch again gets the same answer."""
        # A retry sends the very same bytes; other records under the same batch id do not.
        digest = hashlib.sha256(body).hexdigest()
        with writing() as session:
            store.remember_nonce(session, desk, _now())
            return store.push(session, desk, batch, digest, _now())

    @api.get(
        f"{API_PREFIX}/stored/{{sha256}}",
        response_model=StoredFile,
        responses=_PROBLEMS,
        tags=["files"],
    )
    def stored(
        desk: SignedDesk,
        sha256: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")],
    ) -> StoredFile:
        """Whether a scan with this SHA-256 arrived whole: the desk asks before it uploads and
        after, and marks the scan sent only on this answer."""
        with writing() as session:
            store.remember_nonce(session, desk, _now())
            return StoredFile(sha256=sha256, stored=uploads.stored_in(session, sha256))

    @api.get(f"{API_PREFIX}/feed", response_model=FeedPage, responses=_PROBLEMS, tags=["sync"])
    def feed(
        desk: SignedDesk,
        after: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=protocol.MAX_FEED_PAGE)] = 1000,
    ) -> FeedPage:
        """The changes for the desk's office after ``after``, in the server's order."""
        with writing() as session:
            store.remember_nonce(session, desk, _now())
            return store.feed(session, desk, after, limit, _now())

    return api


def app_from_environment() -> FastAPI:
    """For ``uvicorn --factory`` and its worker processes: the database from the environment."""
    url = os.environ.get(DATABASE_ENV)
    if not url:
        raise RuntimeError(f"{DATABASE_ENV} names no database")
    return create_app(Database(url))
