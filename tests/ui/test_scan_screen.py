"""The Scan screen as a clerk uses it, against SANE's "test" backend (a real driver through
scanimage): pages arrive one by one with progress and Cancel keeps them; pages are turned,
moved, deleted and scanned again by keys; files are imported, a damaged one named; a scanner
unplugged mid-scan keeps its pages; files a network scanner leaves in this computer's scan
folder come in; the choices are kept across restarts; the document is attached to an
application's checklist item, which then shows as received."""

from __future__ import annotations

import io
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.bootstrap import start_core
from app.clock import ManualClock
from app.config import Config, load_config
from app.domain.applications import ApplicationForm
from app.filestore import FileStore, sha256_of
from app.mrz import MrzFormat
from app.scanning.model import ScanSource
from app.services import applications, attachments
from tests.support.actors import demo_actor
from tests.support.pages import a4_page, blank_page
from tests.support.passport_images import sample
from tests.support.scanner import real_scanimage, sane_config, unplugging_scanimage
from tests.ui.conftest import Desk, open_desk
from tests.ui.test_login_lock_language import _log_in
from ui.main_window import SCREENS
from ui.scan_jobs import Acquired
from ui.screens.applications import ApplicationsScreen
from ui.screens.intake import IntakeScreen
from ui.screens.scan import ScanScreen

SERVICE = "registration_stay"  # its checklist: application_form, passport_copy, housing_document
FEEDER_PAGES = 10  # what the test backend's feeder holds
DPI = 100  # the lowest the test device offers: small pages, quick tests
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def draft_id(demo_config: tuple[Config, dict[str, str]], clock: ManualClock) -> uuid.UUID:
    """A draft registration whose application form is in; the other documents are not."""
    config, _passwords = demo_config
    started = start_core(config, clock=clock)
    try:
        clerk = demo_actor(started.core, "clerk")
        form = ApplicationForm(service_code=SERVICE, received=("application_form",))
        return applications.save_draft(started.core, clerk, form).value.id
    finally:
        started.core.database.dispose()


def _desk(qtbot: QtBot, config: Config, passwords: dict[str, str]) -> Iterator[Desk]:
    window, context = open_desk(qtbot, config)
    yield Desk(window, context, passwords)
    context.ops.shutdown()
    if context.core is not None:
        context.core.database.dispose()


@pytest.fixture
def scanner_desk(
    qtbot: QtBot,
    demo_config: tuple[Config, dict[str, str]],
    draft_id: uuid.UUID,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Desk]:
    """The demo desk, its scanners those of SANE's test backend (set before the screen is
    built: the backend takes the environment when it is made)."""
    real_scanimage()
    monkeypatch.setenv("SANE_CONFIG_DIR", str(sane_config(tmp_path / "sane")))
    yield from _desk(qtbot, *demo_config)


@pytest.fixture
def slow_scanner_desk(
    qtbot: QtBot,
    demo_config: tuple[Config, dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Desk]:
    """As `scanner_desk`, each page taking about half a second, so Cancel lands mid-scan."""
    real_scanimage()
    config_dir = sane_config(tmp_path / "sane", read_delay_us=50_000)
    monkeypatch.setenv("SANE_CONFIG_DIR", str(config_dir))
    yield from _desk(qtbot, *demo_config)


@pytest.fixture
def unplugging_desk(
    qtbot: QtBot,
    demo_config: tuple[Config, dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Desk]:
    """As `scanner_desk`, the scanner lost after two pages of the feeder."""
    monkeypatch.setenv("SANE_CONFIG_DIR", str(sane_config(tmp_path / "sane")))
    folder = unplugging_scanimage(tmp_path / "bin", after=2)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    yield from _desk(qtbot, *demo_config)


def _go_to(qtbot: QtBot, desk: Desk, key: str) -> None:
    row = [screen_key for screen_key, _spec, _title in SCREENS].index(key)
    qtbot.keyClick(
        desk.window.navigation, Qt.Key(Qt.Key.Key_1 + row), Qt.KeyboardModifier.AltModifier
    )


def open_scan(qtbot: QtBot, desk: Desk, source: ScanSource = ScanSource.FLATBED) -> ScanScreen:
    """Log in, press the screen's Alt+digit, wait for the test scanner and set it to ``DPI``."""
    _log_in(qtbot, desk, "clerk")
    _go_to(qtbot, desk, "scan")
    screen = desk.window.screens["scan"]
    assert isinstance(screen, ScanScreen)
    assert desk.window.pages.currentWidget() is screen
    settings = screen.settings
    qtbot.waitUntil(settings.ready_to_scan, timeout=10_000)
    device = settings.current_device()
    assert device is not None and device.id == "test:0"
    listed = [settings.device.itemText(row) for row in range(settings.device.count())]
    assert listed == ["Noname frontend-tester", "Noname frontend-tester", "Import files…"]
    settings.source.setCurrentIndex(settings.source.findData(source.value))
    settings.resolution.setCurrentIndex(settings.resolution.findData(DPI))
    assert settings.options().resolution == DPI and settings.options().source is source
    return screen


def _page_file(folder: Path, name: str, seed: int) -> Path:
    """A page of text at 50 dpi, taller than wide, so a quarter turn shows in its size."""
    path = folder / name
    a4_page(50, seed=seed, lines=8).save(path, dpi=(50, 50))
    return path


def _origins(screen: ScanScreen) -> list[str]:
    return [entry.page.origin for entry in screen.pages.list.entries]


def _choose_in_dialog(monkeypatch: pytest.MonkeyPatch, paths: list[Path]) -> None:
    """The file dialog answers as if the clerk picked ``paths`` (a stand-in: a modal dialog
    would wait for a person)."""

    def chosen(*_args: object, **_kwargs: object) -> tuple[list[str], str]:
        return [str(path) for path in paths], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(chosen))


def _scan(qtbot: QtBot, screen: ScanScreen, keys: Qt.KeyboardModifier = CTRL) -> Acquired:
    with qtbot.waitSignal(screen.sig_acquired, timeout=30_000) as finished:
        qtbot.keyClick(screen, Qt.Key.Key_S, keys)
    result = finished.args[0]
    assert isinstance(result, Acquired)
    return result


# --- scanning ----------------------------------------------------------------------------------


def test_feeder_pages_come_one_by_one_and_cancel_keeps_them(
    qtbot: QtBot, slow_scanner_desk: Desk
) -> None:
    screen = open_scan(qtbot, slow_scanner_desk, ScanSource.FEEDER)
    arrived: list[int] = []
    screen.sig_page_added.connect(arrived.append)
    with qtbot.waitSignal(screen.sig_acquired, timeout=60_000) as finished:
        qtbot.keyClick(screen, Qt.Key.Key_S, CTRL)
        assert screen.progress.isVisible() and screen.buttons["cancel"].isEnabled()
        assert not screen.buttons["attach"].isEnabled()  # nothing changes under a scan
        qtbot.waitUntil(lambda: screen.status.text().startswith("Scanning page"), timeout=10_000)
        qtbot.waitUntil(lambda: screen.pages.page_count() >= 2, timeout=20_000)
        # The feeder does not say how many pages it holds: the bar runs without an end.
        assert screen.progress.maximum() == 0
        assert screen.pages.preview.has_image()  # the page that came last is shown as it comes
        qtbot.keyClick(screen.pages.list, Qt.Key.Key_Escape)
    result = finished.args[0]
    assert isinstance(result, Acquired)
    assert result.cancelled and result.problems == ()
    assert 2 <= result.pages < FEEDER_PAGES
    assert arrived == list(range(1, result.pages + 1))  # one by one, as they came
    assert screen.pages.page_count() == result.pages
    assert _origins(screen)[:2] == [
        "Noname frontend-tester, page 1",
        "Noname frontend-tester, page 2",
    ]
    assert "cancelled; the pages scanned before are kept" in screen.message.text()
    assert not screen.progress.isVisible() and not screen.buttons["cancel"].isVisible()
    assert screen.buttons["attach"].isEnabled()
    image = screen.current_page_image()
    assert image is not None and image.size == (787, 787)  # 200 mm at 100 dpi
    assert all(not screen.pages.list.item(row).icon().isNull() for row in range(result.pages))


def test_closing_the_desk_mid_scan_stops_the_scanner(qtbot: QtBot, slow_scanner_desk: Desk) -> None:
    screen = open_scan(qtbot, slow_scanner_desk, ScanSource.FEEDER)
    qtbot.keyClick(screen, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: screen.pages.page_count() >= 1, timeout=20_000)
    started = time.monotonic()
    slow_scanner_desk.window.close()  # waits for the work under way, which stops at once
    assert time.monotonic() - started < 3  # the rest of the feeder would take some 4 s


def test_a_scanner_lost_mid_scan_keeps_its_pages_and_says_why(
    qtbot: QtBot, unplugging_desk: Desk
) -> None:
    screen = open_scan(qtbot, unplugging_desk, ScanSource.FEEDER)
    result = _scan(qtbot, screen)
    assert result.pages == 2 and not result.cancelled
    assert screen.pages.page_count() == 2
    assert screen.error.isVisible()
    assert screen.error.text() == (
        "The scanner stopped after 2 pages: the connection to the scanner was lost. The pages "
        "scanned are kept; check the scanner (cable, power, paper) and scan the rest."
    )
    assert "2 pages added." in screen.message.text()


def test_pages_are_turned_moved_deleted_and_scanned_again_by_keys(
    qtbot: QtBot, scanner_desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = open_scan(qtbot, scanner_desk)
    paths = [_page_file(tmp_path, f"p{n}.png", seed=n) for n in (1, 2, 3)]
    blank = tmp_path / "blank.png"
    blank_page(50).save(blank, dpi=(50, 50))
    _choose_in_dialog(monkeypatch, [paths[0], blank, paths[1], paths[2]])
    with qtbot.waitSignal(screen.sig_acquired, timeout=20_000) as finished:
        qtbot.mouseClick(screen.buttons["import"], Qt.MouseButton.LeftButton)
    result = finished.args[0]
    assert (result.pages, result.dropped) == (3, 1)
    assert screen.message.text() == "3 pages added. 1 blank page was left out."
    assert _origins(screen) == ["p1.png", "p2.png", "p3.png"]
    pages = screen.pages.list
    assert pages.hasFocus()  # the keys work on the pages straight away
    assert [pages.item(row).text() for row in range(3)] == ["Page 1", "Page 2", "Page 3"]

    pages.setCurrentRow(1)
    before = screen.current_page_image()
    assert before is not None and before.height > before.width
    qtbot.keyClick(pages, Qt.Key.Key_R, CTRL)  # a quarter to the right
    turned = screen.current_page_image()
    assert turned is not None
    assert turned.tobytes() == before.transpose(Image.Transpose.ROTATE_270).tobytes()
    qtbot.keyClick(pages, Qt.Key.Key_R, CTRL_SHIFT)
    qtbot.keyClick(pages, Qt.Key.Key_R, CTRL_SHIFT)  # back, then a quarter to the left
    turned = screen.current_page_image()
    assert turned is not None
    assert turned.tobytes() == before.transpose(Image.Transpose.ROTATE_90).tobytes()

    qtbot.keyClick(pages, Qt.Key.Key_Up, CTRL)
    assert _origins(screen) == ["p2.png", "p1.png", "p3.png"] and pages.currentRow() == 0
    qtbot.keyClick(pages, Qt.Key.Key_Down, CTRL)
    qtbot.keyClick(pages, Qt.Key.Key_Down, CTRL)
    assert _origins(screen) == ["p1.png", "p3.png", "p2.png"] and pages.currentRow() == 2
    assert [pages.item(row).text() for row in range(3)] == ["Page 1", "Page 2", "Page 3"]

    pages.setCurrentRow(1)
    qtbot.keyClick(pages, Qt.Key.Key_Delete)
    assert _origins(screen) == ["p1.png", "p2.png"] and pages.currentRow() == 1

    pages.setCurrentRow(0)
    result = _scan(qtbot, screen, CTRL_SHIFT)  # Ctrl+Shift+S: this page again, from the glass
    assert result.pages == 1
    assert _origins(screen) == ["Noname frontend-tester, page 1", "p2.png"]
    image = screen.current_page_image()
    assert pages.currentRow() == 0 and image is not None and image.size == (787, 787)

    # The scanner's settings are kept when the devices are listed again (F5).
    with qtbot.waitSignal(screen.sig_devices_listed, timeout=10_000):
        qtbot.keyClick(screen, Qt.Key.Key_F5)
    qtbot.waitUntil(screen.settings.ready_to_scan, timeout=10_000)
    assert screen.settings.options().resolution == DPI


def test_a_damaged_file_is_named_and_the_others_come_in(
    qtbot: QtBot, scanner_desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = open_scan(qtbot, scanner_desk)
    good = _page_file(tmp_path, "form.png", seed=4)
    damaged = tmp_path / "passport.png"
    whole = _page_file(tmp_path, "whole.png", seed=6).read_bytes()
    damaged.write_bytes(whole[: len(whole) // 2])  # a download cut short
    # "Import files…" is a device of the list: Scan then asks for the files.
    settings = screen.settings
    settings.device.setCurrentIndex(settings.device.count() - 1)
    assert settings.device.currentText() == "Import files…"
    assert settings.current_device() is None and not settings.resolution.isEnabled()
    _choose_in_dialog(monkeypatch, [damaged, good])
    with qtbot.waitSignal(screen.sig_acquired, timeout=20_000) as finished:
        qtbot.mouseClick(screen.buttons["scan"], Qt.MouseButton.LeftButton)
    result = finished.args[0]
    assert result.pages == 1
    assert _origins(screen) == ["form.png"]
    assert screen.error.isVisible()
    assert screen.error.text() == (
        "The file passport.png is damaged or incomplete and cannot be read. Ask for the file "
        "again, or scan the paper."
    )
    # Without an application there is nowhere to attach: the screen says where to choose one.
    with qtbot.waitSignal(screen.sig_failed) as failed:
        qtbot.keyClick(screen, Qt.Key.Key_Return, CTRL)
    assert failed.args[0].startswith("Choose the application first")
    # The choice of files is remembered when the devices are listed again.
    with qtbot.waitSignal(screen.sig_devices_listed, timeout=10_000):
        qtbot.keyClick(screen, Qt.Key.Key_F5)
    assert settings.current_device() is None


# --- the network scanners' folder, the choices kept ---------------------------------------------


def _watch_folder(
    qtbot: QtBot, desk: Desk, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> ScanScreen:
    """The clerk's Scan screen with ``folder`` as this computer's scan folder, chosen."""
    # Looked at often and taken soon, so the tests do not wait the seconds a desk does.
    monkeypatch.setattr(ScanScreen, "FOLDER_POLL_MS", 100)
    monkeypatch.setattr(ScanScreen, "FOLDER_SETTLE_SECONDS", 0.2)
    desk.context.config = replace(desk.context.config, scan_folder=str(folder))
    _log_in(qtbot, desk, "clerk")
    _go_to(qtbot, desk, "scan")
    screen = desk.window.screens["scan"]
    assert isinstance(screen, ScanScreen)
    device = screen.settings.device
    qtbot.waitUntil(lambda: device.findText("Network scanner folder") >= 0, timeout=10_000)
    assert device.itemText(device.count() - 1) == "Import files…"
    device.setCurrentIndex(device.findText("Network scanner folder"))
    assert screen.settings.folder_chosen() and screen.settings.current_device() is None
    return screen


def _finish_scan(folder: Path, name: str, data: bytes) -> None:
    """As a network scanner saves: written under another name, then renamed whole."""
    partial = folder / f"{name}.part"
    partial.write_bytes(data)
    partial.replace(folder / name)


def test_a_file_a_network_scanner_saves_joins_the_pages(
    qtbot: QtBot, scanner_desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    incoming = tmp_path / "scanner-share"
    incoming.mkdir()
    screen = _watch_folder(qtbot, scanner_desk, incoming, monkeypatch)
    _finish_scan(incoming, "scan_0001.png", _page_file(tmp_path, "p.png", seed=2).read_bytes())
    qtbot.waitUntil(lambda: screen.message.text() == "1 page added.", timeout=20_000)
    assert _origins(screen) == ["scan_0001.png"]
    assert (incoming / "processed" / "scan_0001.png").is_file()
    assert not (incoming / "scan_0001.png").exists()
    # The folder is what the clerk chose: it is chosen again after a restart.
    qtbot.waitUntil(lambda: load_config().scanner.get("device") == "scan-folder", timeout=10_000)


def test_a_damaged_file_in_the_scan_folder_is_named(
    qtbot: QtBot, scanner_desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    incoming = tmp_path / "scanner-share"
    incoming.mkdir()
    screen = _watch_folder(qtbot, scanner_desk, incoming, monkeypatch)
    whole = _page_file(tmp_path, "whole.png", seed=7).read_bytes()
    _finish_scan(incoming, "scan_0002.png", whole[: len(whole) // 2])
    qtbot.waitUntil(screen.error.isVisible, timeout=20_000)
    assert screen.error.text() == (
        "The file scan_0002.png is damaged or incomplete and cannot be read. Ask for the file "
        "again, or scan the paper."
    )
    assert screen.pages.page_count() == 0
    assert (incoming / "failed" / "scan_0002.png").is_file()


def test_the_chosen_settings_come_back_after_a_restart(qtbot: QtBot, scanner_desk: Desk) -> None:
    open_scan(qtbot, scanner_desk)  # the resolution set to DPI, not the usual 300 dpi
    qtbot.waitUntil(lambda: load_config().scanner.get("resolution") == DPI, timeout=10_000)
    assert load_config().scanner["device"] == "test:0"
    assert load_config().scanner["source"] == ScanSource.FLATBED.value
    # A new screen from the settings file, as the desk builds it after a restart.
    context = scanner_desk.context
    context.config = replace(context.config, scanner=load_config().scanner)
    again = ScanScreen(context)
    qtbot.addWidget(again)
    again.refresh()
    qtbot.waitUntil(again.settings.ready_to_scan, timeout=10_000)
    device = again.settings.current_device()
    assert device is not None and device.id == "test:0"
    assert again.settings.options().resolution == DPI


# --- attaching ---------------------------------------------------------------------------------


def test_scanned_pages_attached_from_the_applications_screen_are_received(
    qtbot: QtBot,
    scanner_desk: Desk,
    draft_id: uuid.UUID,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = open_scan(qtbot, scanner_desk)
    _scan(qtbot, screen)
    _choose_in_dialog(monkeypatch, [_page_file(tmp_path, "back.png", seed=5)])
    with qtbot.waitSignal(screen.sig_acquired, timeout=20_000):
        qtbot.keyClick(screen, Qt.Key.Key_O, CTRL)
    assert _origins(screen) == ["Noname frontend-tester, page 1", "back.png"]

    _go_to(qtbot, scanner_desk, "applications")
    listing = scanner_desk.window.screens["applications"]
    assert isinstance(listing, ApplicationsScreen)
    qtbot.waitUntil(lambda: listing.selected() is not None, timeout=10_000)
    qtbot.waitUntil(lambda: "Passport copy — missing" in listing.detail.text(), timeout=10_000)
    assert listing.scan_button.isEnabled()
    with qtbot.waitSignal(screen.target.sig_shown, timeout=10_000):
        qtbot.keyClick(listing.table, Qt.Key.Key_D, CTRL)  # "Scan a document…"
    assert scanner_desk.window.pages.currentWidget() is screen
    assert screen.target.target is not None
    assert screen.target.target.application.id == draft_id
    assert screen.target.item_key() == "passport_copy"  # the first document still missing
    assert screen.pages.page_count() == 2  # the pages waited

    with qtbot.waitSignal(screen.sig_attached, timeout=30_000) as attached:
        qtbot.keyClick(screen.pages.list, Qt.Key.Key_Return, CTRL)
    attachment = attached.args[0]
    assert attachment.application_id == draft_id
    assert attachment.checklist_key == "passport_copy" and attachment.pages == 2
    assert screen.message.text() == "The document (2 pages) was attached as “Passport copy”."
    assert screen.pages.page_count() == 0

    # The stored file is the PDF of both pages, under its own hash.
    files = FileStore.of(scanner_desk.context.config)
    data = files.path_of(attachment.sha256).read_bytes()
    assert sha256_of(data) == attachment.sha256 and len(data) == attachment.size
    document = pdfium.PdfDocument(io.BytesIO(data))
    try:
        assert len(document) == 2
    finally:
        document.close()

    # Received: in the core, in the Scan screen's checklist and at Applications.
    core = scanner_desk.context.require_core()
    clerk = scanner_desk.context.actor
    received = applications.get_application(core, clerk, draft_id).received
    assert received == ("application_form", "passport_copy")
    assert attachments.attachments_of(core, clerk, draft_id) == [attachment]
    qtbot.waitUntil(
        lambda: screen.target.item.itemText(1) == "Passport copy — received", timeout=10_000
    )
    _go_to(qtbot, scanner_desk, "applications")
    qtbot.waitUntil(lambda: "Passport copy — received" in listing.detail.text(), timeout=10_000)


# --- the passport read from its page -----------------------------------------------------------


def test_a_scanned_passport_page_fills_the_intake_form(
    qtbot: QtBot, scanner_desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = open_scan(qtbot, scanner_desk)
    document = sample(7, MrzFormat.TD3, 300, angle=1.5, blur=0.6)
    path = tmp_path / "passport.png"
    document.image.save(path, dpi=(300, 300))
    settings = screen.settings
    settings.device.setCurrentIndex(settings.device.count() - 1)  # "Import files…"
    _choose_in_dialog(monkeypatch, [path])
    with qtbot.waitSignal(screen.sig_acquired, timeout=20_000):
        qtbot.mouseClick(screen.buttons["scan"], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(screen.sig_passport_read, timeout=20_000) as read:
        qtbot.keyClick(screen, Qt.Key.Key_F6)
    assert read.args[0].result.lines == document.lines
    window = scanner_desk.window
    qtbot.waitUntil(lambda: isinstance(window.pages.currentWidget(), IntakeScreen), timeout=10_000)
    intake = window.pages.currentWidget()
    assert isinstance(intake, IntakeScreen)
    surname = read.args[0].result.surname
    # The applicant from the zone: a new record (or the holder of the document) is chosen.
    qtbot.waitUntil(lambda: surname in intake.chosen.text(), timeout=20_000)


def test_a_page_without_a_passport_says_so(
    qtbot: QtBot, scanner_desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = open_scan(qtbot, scanner_desk)
    settings = screen.settings
    settings.device.setCurrentIndex(settings.device.count() - 1)
    _choose_in_dialog(monkeypatch, [_page_file(tmp_path, "letter.png", seed=9)])
    with qtbot.waitSignal(screen.sig_acquired, timeout=20_000):
        qtbot.mouseClick(screen.buttons["scan"], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(screen.sig_failed, timeout=20_000) as failed:
        qtbot.keyClick(screen, Qt.Key.Key_F6)
    assert "machine-readable" in failed.args[0] or "MRZ" in failed.args[0]


def test_the_passport_portrait_becomes_the_card_photo_of_the_application(
    qtbot: QtBot,
    scanner_desk: Desk,
    *,
    demo_config: tuple[Config, dict[str, str]],
    clock: ManualClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config, _passwords = demo_config
    started = start_core(config, clock=clock)
    try:
        clerk = demo_actor(started.core, "clerk")
        form = ApplicationForm(service_code="temp_residence", received=("application_form",))
        application_id = applications.save_draft(started.core, clerk, form).value.id
    finally:
        started.core.database.dispose()
    screen = open_scan(qtbot, scanner_desk)
    with qtbot.waitSignal(screen.target.sig_shown, timeout=10_000):
        scanner_desk.window.open_record("scan", application_id)
    document = sample(11, MrzFormat.TD3, 300)
    path = tmp_path / "passport.png"
    document.image.save(path, dpi=(300, 300))
    settings = screen.settings
    settings.device.setCurrentIndex(settings.device.count() - 1)  # "Import files…"
    _choose_in_dialog(monkeypatch, [path])
    with qtbot.waitSignal(screen.sig_acquired, timeout=20_000):
        qtbot.mouseClick(screen.buttons["scan"], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(screen.sig_attached, timeout=30_000) as attached:
        qtbot.keyClick(screen, Qt.Key.Key_F6)
    photo = attached.args[0]
    assert photo.application_id == application_id and photo.checklist_key == "photos"
    assert photo.media_type == "image/png"
    with Image.open(
        io.BytesIO(FileStore.of(scanner_desk.context.config).read(photo.sha256))
    ) as face:
        assert face.height > face.width  # a portrait
    assert scanner_desk.window.pages.currentWidget() is screen  # no new visitor at Intake
