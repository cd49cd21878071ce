"""Sending finished PDF documents to a printer, without Qt.

The desk hands a PDF, the name of a printer and the page it is meant for (`Media`) to a
`PrinterBackend`. On Linux and macOS that is `CupsBackend`, which drives CUPS's own
command-line tools (``lp``, ``lpstat``, ``cancel``, and ``ipptool`` where installed), so no C
binding has to be built. Windows has no CUPS: there the UI layer will print through Qt's
QPrinter, and `system_backend` returns None to say so.

Every fault (no print service, no such printer, printer stopped, offline or refusing jobs,
a job the printer failed) is a `PrinterError` whose message says what is wrong and what to
do, and that carries the PDF, so the document is kept and can be printed again.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol
from urllib.parse import quote

from app.errors import DeskError
from app.i18n import _

# ID-1 (ISO/IEC 7810) is 85.60 x 53.98 mm; the card documents add 1 mm of bleed all round.
CARD_WIDTH_MM = 87.60
CARD_HEIGHT_MM = 55.98
A4_WIDTH_MM = 210.0
A4_HEIGHT_MM = 297.0
ROLL_WIDTH_MM = 80.0

DEFAULT_TIMEOUT_SECONDS = 20.0


class PrinterError(DeskError):
    """A document could not be printed. ``pdf`` is the document, kept for printing again."""

    def __init__(
        self, message: str, *, printer: str = "", pdf: bytes | None = None, detail: str = ""
    ) -> None:
        super().__init__(message, detail=detail)
        self.printer = printer
        self.pdf = pdf


def kept(message: str) -> str:
    """Add to a fault's message that nothing was lost (two whole sentences, each translated)."""
    # Not inside the f-string: the message extractor does not look into f-strings.
    kept_note = _("The document is kept and can be printed again.")
    return f"{message} {kept_note}"


class PaperKind(StrEnum):
    """The kinds of paper the desk prints on; the desk remembers one printer for each."""

    A4 = "a4"
    ROLL = "roll"
    CARD = "card"


@dataclass(frozen=True, slots=True)
class Media:
    """The page a document was made for, and how a printer must treat it."""

    kind: PaperKind
    width_mm: float
    height_mm: float

    @classmethod
    def a4(cls) -> Media:
        return cls(PaperKind.A4, A4_WIDTH_MM, A4_HEIGHT_MM)

    @classmethod
    def roll(cls, height_mm: float, width_mm: float = ROLL_WIDTH_MM) -> Media:
        """A receipt or ticket on roll paper, as long as its content."""
        return cls(PaperKind.ROLL, width_mm, height_mm)

    @classmethod
    def card(cls) -> Media:
        """An ID-1 card with its bleed."""
        return cls(PaperKind.CARD, CARD_WIDTH_MM, CARD_HEIGHT_MM)

    @property
    def exact_size(self) -> bool:
        """Cards and roll documents must print at 100 %: a card shrunk to fit is unusable."""
        return self.kind is not PaperKind.A4

    def cups_options(self) -> list[str]:
        """The ``lp -o`` options for this page.

        CUPS re-renders each job for the queue's page size: without ``media`` a card comes out
        on A4. ``print-scaling=none`` is what cups-filters' pdftopdf reads (CUPS 2.2+);
        ``fit-to-page=false`` covers older filters. ``scaling=100`` is left out on purpose:
        only the image filters read it, and for a PDF it does nothing.
        """
        if self.kind is PaperKind.A4:
            # A4 keeps CUPS's default "auto" scaling: it shrinks only when the paper is
            # smaller (a Letter tray), rather than cut off the bottom of the page.
            return ["media=A4"]
        size = f"Custom.{self.width_mm:g}x{self.height_mm:g}mm"
        return [f"media={size}", "print-scaling=none", "fit-to-page=false"]


class PrinterState(StrEnum):
    IDLE = "idle"
    PRINTING = "printing"
    STOPPED = "stopped"
    OFFLINE = "offline"


@dataclass(frozen=True, slots=True)
class PrinterInfo:
    name: str
    is_default: bool
    state: PrinterState
    accepting_jobs: bool
    description: str = ""
    message: str = ""  # what the printer or its driver last said, as CUPS reports it


@dataclass(frozen=True, slots=True)
class JobResult:
    job_id: str
    printer: str


class JobState(StrEnum):
    PENDING = "pending"
    HELD = "held"
    PRINTING = "printing"
    STOPPED = "stopped"  # waiting on a stopped printer: it will not print by itself
    CANCELED = "canceled"
    ABORTED = "aborted"
    COMPLETED = "completed"
    FINISHED = "finished"  # left the queue; without ipptool CUPS cannot say how it ended
    UNKNOWN = "unknown"  # CUPS no longer knows the job

    @property
    def failed(self) -> bool:
        """The document did not print and will not without someone acting."""
        return self in (JobState.STOPPED, JobState.CANCELED, JobState.ABORTED)


class PrinterBackend(Protocol):
    def list_printers(self) -> list[PrinterInfo]: ...

    def submit(
        self, pdf: bytes, *, printer: str, media: Media, copies: int = 1, title: str
    ) -> JobResult: ...

    def job_state(self, job_id: str) -> JobState: ...

    def cancel(self, job_id: str) -> None: ...


def system_backend() -> PrinterBackend | None:
    """The computer's print service: CUPS where its ``lp`` command exists, else None.

    None means "print through Qt" (Windows' spooler via QPrinter, in the UI layer).
    """
    if shutil.which("lp") and shutil.which("lpstat"):
        return CupsBackend()
    return None


# IPP job-state keywords, as ipptool prints them.
_IPP_JOB_STATES = {
    "pending": JobState.PENDING,
    "pending-held": JobState.HELD,
    "processing": JobState.PRINTING,
    "processing-stopped": JobState.STOPPED,
    "canceled": JobState.CANCELED,
    "aborted": JobState.ABORTED,
    "completed": JobState.COMPLETED,
}


class CupsBackend:
    """CUPS through its command-line tools.

    ``server`` is a CUPS server as ``CUPS_SERVER`` takes it (a socket path or host[:port]);
    by default the tools' own choice applies, which honours ``CUPS_SERVER``. The tools run
    in the C locale so that their output can be read whatever the desk's language.
    """

    def __init__(
        self, *, server: str | None = None, timeout: float = DEFAULT_TIMEOUT_SECONDS
    ) -> None:
        self.server = server
        self.timeout = timeout

    # -- printers -------------------------------------------------------------------------

    def list_printers(self) -> list[PrinterInfo]:
        result = self._run("lpstat", "-d", "-a", "-l", "-p")
        if result.returncode != 0 and "No destinations added" not in result.stderr:
            raise self._service_error(result.stderr)
        return parse_lpstat(result.stdout)

    def _printer(self, name: str) -> PrinterInfo | None:
        return next((p for p in self.list_printers() if p.name == name), None)

    # -- jobs -----------------------------------------------------------------------------

    def submit(
        self, pdf: bytes, *, printer: str, media: Media, copies: int = 1, title: str
    ) -> JobResult:
        """Queue ``pdf`` on ``printer``; raises PrinterError (carrying the PDF) if it cannot.

        A stopped, offline or refusing printer is refused here rather than left to CUPS,
        which would queue the job quietly and print it whenever the printer came back.
        """
        if copies < 1:
            raise ValueError(f"copies must be at least 1, not {copies}")
        try:
            return self._submit(pdf, printer, media, copies, title)
        except PrinterError as error:
            raise PrinterError(
                kept(error.message), printer=printer, pdf=pdf, detail=error.detail
            ) from error

    def _submit(self, pdf: bytes, printer: str, media: Media, copies: int, title: str) -> JobResult:
        info = self._printer(printer)
        problem = self._refusal(printer, info)
        if problem:
            raise PrinterError(problem, detail=info.message if info else "")
        options = [arg for option in media.cups_options() for arg in ("-o", option)]
        command = ["lp", "-d", printer, "-t", title, "-n", str(copies), *options]
        result = self._run(*command, stdin=pdf)  # lp reads the document from stdin
        found = re.search(r"request id is (\S+)", result.stdout)
        if result.returncode != 0 or not found:
            raise PrinterError(
                self._lp_failure(printer, result.stderr),
                detail=result.stderr.strip() or result.stdout.strip(),
            )
        return JobResult(job_id=found.group(1), printer=printer)

    def job_state(self, job_id: str) -> JobState:
        """Where a submitted job stands.

        A job that IPP calls pending but whose printer is stopped is STOPPED: it will not
        print until someone starts the printer, and the clerk should know.

        ``ipptool`` (Debian's cups-ipp-utils) tells a completed job from a canceled or
        aborted one; ``lpstat`` cannot, so without it an ended job is FINISHED.
        """
        printer, _dash, number = job_id.rpartition("-")
        if not printer or not number.isdigit():
            raise ValueError(f"not a CUPS job id: {job_id!r}")
        state = self._ipp_job_state(int(number))
        if state is None:
            state = self._lpstat_job_state(printer, job_id)
        if state in (JobState.PENDING, JobState.PRINTING):
            info = self._printer(printer)
            if info is not None and info.state is PrinterState.STOPPED:
                return JobState.STOPPED
        return state

    def cancel(self, job_id: str) -> None:
        """Take a job out of its queue, so that it never prints; one that has ended already
        (printed, canceled, aborted or forgotten) is left as it is."""
        result = self._run("cancel", job_id)
        if result.returncode != 0 and not re.search(
            r"already (canceled|completed|aborted)|does not exist", result.stderr
        ):
            raise self._service_error(result.stderr)

    def _ipp_job_state(self, number: int) -> JobState | None:
        if shutil.which("ipptool") is None:
            return None
        uri = f"ipp://{self._ipp_host()}/jobs/{number}"
        result = self._run("ipptool", "-tv", uri, "get-job-attributes.test")
        found = re.search(r"^\s*job-state \(enum\) = (\S+)", result.stdout, re.MULTILINE)
        if found:
            return _IPP_JOB_STATES.get(found.group(1), JobState.UNKNOWN)
        if "client-error-not-found" in result.stdout:
            return JobState.UNKNOWN
        return None  # let lpstat answer, or say clearly what is wrong with the service

    def _lpstat_job_state(self, printer: str, job_id: str) -> JobState:
        if job_id in self._lpstat_jobs("not-completed", printer):
            printing = self._run("lpstat", "-p", printer).stdout
            return JobState.PRINTING if f"now printing {job_id}." in printing else JobState.PENDING
        if job_id in self._lpstat_jobs("completed", printer):
            return JobState.FINISHED
        return JobState.UNKNOWN

    def _lpstat_jobs(self, which: str, printer: str) -> set[str]:
        result = self._run("lpstat", "-W", which, "-o", printer)
        if result.returncode != 0 and "Invalid destination" not in result.stderr:
            raise self._service_error(result.stderr)
        return {line.split()[0] for line in result.stdout.splitlines() if line[:1].strip()}

    def _ipp_host(self) -> str:
        """The server part of an ipp:// URI, for ipptool, which does not read CUPS_SERVER."""
        server = self.server or os.environ.get("CUPS_SERVER", "")
        server = server.split("/version=")[0]
        if not server:
            default_socket = "/run/cups/cups.sock"
            server = default_socket if os.path.exists(default_socket) else "localhost"
        # A local socket travels as the URI's host, escaped: this is how CUPS spells it.
        return quote(server, safe="") if server.startswith("/") else server

    # -- running the tools ----------------------------------------------------------------

    def _run(self, *command: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, LC_ALL="C", LANG="C")
        if self.server:
            env["CUPS_SERVER"] = self.server
        try:
            result = subprocess.run(
                command,
                input=stdin if stdin is not None else b"",
                capture_output=True,
                timeout=self.timeout,
                env=env,
                check=False,
            )
        except FileNotFoundError as error:
            raise PrinterError(
                _(
                    "Printing to a system printer is not available on this computer "
                    "(the CUPS command “{command}” is missing): install CUPS or ask "
                    "the administrator."
                ).format(command=command[0]),
                detail=str(error),
            ) from error
        except subprocess.TimeoutExpired as error:
            raise PrinterError(
                _(
                    "The print service did not answer within {seconds} seconds: try again "
                    "in a moment, or restart the computer."
                ).format(seconds=f"{self.timeout:g}"),
                detail=" ".join(command),
            ) from error
        return subprocess.CompletedProcess(
            result.args,
            result.returncode,
            result.stdout.decode("utf-8", "replace"),
            result.stderr.decode("utf-8", "replace"),
        )

    def _service_error(self, stderr: str) -> PrinterError:
        if re.search(r"not running|Unable to connect|connection refused", stderr, re.IGNORECASE):
            message = _(
                "The print service of this computer is not running: restart the computer "
                "or ask the administrator."
            )
        else:
            message = _(
                "The print service did not answer as expected: try again, or ask the administrator."
            )
        return PrinterError(message, detail=stderr.strip())

    @staticmethod
    def _refusal(name: str, info: PrinterInfo | None) -> str:
        """Why ``name`` cannot take a job now, as a message; empty when it can."""
        if info is None:
            return _("There is no printer “{printer}” (any more): choose another printer.").format(
                printer=name
            )
        if info.state is PrinterState.STOPPED:
            return _(
                "The printer “{printer}” is stopped: switch it on or choose another printer."
            ).format(printer=name)
        if info.state is PrinterState.OFFLINE:
            return _(
                "The printer “{printer}” is offline: switch it on, check its cable or network, "
                "or choose another printer."
            ).format(printer=name)
        if not info.accepting_jobs:
            return _not_accepting(name)
        return ""

    @staticmethod
    def _lp_failure(name: str, stderr: str) -> str:
        if "does not exist" in stderr:
            return CupsBackend._refusal(name, None)
        if "not accepting" in stderr:
            return _not_accepting(name)
        return _(
            "The printer “{printer}” did not take the document: try again or choose another "
            "printer."
        ).format(printer=name)


def _not_accepting(name: str) -> str:
    return _(
        "The printer “{printer}” is not accepting documents: ask the administrator to "
        "enable it, or choose another printer."
    ).format(printer=name)


_PRINTER_LINE = re.compile(r"^printer (\S+) (is idle|now printing|disabled since)")
_ACCEPTING_LINE = re.compile(r"^(\S+) (not )?accepting requests")
_DEFAULT_LINE = re.compile(r"^system default destination: ([^/\s]+)")


def parse_lpstat(text: str) -> list[PrinterInfo]:
    """Read the output of ``lpstat -d -a -l -p`` (C locale) into printers."""
    default = ""
    accepting: dict[str, bool] = {}
    blocks: dict[str, tuple[str, list[str]]] = {}  # name -> (status words, indented lines)
    current: list[str] | None = None
    for line in text.splitlines():
        if line[:1].isspace():
            if current is not None:
                current.append(line.strip())
            continue
        current = None
        if found := _DEFAULT_LINE.match(line):
            default = found.group(1)
        elif found := _PRINTER_LINE.match(line):
            current = []
            blocks[found.group(1)] = (found.group(2), current)
        elif found := _ACCEPTING_LINE.match(line):
            accepting[found.group(1)] = found.group(2) is None

    printers = []
    for name, (status, details) in blocks.items():
        # The printer's own message comes first; the "Field: value" lines from "Form mounted:".
        split = next((i for i, line in enumerate(details) if line.startswith("Form mounted:")), 0)
        message_lines, field_lines = details[:split], details[split:]
        fields = dict(line.split(":", 1) for line in field_lines if ":" in line)
        alerts = fields.get("Alerts", "")
        if status == "disabled since":
            state = PrinterState.STOPPED
        elif "offline" in alerts:
            state = PrinterState.OFFLINE
        elif status == "now printing":
            state = PrinterState.PRINTING
        else:
            state = PrinterState.IDLE
        printers.append(
            PrinterInfo(
                name=name,
                is_default=name == default,
                state=state,
                accepting_jobs=accepting.get(name, True),
                description=fields.get("Description", "").strip(),
                message=" ".join(message_lines),
            )
        )
    return printers
