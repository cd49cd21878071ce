"""Roll documents to ESC/POS printers on the network, and beside the system's printers.

No thermal printer is attached where the tests run: `RawPort` listens on the loopback in its
place and keeps every byte a printer's raw port would receive.
"""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from app.config import escpos_address, load_config, save_setting
from app.errors import ConfigError
from printing.demo import demo_ticket
from printing.escpos_backend import CombinedBackend, EscPosBackend, with_escpos
from printing.spool import JobResult, JobState, Media, PrinterError, PrinterInfo, PrinterState
from printing.ticket import render_ticket

ESC_INIT = b"\x1b@"  # ESC @: initialise the printer
GS_V_0 = b"\x1dv0"  # GS v 0: print a raster bit image

needs_pdftoppm = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils missing")


class RawPort:
    """A thermal printer's raw TCP port (9100 on a real one), on a free loopback port: a
    thread accepts connections and keeps what each sends until it closes."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(10)
        self.port: int = self._server.getsockname()[1]
        self.received: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        try:
            connection, _peer = self._server.accept()
        except OSError:  # closed without a job
            return
        with connection:
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        self.received.append(b"".join(chunks))

    def close(self) -> bytes:
        """Everything the printer was sent, once the sender has hung up."""
        self._thread.join(timeout=10)
        self._server.close()
        return b"".join(self.received)


@pytest.fixture
def raw_port() -> Iterator[RawPort]:
    port = RawPort()
    yield port
    port.close()


def _closed_port() -> int:
    with socket.socket() as probe:  # bound, never listening: connections are refused
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _ticket_pdf() -> bytes:
    return render_ticket(demo_ticket("az"), language="az")


def _raster_image(output: bytes) -> Image.Image:
    """The picture carried by the GS v 0 commands of ``output``, fragments stacked in order."""
    rows: list[bytes] = []
    width_bytes = 0
    position = output.find(GS_V_0)
    while position >= 0:
        header = output[position + 4 : position + 8]
        width_bytes = int.from_bytes(header[0:2], "little")
        count = int.from_bytes(header[2:4], "little")
        start = position + 8
        rows += [
            output[start + row * width_bytes : start + (row + 1) * width_bytes]
            for row in range(count)
        ]
        position = output.find(GS_V_0, start + width_bytes * count)
    assert rows, "no raster image in the printer's bytes"
    # ESC/POS sets a bit for a black dot; PIL's 1-bit mode reads a set bit as white.
    return Image.frombytes("1", (width_bytes * 8, len(rows)), b"".join(rows), "raw", "1;I")


# --- printing over TCP ---------------------------------------------------------------------------


@needs_pdftoppm
def test_a_ticket_reaches_the_printer_as_an_initialised_raster_image(raw_port: RawPort) -> None:
    backend = EscPosBackend({"Kiosk roll": raw_port.address})
    pdf = _ticket_pdf()

    job = backend.submit(pdf, printer="Kiosk roll", media=Media.roll(100), title="A017")
    received = raw_port.close()

    assert job.printer == "Kiosk roll"
    assert backend.job_state(job.job_id) is JobState.COMPLETED
    assert received.startswith(ESC_INIT)
    assert GS_V_0 in received
    image = _raster_image(received)
    assert image.width == 576  # 72 mm printable at 203 dpi
    black = image.histogram()[0]
    assert 0 < black < image.width * image.height // 4  # the ticket's text, on white


@needs_pdftoppm
def test_copies_are_printed_one_after_the_other(raw_port: RawPort) -> None:
    backend = EscPosBackend({"Kiosk roll": raw_port.address})

    backend.submit(_ticket_pdf(), printer="Kiosk roll", media=Media.roll(100), copies=2, title="")

    assert raw_port.close().count(ESC_INIT) == 2


@needs_pdftoppm
def test_a_printer_that_cannot_be_reached_gives_a_clear_message_and_keeps_the_ticket() -> None:
    backend = EscPosBackend({"Kiosk roll": f"tcp://127.0.0.1:{_closed_port()}"}, timeout=2)
    pdf = _ticket_pdf()

    with pytest.raises(PrinterError) as raised:
        backend.submit(pdf, printer="Kiosk roll", media=Media.roll(100), title="A017")

    assert str(raised.value) == (
        "The receipt printer “Kiosk roll” cannot be reached: check that it is switched on, has "
        "paper and is connected, or choose another printer. "
        "The document is kept and can be printed again."
    )
    assert raised.value.printer == "Kiosk roll"
    assert raised.value.pdf == pdf


def test_only_roll_documents_go_to_an_escpos_printer() -> None:
    backend = EscPosBackend({"Kiosk roll": "tcp://127.0.0.1:9100"})

    with pytest.raises(PrinterError, match="prints only on the 80 mm roll") as raised:
        backend.submit(b"%PDF-1.4", printer="Kiosk roll", media=Media.a4(), title="Summary")

    assert raised.value.pdf == b"%PDF-1.4"
    assert str(raised.value).endswith("The document is kept and can be printed again.")


def test_an_unknown_printer_gives_a_clear_message() -> None:
    with pytest.raises(PrinterError, match="There is no printer “Gone”") as raised:
        EscPosBackend({}).submit(b"%PDF", printer="Gone", media=Media.roll(50), title="")

    assert raised.value.pdf == b"%PDF"


def test_the_configured_printers_are_listed() -> None:
    (info,) = EscPosBackend({"Kiosk roll": "tcp://192.168.1.50:9100"}).list_printers()

    assert info.name == "Kiosk roll"
    assert info.state is PrinterState.IDLE and info.accepting_jobs
    assert "tcp://192.168.1.50:9100" in info.description


# --- together with the system's printers ---------------------------------------------------------


class FakeSystem:
    """The computer's print service, keeping what it was asked to print and to cancel."""

    def __init__(self) -> None:
        self.submitted: list[str] = []
        self.canceled: list[str] = []

    def list_printers(self) -> list[PrinterInfo]:
        return [
            PrinterInfo("Office A4", True, PrinterState.IDLE, True),
            PrinterInfo("Kiosk roll", False, PrinterState.OFFLINE, True),
        ]

    def submit(
        self, pdf: bytes, *, printer: str, media: Media, copies: int = 1, title: str
    ) -> JobResult:
        self.submitted.append(printer)
        return JobResult(job_id=f"{printer}-7", printer=printer)

    def job_state(self, job_id: str) -> JobState:
        return JobState.PRINTING

    def cancel(self, job_id: str) -> None:
        self.canceled.append(job_id)


@needs_pdftoppm
def test_the_combined_backend_lists_both_kinds_and_routes_by_name(raw_port: RawPort) -> None:
    system = FakeSystem()
    backend = CombinedBackend(system, EscPosBackend({"Kiosk roll": raw_port.address}))

    listed = backend.list_printers()
    assert [info.name for info in listed] == ["Office A4", "Kiosk roll"]
    # The ESC/POS printer of that name is the one meant, not the system's.
    assert listed[1].state is PrinterState.IDLE

    a4 = backend.submit(b"%PDF", printer="Office A4", media=Media.a4(), title="Summary")
    roll = backend.submit(_ticket_pdf(), printer="Kiosk roll", media=Media.roll(100), title="")

    assert system.submitted == ["Office A4"]
    assert raw_port.close().startswith(ESC_INIT)
    assert backend.job_state(a4.job_id) is JobState.PRINTING
    assert backend.job_state(roll.job_id) is JobState.COMPLETED
    backend.cancel(roll.job_id)  # printed already: nothing to take back
    backend.cancel(a4.job_id)
    assert system.canceled == [a4.job_id]


def test_without_escpos_printers_the_system_backend_is_used_alone() -> None:
    system = FakeSystem()

    assert with_escpos(system, {}) is system
    assert isinstance(with_escpos(system, {"Kiosk roll": "tcp://10.0.0.9"}), CombinedBackend)


def test_the_desk_backend_includes_the_configured_escpos_printers(tmp_path: Path) -> None:
    from ui.printers import printer_backend

    config = save_setting(
        load_config(data_dir=tmp_path, config_file=tmp_path / "config.toml", environ={}),
        "escpos_printers",
        {"Kiosk roll": "tcp://192.168.1.50:9100"},
    )

    backend = printer_backend(config)

    assert isinstance(backend, CombinedBackend)
    assert backend.escpos.printers == {"Kiosk roll": "tcp://192.168.1.50:9100"}


# --- the setting ---------------------------------------------------------------------------------


def test_escpos_printers_are_read_from_the_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[escpos_printers]\n"Kiosk roll" = "tcp://192.168.1.50:9100"\nBar = "tcp://bar.local"\n',
        encoding="utf-8",
    )

    config = load_config(data_dir=tmp_path, config_file=path, environ={})

    assert config.escpos_printers == {
        "Kiosk roll": "tcp://192.168.1.50:9100",
        "Bar": "tcp://bar.local",
    }
    assert escpos_address("tcp://bar.local") == ("bar.local", 9100)
    assert escpos_address("tcp://192.168.1.50:9101") == ("192.168.1.50", 9101)


@pytest.mark.parametrize(
    "address",
    [
        "192.168.1.50:9100",  # no scheme
        "http://192.168.1.50:9100",
        "tcp://",
        "tcp://192.168.1.50:port",
        "tcp://192.168.1.50:70000",
        "tcp://192.168.1.50:0",
        "tcp://192.168.1.50:9100/queue",
    ],
)
def test_a_bad_address_is_refused_with_a_clear_message(tmp_path: Path, address: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[escpos_printers]\n"Kiosk roll" = "{address}"\n', encoding="utf-8")

    with pytest.raises(ConfigError) as raised:
        load_config(data_dir=tmp_path, config_file=path, environ={})

    message = str(raised.value)
    assert "“Kiosk roll”" in message and str(path) in message and repr(address) in message
    assert "tcp://HOST:PORT, for example tcp://192.168.1.50:9100" in message


def test_an_address_that_is_not_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[escpos_printers]\n"Kiosk roll" = 9100\n', encoding="utf-8")

    with pytest.raises(ConfigError, match="tcp://HOST:PORT"):
        load_config(data_dir=tmp_path, config_file=path, environ={})
