"""The desk's HTTP client of the central server: signs, compresses, and says what went wrong in
the clerk's words.

A refusal from the server arrives as a problem code; the desk translates the code (the server's
own sentence, in English, goes to the log). A link that is down is not an error of the desk: it
is the normal state of a remote office, and sync simply tries again later.
"""

from __future__ import annotations

import base64
import gzip
import logging
import time
import uuid
from datetime import datetime
from typing import Final, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from app.errors import DeskError
from app.i18n import N_, _
from app.security.keys import SigningKey
from app.sync import protocol
from app.sync.protocol import (
    API_PREFIX,
    FILES_PATH,
    EnrolAnswer,
    EnrolRequest,
    FeedPage,
    PushAnswer,
    PushBatch,
    ServerTime,
    StoredFile,
)
from app.sync.signing import sign_request

log = logging.getLogger(__name__)
# httpx logs every request at INFO: the desk's log keeps refusals and faults, not each call.
logging.getLogger("httpx").setLevel(logging.WARNING)

# Generous for a 64 kbit/s link with 2 s of latency: a batch of a few hundred records is
# tens of kilobytes compressed. Connecting fails fast so that an office offline stays calm.
TIMEOUT: Final = httpx.Timeout(120.0, connect=10.0)
_Answer = TypeVar("_Answer", bound=BaseModel)
_TUS: Final = {"Tus-Resumable": "1.0.0"}

_REFUSALS: Final[dict[str, str]] = {
    "bad_enrol_code": N_(
        "The centre does not accept this enrolment code: it is mistyped, used already or "
        "expired. Ask the centre for a new code."
    ),
    "desk_revoked": N_(
        "The centre has revoked this desk's enrolment. Work goes on offline; ask the centre "
        "before enrolling again."
    ),
    "clock_skew": N_(
        "This computer's clock is far from the centre's. Correct the date and time, then sync."
    ),
    "not_authenticated": N_(
        "The centre does not recognise this desk. Ask the administrator to enrol it again."
    ),
    "key_in_use": N_("Another desk enrolled with this desk's key already. Ask the centre."),
    "unknown_office": N_("The centre does not know this desk's office. Ask the centre."),
}


class SyncError(DeskError):
    """Sync could not be done now; what is waiting stays waiting."""


class OfflineError(SyncError):
    """The centre cannot be reached: no link, or it did not answer in time."""


class RefusedError(SyncError):
    """The centre answered, and refused."""

    def __init__(self, message: str, *, code: str, status: int, detail: str = "") -> None:
        super().__init__(message, detail=detail)
        self.code = code
        self.status = status


class SyncClient:
    """One server, one desk identity (None before enrolment)."""

    def __init__(
        self,
        server_url: str,
        *,
        desk_id: uuid.UUID | None = None,
        key: SigningKey | None = None,
        clock_offset: float = 0.0,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = TIMEOUT,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self.desk_id = desk_id
        self._key = key
        # Seconds to add to this computer's clock to get the server's: requests are signed with
        # the server's time, so a desk whose clock is off still syncs (and is warned).
        self.clock_offset = clock_offset
        self._http = httpx.Client(
            base_url=self.server_url, timeout=timeout, transport=transport, http2=False
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- requests ---------------------------------------------------------------------------

    def server_time(self) -> datetime:
        """The server's clock; also sets the offset this client signs with."""
        before = time.time()
        answer = self._send("GET", f"{API_PREFIX}/time", ServerTime, signed=False)
        after = time.time()
        # Half the round trip: the server read its clock about then.
        self.clock_offset = answer.server_time.timestamp() - (before + after) / 2
        return answer.server_time

    def enrol(self, request: EnrolRequest) -> EnrolAnswer:
        return self._send(
            "POST",
            f"{API_PREFIX}/enrol",
            EnrolAnswer,
            body=request,
            signed=False,
        )

    def push(self, batch: PushBatch) -> PushAnswer:
        return self._send("POST", f"{API_PREFIX}/push", PushAnswer, body=batch)

    def feed(self, after: int, limit: int = 1000) -> FeedPage:
        return self._send("GET", f"{API_PREFIX}/feed?after={after}&limit={limit}", FeedPage)

    # --- the one way out --------------------------------------------------------------------

    def _send(
        self,
        method: str,
        target: str,
        answer_type: type[_Answer],
        *,
        body: BaseModel | None = None,
        signed: bool = True,
    ) -> _Answer:
        # pydantic writes the JSON in Rust: ten thousand records take milliseconds.
        data = b"" if body is None else body.model_dump_json().encode()
        headers = {"Accept": "application/json"}
        content: bytes | None = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            # Records compress about tenfold: what matters on a slow rural link.
            if len(data) > 1024:
                # Level 1: nearly all of the gain for a fraction of the time.
                content = gzip.compress(data, compresslevel=1)
                headers["Content-Encoding"] = "gzip"
            else:
                content = data
        response = self._request(
            method, target, headers=headers, signed_body=data, content=content, signed=signed
        )
        try:
            return answer_type.model_validate_json(response.content)
        except ValidationError as error:
            raise SyncError(
                _("The centre's answer cannot be read. Ask the administrator."),
                detail=f"{response.status_code}: {error}",
            ) from error

    def _request(
        self,
        method: str,
        target: str,
        *,
        headers: dict[str, str],
        signed_body: bytes = b"",
        content: bytes | None = None,
        signed: bool = True,
    ) -> httpx.Response:
        """Sign (the body as it is before compression), send, and turn faults into words."""
        headers = self._resigned(method, target, headers, signed_body, signed)
        try:
            try:
                response = self._http.request(method, target, content=content, headers=headers)
            except httpx.RemoteProtocolError:
                # A kept-alive connection the server closed meanwhile (idle timeout, a restart):
                # once more on a fresh one. Every request here is safe to repeat: a push has
                # its batch id, a chunk its offset, and the nonce is signed anew.
                headers = self._resigned(method, target, headers, signed_body, signed)
                response = self._http.request(method, target, content=content, headers=headers)
        except httpx.TransportError as error:
            log.info("centre not reachable: %r", error)
            raise OfflineError(
                _("The centre cannot be reached now; the desk keeps working and tries again."),
                detail=repr(error),
            ) from error
        if response.status_code >= 400:
            raise self._refusal(response)
        return response

    def _resigned(
        self, method: str, target: str, headers: dict[str, str], body: bytes, signed: bool
    ) -> dict[str, str]:
        if not signed:
            return headers
        if self.desk_id is None or self._key is None:
            raise SyncError(_("This desk is not enrolled with the centre yet."))
        return headers | sign_request(
            self._key,
            self.desk_id,
            method=method,
            target=target,
            body=body,
            timestamp=int(time.time() + self.clock_offset),
        )

    # --- scans: the tus protocol ------------------------------------------------------------

    def stored(self, sha256: str) -> bool:
        """Whether the centre holds this scan whole."""
        return self._send("GET", f"{API_PREFIX}/stored/{sha256}", StoredFile).stored

    def upload_create(self, length: int, metadata: dict[str, str]) -> str:
        """Announce an upload; the path at which to send its bytes."""
        encoded = ",".join(
            f"{key} {base64.b64encode(value.encode()).decode('ascii')}"
            for key, value in metadata.items()
        )
        response = self._request(
            "POST",
            f"{FILES_PATH}/",
            headers={**_TUS, "Upload-Length": str(length), "Upload-Metadata": encoded},
        )
        location = response.headers.get("Location", "")
        path = str(urlsplit(location).path)
        if not path.startswith(FILES_PATH):
            raise SyncError(
                _("The centre's answer cannot be read. Ask the administrator."),
                detail=f"upload location {location!r}",
            )
        return path

    def upload_offset(self, path: str) -> int | None:
        """How much of an upload the centre holds; None when it no longer knows it."""
        try:
            response = self._request("HEAD", path, headers=dict(_TUS))
        except RefusedError as refused:
            if refused.status in (404, 410):
                return None
            raise
        return int(response.headers.get("Upload-Offset", "0"))

    def upload_chunk(self, path: str, offset: int, chunk: bytes) -> int:
        """Send bytes from ``offset`` on; the new offset the centre confirms."""
        response = self._request(
            "PATCH",
            path,
            headers={
                **_TUS,
                "Content-Type": "application/offset+octet-stream",
                "Upload-Offset": str(offset),
            },
            signed_body=chunk,
            content=chunk,
        )
        return int(response.headers.get("Upload-Offset", str(offset + len(chunk))))

    @staticmethod
    def _refusal(response: httpx.Response) -> SyncError:
        try:
            problem = protocol.Problem.model_validate_json(response.content)
            code, detail = problem.code, problem.detail
        except ValidationError:
            code, detail = "http_error", response.text[:500]
        log.warning("centre refused (%s %s): %s", response.status_code, code, detail)
        if response.status_code >= 500:
            return OfflineError(
                _("The centre has a fault right now; the desk tries again later."),
                detail=f"{response.status_code} {detail}",
            )
        message = _REFUSALS.get(code)
        text = (
            _(message)
            if message
            else _("The centre refused the request ({code}). Ask the administrator.").format(
                code=code
            )
        )
        return RefusedError(text, code=code, status=response.status_code, detail=detail)
