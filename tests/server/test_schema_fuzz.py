"""schemathesis against the real server's own OpenAPI document: whatever it sends, signed by an
enrolled desk or not, the server answers with no server error, and its refusals are problems
(a code and a sentence)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from app.security.keys import SigningKey, generate_signing_key, public_key_to_pem
from app.sync.client import SyncClient
from app.sync.protocol import EnrolRequest
from app.sync.signing import sign_request
from tests.support.central import CentralServer


@dataclass
class FuzzTarget:
    central: CentralServer
    desk_id: uuid.UUID
    key: SigningKey


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzTarget]:
    server = CentralServer(home=Path(tmp_path_factory.mktemp("fuzz")) / "central")
    server.init()
    server.start()
    key = generate_signing_key()
    with SyncClient(server.url) as client:
        answer = client.enrol(
            EnrolRequest(
                code=server.enrol_code(),
                desk_name="fuzz desk",
                public_key_pem=public_key_to_pem(key.public_key()).decode(),
            )
        )
    yield FuzzTarget(server, answer.desk_id, key)
    server.stop()


def _send(target: FuzzTarget, case: Any, *, signed: bool) -> httpx.Response:
    kwargs = case.as_transport_kwargs(base_url=target.central.url)
    body = b""
    if kwargs.get("json") is not None:
        body = json.dumps(kwargs["json"]).encode()
    elif isinstance(kwargs.get("data"), bytes | str):
        data = kwargs["data"]
        body = data.encode() if isinstance(data, str) else data
    request = httpx.Request(
        kwargs["method"],
        kwargs["url"],
        params=kwargs.get("params"),
        # Framing is the HTTP client's business: a generated Content-Length would only make
        # the client refuse to send, never reach the server.
        headers={
            k: str(v)
            for k, v in (kwargs.get("headers") or {}).items()
            if k.lower() not in ("content-length", "transfer-encoding", "host")
        },
        content=body,
    )
    if body:
        request.headers["Content-Type"] = "application/json"
    if signed:
        target_path = request.url.raw_path.decode()
        request.headers.update(
            sign_request(
                target.key,
                target.desk_id,
                method=request.method,
                target=target_path,
                body=body,
                timestamp=int(time.time()),
            )
        )
    with httpx.Client(timeout=30) as client:
        return client.send(request)


def test_no_request_makes_a_server_error(target: FuzzTarget) -> None:
    api = schemathesis.openapi.from_url(f"{target.central.url}/openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]
    assert {operation.path for operation in operations} >= {"/v1/push", "/v1/feed", "/v1/enrol"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
        def each_case(case: Any) -> None:
            for signed in (False, True):
                response = _send(target, case, signed=signed)
                assert response.status_code < 500, (case.method, case.path, response.text[:500])
                if response.status_code >= 400 and case.method.upper() != "HEAD":
                    problem = response.json()
                    assert set(problem) == {"code", "detail"}, problem
                    assert problem["detail"]

        each_case()
