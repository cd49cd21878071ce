"""Every request is the enrolled desk's own: unsigned, forged, replayed, skewed or revoked
requests are refused, and a desk sees only its office's changes."""

from __future__ import annotations

import gzip
import json
import time
import uuid

import httpx
import pytest

from app.security.desk_key import load_or_create
from app.security.keys import generate_signing_key, public_key_to_pem
from app.sync.client import RefusedError, SyncClient
from app.sync.protocol import EnrolRequest, PushBatch
from app.sync.run import sync_once
from app.sync.signing import sign_request
from app.sync.state import sync_status
from tests.server.conftest import Desk
from tests.support.central import CentralServer
from tests.support.submitted import submit_temporary_residence


def _identity(desk: Desk) -> tuple[uuid.UUID, str]:
    status = sync_status(desk.core)
    assert status.enrolment is not None
    return status.enrolment.remote_desk_id, status.enrolment.server_url


def _empty_batch() -> bytes:
    return json.dumps({"batch_id": str(uuid.uuid4()), "records": []}).encode()


def test_an_unsigned_request_is_refused(enrolled: Desk, central: CentralServer) -> None:
    response = httpx.post(f"{central.url}/v1/push", content=_empty_batch())
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert httpx.get(f"{central.url}/v1/feed").status_code == 401


def test_a_request_signed_with_another_key_is_refused(
    enrolled: Desk, central: CentralServer
) -> None:
    desk_id, url = _identity(enrolled)
    body = _empty_batch()
    headers = sign_request(
        generate_signing_key(),
        desk_id,
        method="POST",
        target="/v1/push",
        body=body,
        timestamp=int(time.time()),
    )
    response = httpx.post(f"{url}/v1/push", content=body, headers=headers)
    assert response.status_code == 401


def test_a_replayed_request_is_refused(enrolled: Desk, central: CentralServer) -> None:
    desk_id, url = _identity(enrolled)
    body = _empty_batch()
    headers = sign_request(
        load_or_create(enrolled.config).signing_key,
        desk_id,
        method="POST",
        target="/v1/push",
        body=body,
        timestamp=int(time.time()),
    )
    headers["Content-Type"] = "application/json"
    assert httpx.post(f"{url}/v1/push", content=body, headers=headers).status_code == 200
    again = httpx.post(f"{url}/v1/push", content=body, headers=headers)
    assert again.status_code == 401
    assert again.json()["code"] == "replayed"
    # The same signature on another body is a forgery.
    other = httpx.post(f"{url}/v1/push", content=_empty_batch(), headers=headers)
    assert other.status_code == 401


def test_a_request_far_from_the_servers_time_is_refused_and_named(
    enrolled: Desk, central: CentralServer
) -> None:
    desk_id, url = _identity(enrolled)
    key = load_or_create(enrolled.config).signing_key
    with SyncClient(url, desk_id=desk_id, key=key, clock_offset=-3600) as client:
        with pytest.raises(RefusedError) as refused:
            client.feed(0)
        assert refused.value.code == "clock_skew"
        assert "clock" in str(refused.value)
        # Measuring the offset first, as every sync does, signs with the server's time.
        client.server_time()
        assert client.feed(0).last_seq > 0


def test_a_revoked_desk_is_refused(enrolled: Desk, central: CentralServer) -> None:
    desk_id, _url = _identity(enrolled)
    central.command("revoke-desk", str(desk_id))
    submit_temporary_residence(enrolled.core, enrolled.clerk)
    pending = sync_status(enrolled.core).pending
    with pytest.raises(RefusedError) as refused:
        sync_once(enrolled.core, enrolled.config)
    assert refused.value.code == "desk_revoked"
    status = sync_status(enrolled.core)
    assert status.pending == pending  # nothing lost: it waits
    assert status.last_error == str(refused.value)


def test_a_desk_sees_only_its_offices_changes(enrolled: Desk, central: CentralServer) -> None:
    application = submit_temporary_residence(enrolled.core, enrolled.clerk)
    sync_once(enrolled.core, enrolled.config)
    central.command("decide", application.number or "", "approve")
    other_key = generate_signing_key()
    with SyncClient(central.url) as anonymous:
        answer = anonymous.enrol(
            EnrolRequest(
                code=central.enrol_code("BAK"),
                desk_name="Baku 1",
                public_key_pem=public_key_to_pem(other_key.public_key()).decode(),
            )
        )
    with SyncClient(central.url, desk_id=answer.desk_id, key=other_key) as baku:
        kinds = {change.kind.value for change in baku.feed(0).changes}
    assert "decision" not in kinds and "permit" not in kinds
    assert "masterdata" in kinds and "trusted_key" in kinds


def test_bad_bodies_get_clear_refusals(enrolled: Desk, central: CentralServer) -> None:
    desk_id, url = _identity(enrolled)
    key = load_or_create(enrolled.config).signing_key

    def post(body: bytes, *, compressed: bytes | None = None) -> httpx.Response:
        headers = sign_request(
            key, desk_id, method="POST", target="/v1/push", body=body, timestamp=int(time.time())
        )
        headers["Content-Type"] = "application/json"
        if compressed is not None:
            headers["Content-Encoding"] = "gzip"
        return httpx.post(f"{url}/v1/push", content=compressed or body, headers=headers)

    not_json = post(b"{not json")
    assert not_json.status_code == 422
    assert not_json.json()["code"] == "invalid"
    unknown_field = post(
        json.dumps({"batch_id": str(uuid.uuid4()), "records": [], "x": 1}).encode()
    )
    assert unknown_field.status_code == 422
    bomb_body = b"[" + b" " * (40 * 1024 * 1024) + b"]"
    bomb = post(bomb_body, compressed=gzip.compress(bomb_body))
    assert bomb.status_code == 413
    assert PushBatch.model_json_schema()["title"] == "PushBatch"
