"""The folder network scanners save into: complete files taken once, then moved away."""

from __future__ import annotations

import time
from pathlib import Path

from app.scanning.watch import WatchedFolder
from tests.support.pages import a4_page


class Ticks:
    """A clock the test moves: the folder waits for files to settle by it."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _scan(folder: Path, name: str, dpi: int = 50) -> Path:
    path = folder / name
    a4_page(dpi).save(path, dpi=(dpi, dpi))
    return path


def test_a_settled_file_is_taken_once_and_moved(tmp_path: Path) -> None:
    ticks = Ticks()
    folder = WatchedFolder(tmp_path, settle_seconds=2.0, clock=ticks)
    _scan(tmp_path, "scan_0001.png")
    assert folder.poll() == []  # just seen: it may still be growing
    ticks.now = 1.0
    assert folder.poll() == []  # not settled long enough
    ticks.now = 2.5
    [arrival] = folder.poll()
    assert arrival.name == "scan_0001.png"
    assert arrival.problem is None
    assert len(arrival.pages) == 1 and arrival.pages[0].dpi == 50
    assert arrival.moved_to == tmp_path / "processed" / "scan_0001.png"
    assert arrival.moved_to.is_file()
    assert not (tmp_path / "scan_0001.png").exists()
    ticks.now = 10.0
    assert folder.poll() == []


def test_a_file_still_growing_waits(tmp_path: Path) -> None:
    ticks = Ticks()
    folder = WatchedFolder(tmp_path, settle_seconds=1.0, clock=ticks)
    complete = tmp_path / "source.png"
    a4_page(50).save(complete)
    data = complete.read_bytes()
    complete.unlink()
    growing = tmp_path / "incoming.png"
    growing.write_bytes(data[:1000])
    assert folder.poll() == []
    ticks.now = 5.0
    growing.write_bytes(data[:5000])  # the scanner is still writing
    assert folder.poll() == []
    ticks.now = 10.0
    growing.write_bytes(data)
    assert folder.poll() == []
    ticks.now = 12.0
    [arrival] = folder.poll()
    assert arrival.problem is None and len(arrival.pages) == 1


def test_a_bad_file_is_reported_and_put_aside(tmp_path: Path) -> None:
    ticks = Ticks()
    folder = WatchedFolder(tmp_path, settle_seconds=0.0, clock=ticks)
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4 this scanner gave up half-way")
    folder.poll()
    [arrival] = folder.poll()
    assert arrival.pages == ()
    assert arrival.problem is not None and "scan.pdf is damaged or incomplete" in arrival.problem
    assert arrival.moved_to == tmp_path / "failed" / "scan.pdf"
    assert folder.poll() == []


def test_unfinished_hidden_and_foreign_files_are_left_alone(tmp_path: Path) -> None:
    ticks = Ticks()
    folder = WatchedFolder(tmp_path, settle_seconds=0.0, clock=ticks)
    for name in ("scan.pdf.part", ".scan.png", "scan.tmp", "~scan.png", "readme.txt"):
        (tmp_path / name).write_bytes(b"x")
    folder.poll()
    assert folder.poll() == []
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        ["scan.pdf.part", ".scan.png", "scan.tmp", "~scan.png", "readme.txt"]
    )


def test_a_name_taken_in_processed_gets_another(tmp_path: Path) -> None:
    ticks = Ticks()
    folder = WatchedFolder(tmp_path, settle_seconds=0.0, clock=ticks)
    (tmp_path / "processed").mkdir()
    (tmp_path / "processed" / "scan.png").write_bytes(b"yesterday's")
    _scan(tmp_path, "scan.png")
    folder.poll()
    [arrival] = folder.poll()
    assert arrival.moved_to is not None and arrival.moved_to.name != "scan.png"
    assert arrival.moved_to.parent == tmp_path / "processed"
    assert (tmp_path / "processed" / "scan.png").read_bytes() == b"yesterday's"


def test_with_the_real_clock(tmp_path: Path) -> None:
    folder = WatchedFolder(tmp_path, settle_seconds=0.2)
    _scan(tmp_path, "network-scan.png")
    assert folder.poll() == []
    time.sleep(0.3)
    assert [arrival.name for arrival in folder.poll()] == ["network-scan.png"]
