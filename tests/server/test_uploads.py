"""Scans go up to the centre after their records, resumable, checked by their SHA-256."""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Iterator

import numpy as np
import pytest
from PIL import Image

from app.db.models import AttachmentRow
from app.domain.users import Actor
from app.filestore import FileStore
from app.services import attachments
from app.sync.client import OfflineError
from app.sync.enrolment import enrol
from app.sync.run import client_for, sync_once
from tests.server.conftest import BOTH_DATABASES, Desk
from tests.support.central import CentralServer
from tests.support.submitted import submit_temporary_residence
from tests.support.tcp_proxy import TcpProxy


def _noise_png(size: int, seed: int) -> bytes:
    """A PNG of noise: it does not compress, so its size is what goes over the line."""
    side = int((size / 3) ** 0.5) + 1
    pixels = np.random.default_rng(seed).integers(0, 256, (side, side, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG", compress_level=0)
    return out.getvalue()


def _scan(desk: Desk, size: int, seed: int = 1) -> AttachmentRow:
    data = _noise_png(size, seed)
    attachment = attachments.store(
        desk.core, desk.clerk, FileStore.of(desk.config), data, media_type="image/png", pages=1
    ).value
    with desk.core.reading() as session:
        row = session.get(AttachmentRow, attachment.id)
        assert row is not None
        return row


def _uploaded_at(desk: Desk, row: AttachmentRow) -> object:
    with desk.core.reading() as session:
        fresh = session.get(AttachmentRow, row.id)
        assert fresh is not None
        return fresh.uploaded_at


@pytest.fixture
def proxy(central: CentralServer) -> Iterator[TcpProxy]:
    link = TcpProxy(target_port=central.port).start()
    yield link
    link.close()


@pytest.fixture
def linked(desk: Desk, central: CentralServer, proxy: TcpProxy) -> Desk:
    code = central.enrol_code()
    enrol(desk.core, desk.config, Actor.system("test"), server_url=proxy.url, code=code)
    return desk


def test_a_scan_goes_up_and_is_marked_sent_when_the_centre_holds_it(
    enrolled: Desk, central: CentralServer
) -> None:
    submit_temporary_residence(enrolled.core, enrolled.clerk)
    row = _scan(enrolled, 600_000)
    report = sync_once(enrolled.core, enrolled.config)
    assert report.scans is not None
    assert report.scans.uploaded == 1
    assert report.scans.bytes_sent == row.size
    assert _uploaded_at(enrolled, row) is not None
    with client_for(enrolled.core, enrolled.config) as client:
        assert client.stored(row.sha256)
        assert not client.stored(hashlib.sha256(b"never sent").hexdigest())
    again = sync_once(enrolled.core, enrolled.config)
    assert again.scans is not None and again.scans.uploaded == 0


@BOTH_DATABASES
def test_a_cut_upload_resumes_where_it_stopped(
    linked: Desk, central: CentralServer, proxy: TcpProxy
) -> None:
    row = _scan(linked, 900_000, seed=2)
    proxy.cut_after(500_000)  # the record goes up, then the link dies mid-file
    with pytest.raises(OfflineError):
        sync_once(linked.core, linked.config)
    with linked.core.reading() as session:
        cut = session.get(AttachmentRow, row.id)
        assert cut is not None
        assert cut.uploaded_at is None
        assert cut.upload_url is not None  # where to resume
    proxy.restore()
    report = sync_once(linked.core, linked.config)
    assert report.scans is not None and report.scans.uploaded == 1
    # Only the rest went over the line the second time.
    assert 0 < report.scans.bytes_sent < row.size
    assert _uploaded_at(linked, row) is not None


def test_a_scan_waits_for_its_record(linked: Desk, central: CentralServer, proxy: TcpProxy) -> None:
    row = _scan(linked, 50_000, seed=4)
    proxy.drop_next_answer(2)  # the push, and its retry: stored, never acknowledged
    with pytest.raises(OfflineError):
        sync_once(linked.core, linked.config)
    assert _uploaded_at(linked, row) is None
    report = sync_once(linked.core, linked.config)
    assert report.scans is not None and report.scans.uploaded == 1


def test_a_slow_far_link_still_delivers_a_scan(
    linked: Desk, central: CentralServer, proxy: TcpProxy
) -> None:
    """64 kbit/s and 2 s of latency each way."""
    sync_once(linked.core, linked.config)  # the set-up's own records, on a good line
    row = _scan(linked, 60_000, seed=5)
    proxy.latency, proxy.bytes_per_second = 2.0, 8000
    started = time.monotonic()
    report = sync_once(linked.core, linked.config)
    assert report.scans is not None and report.scans.uploaded == 1
    assert report.scans.bytes_sent == row.size
    assert time.monotonic() - started > 7  # 60 KB at 8 KB/s, and the round trips
    assert _uploaded_at(linked, row) is not None
