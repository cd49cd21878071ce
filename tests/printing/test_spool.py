"""Printing to real CUPS queues: the session's private cupsd with cups-pdf queues, whose
output is read back with pypdf."""

from __future__ import annotations

import io
import itertools
import shutil
import time
from pathlib import Path

import pypdf
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from printing.spool import (
    CARD_HEIGHT_MM,
    CARD_WIDTH_MM,
    CupsBackend,
    JobState,
    Media,
    PaperKind,
    PrinterError,
    PrinterState,
    parse_lpstat,
    system_backend,
)
from tests.support.cups import PdfQueue, PrivateCups

POINT_MM = 25.4 / 72
_names = itertools.count(1)


def _pdf(width: float, height: float, text: str) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(width, height))
    page.setFont("Helvetica", 9)
    page.drawString(4 * mm, height / 2, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _page_size_mm(path: Path) -> tuple[float, float]:
    box = pypdf.PdfReader(path).pages[0].mediabox
    return float(box.width) * POINT_MM, float(box.height) * POINT_MM


def _text(path: Path) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


@pytest.fixture
def queue(private_cups: PrivateCups) -> PdfQueue:
    """A fresh queue per test, so that stopping one leaves the others alone."""
    return private_cups.add_pdf_queue(f"Desk_PDF_{next(_names)}")


@pytest.fixture
def backend(private_cups: PrivateCups) -> CupsBackend:
    return CupsBackend(server=private_cups.server, timeout=30)


def _wait_for_state(backend: CupsBackend, job_id: str, timeout: float = 30) -> JobState:
    deadline = time.monotonic() + timeout
    state = backend.job_state(job_id)
    while state in (JobState.PENDING, JobState.PRINTING) and time.monotonic() < deadline:
        time.sleep(0.2)
        state = backend.job_state(job_id)
    return state


def test_an_a4_page_prints_and_its_text_comes_back(
    private_cups: PrivateCups, queue: PdfQueue, backend: CupsBackend
) -> None:
    pdf = _pdf(*A4, "Reception Desk A4 test page 4711")

    job = backend.submit(pdf, printer=queue.name, media=Media.a4(), title="A4 test")

    printed = private_cups.wait_for_output(queue, job.job_id)
    assert job.printer == queue.name
    assert "Reception Desk A4 test page 4711" in _text(printed)
    width, height = _page_size_mm(printed)
    assert width == pytest.approx(210, abs=1)
    assert height == pytest.approx(297, abs=1)
    assert backend.job_state(job.job_id) is JobState.COMPLETED


def test_a_card_prints_at_its_own_size_not_on_a4(
    private_cups: PrivateCups, queue: PdfQueue, backend: CupsBackend
) -> None:
    pdf = _pdf(CARD_WIDTH_MM * mm, CARD_HEIGHT_MM * mm, "Permit card 0815")

    job = backend.submit(pdf, printer=queue.name, media=Media.card(), title="Card")

    printed = private_cups.wait_for_output(queue, job.job_id)
    assert "Permit card 0815" in _text(printed)
    width, height = _page_size_mm(printed)
    # Ghostscript rounds the page to whole points (0.35 mm).
    assert width == pytest.approx(CARD_WIDTH_MM, abs=0.4)
    assert height == pytest.approx(CARD_HEIGHT_MM, abs=0.4)


def test_a_roll_document_keeps_its_width_and_length(
    private_cups: PrivateCups, queue: PdfQueue, backend: CupsBackend
) -> None:
    pdf = _pdf(80 * mm, 140 * mm, "Receipt 42")

    job = backend.submit(pdf, printer=queue.name, media=Media.roll(140), title="Receipt")

    width, height = _page_size_mm(private_cups.wait_for_output(queue, job.job_id))
    assert (width, height) == (pytest.approx(80, abs=0.4), pytest.approx(140, abs=0.4))


def test_list_printers_sees_the_queue_and_its_state(
    private_cups: PrivateCups, queue: PdfQueue, backend: CupsBackend
) -> None:
    private_cups.run("lpadmin", "-p", queue.name, "-D", "Front desk PDF")
    private_cups.run("lpadmin", "-d", queue.name)

    (found,) = [p for p in backend.list_printers() if p.name == queue.name]
    assert found.state is PrinterState.IDLE
    assert found.accepting_jobs
    assert found.is_default
    assert found.description == "Front desk PDF"

    private_cups.run("cupsdisable", "-r", "Out of paper", queue.name)
    (found,) = [p for p in backend.list_printers() if p.name == queue.name]
    assert found.state is PrinterState.STOPPED
    assert found.message == "Out of paper"

    private_cups.run("cupsreject", queue.name)
    (found,) = [p for p in backend.list_printers() if p.name == queue.name]
    assert not found.accepting_jobs


def test_a_stopped_printer_refuses_the_document_and_keeps_it(
    private_cups: PrivateCups, queue: PdfQueue, backend: CupsBackend
) -> None:
    private_cups.run("cupsdisable", "-r", "Paper jam", queue.name)
    pdf = _pdf(*A4, "kept")

    with pytest.raises(PrinterError) as raised:
        backend.submit(pdf, printer=queue.name, media=Media.a4(), title="Stopped")

    error = raised.value
    assert str(error) == (
        f"The printer “{queue.name}” is stopped: switch it on or choose another printer. "
        "The document is kept and can be printed again."
    )
    assert error.pdf == pdf
    assert error.printer == queue.name
    assert "Paper jam" in error.detail
    # Nothing was left in the queue to print by surprise when the printer comes back.
    pending = private_cups.run("lpstat", "-W", "not-completed", "-o", queue.name).stdout
    assert pending.strip() == ""


def test_a_printer_that_refuses_jobs_gives_a_clear_message(
    private_cups: PrivateCups, queue: PdfQueue, backend: CupsBackend
) -> None:
    private_cups.run("cupsreject", queue.name)

    with pytest.raises(PrinterError, match="is not accepting documents") as raised:
        backend.submit(b"%PDF-1.4", printer=queue.name, media=Media.a4(), title="Refused")
    assert raised.value.pdf == b"%PDF-1.4"


def test_an_unknown_printer_gives_a_clear_message(backend: CupsBackend) -> None:
    with pytest.raises(PrinterError) as raised:
        backend.submit(b"%PDF-1.4", printer="Nowhere", media=Media.card(), title="Lost")
    assert str(raised.value).startswith("There is no printer “Nowhere” (any more)")
    assert raised.value.pdf == b"%PDF-1.4"


@pytest.mark.parametrize("ipptool", [True, False], ids=["ipptool", "lpstat-only"])
def test_a_job_waiting_on_a_stopped_printer_is_reported_stopped(
    private_cups: PrivateCups,
    queue: PdfQueue,
    backend: CupsBackend,
    ipptool: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not ipptool:  # as where cups-ipp-utils is not installed
        monkeypatch.setattr(CupsBackend, "_ipp_job_state", lambda self, number: None)
    # Submitted behind the desk's back (straight to CUPS) while the printer was stopped.
    private_cups.run("cupsdisable", queue.name)
    pdf_file = private_cups.root / f"{queue.name}.pdf"
    pdf_file.write_bytes(_pdf(*A4, "waiting"))
    output = private_cups.run("lp", "-d", queue.name, str(pdf_file)).stdout
    job_id = output.split("request id is ")[1].split()[0]

    state = backend.job_state(job_id)

    assert state is JobState.STOPPED
    assert state.failed


def test_without_ipptool_a_printed_job_is_reported_finished(
    private_cups: PrivateCups,
    queue: PdfQueue,
    backend: CupsBackend,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(CupsBackend, "_ipp_job_state", lambda self, number: None)
    job = backend.submit(_pdf(*A4, "done"), printer=queue.name, media=Media.a4(), title="x")
    private_cups.wait_for_output(queue, job.job_id)

    assert backend.job_state(job.job_id) is JobState.FINISHED
    assert backend.job_state(f"{queue.name}-99999") is JobState.UNKNOWN


def test_a_job_the_printer_fails_is_reported_failed(
    private_cups: PrivateCups, backend: CupsBackend
) -> None:
    # cups-pdf gives up when its output folder cannot be made (here: below a plain file).
    blocker = private_cups.root / "not-a-folder"
    blocker.write_text("")
    broken = private_cups.add_pdf_queue(
        f"Broken_{next(_names)}", output=blocker / "out", **{"printer-error-policy": "abort-job"}
    )

    job = backend.submit(_pdf(*A4, "lost?"), printer=broken.name, media=Media.a4(), title="x")
    state = _wait_for_state(backend, job.job_id)

    if shutil.which("ipptool"):
        assert state in (JobState.CANCELED, JobState.ABORTED)
        assert state.failed
    else:
        assert state is JobState.FINISHED  # lpstat alone cannot tell how a job ended


def test_a_waiting_job_is_canceled_and_an_ended_one_left_as_it_is(
    private_cups: PrivateCups, backend: CupsBackend
) -> None:
    held = private_cups.add_pdf_queue(
        f"Held_{next(_names)}", **{"job-hold-until-default": "indefinite"}
    )
    job = backend.submit(_pdf(*A4, "held"), printer=held.name, media=Media.a4(), title="x")
    assert backend.job_state(job.job_id) is JobState.HELD

    backend.cancel(job.job_id)

    assert backend.job_state(job.job_id) is JobState.CANCELED
    backend.cancel(job.job_id)  # ended already: nothing to do, and no fault
    backend.cancel(f"{held.name}-99999")  # unknown to CUPS: the same


def test_canceling_without_the_print_service_says_so(private_cups: PrivateCups) -> None:
    backend = CupsBackend(server=str(private_cups.root / "no-such-cups.sock"), timeout=30)
    with pytest.raises(PrinterError, match="print service of this computer is not running"):
        backend.cancel("Anything-1")


def test_the_cups_server_variable_is_honoured(
    private_cups: PrivateCups, queue: PdfQueue, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUPS_SERVER", private_cups.server)

    assert queue.name in [p.name for p in CupsBackend().list_printers()]


def test_a_print_service_that_is_not_running_gives_a_clear_message(tmp_path: Path) -> None:
    if not shutil.which("lpstat"):
        pytest.skip("the CUPS client tools are not installed")
    backend = CupsBackend(server=str(tmp_path / "no-cups.sock"))

    with pytest.raises(PrinterError, match="print service of this computer is not running"):
        backend.list_printers()
    with pytest.raises(PrinterError, match="The document is kept") as raised:
        backend.submit(b"%PDF-1.4", printer="Any", media=Media.a4(), title="x")
    assert raised.value.pdf == b"%PDF-1.4"


def test_without_the_lp_command_there_is_no_system_backend_and_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # as on Windows: no CUPS tools at all

    assert system_backend() is None
    with pytest.raises(PrinterError, match="the CUPS command “lpstat” is missing") as raised:
        CupsBackend().submit(b"%PDF-1.4", printer="Any", media=Media.a4(), title="x")
    assert raised.value.pdf == b"%PDF-1.4"


def test_where_cups_is_installed_the_system_backend_is_cups() -> None:
    if not (shutil.which("lp") and shutil.which("lpstat")):
        pytest.skip("the CUPS client tools are not installed")
    assert isinstance(system_backend(), CupsBackend)


def test_media_options_print_cards_and_rolls_at_full_size() -> None:
    card = Media.card()
    assert card.kind is PaperKind.CARD
    assert card.cups_options() == [
        "media=Custom.87.6x55.98mm",
        "print-scaling=none",
        "fit-to-page=false",
    ]
    assert Media.roll(123.5).cups_options()[0] == "media=Custom.80x123.5mm"
    assert Media.a4().cups_options() == ["media=A4"]
    assert not Media.a4().exact_size
    assert card.exact_size


def test_an_offline_printer_is_read_from_lpstat() -> None:
    # CUPS marks a printer whose device stopped answering with the "offline-report" reason;
    # no device here can be unplugged, so this reads what lpstat prints in that case.
    text = (
        "system default destination: Thermal\n"
        "Thermal accepting requests since Tue Nov 24 09:00:00 2026\n"
        "printer Thermal is idle.  enabled since Tue Nov 24 09:00:00 2026\n"
        "\tThe printer is not responding.\n"
        "\tForm mounted:\n"
        "\tDescription: Roll printer: front desk\n"
        "\tAlerts: offline-report\n"
    )

    (printer,) = parse_lpstat(text)

    assert printer.state is PrinterState.OFFLINE
    assert printer.is_default
    assert printer.description == "Roll printer: front desk"
    assert printer.message == "The printer is not responding."


def test_copies_must_be_at_least_one() -> None:
    with pytest.raises(ValueError, match="copies"):
        CupsBackend().submit(b"", printer="Any", media=Media.a4(), title="x", copies=0)
