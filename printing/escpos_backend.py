"""Roll documents straight to ESC/POS thermal printers on the network, beside the print service.

A receipt printer on the network listens on a raw TCP port (9100 as a rule) and prints the
ESC/POS bytes it receives: no driver and no print queue are needed, and a kiosk can print its
tickets even where the computer's print service knows no roll printer. `EscPosBackend` prints
to the printers named in this computer's settings (``escpos_printers``), rendering each page
with `printing.escpos_raster`. `CombinedBackend` shows them together with the system printers
and hands each document to the backend that owns the chosen printer.

Such a printer answers nothing about its jobs: once it has accepted every byte, the job is done.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from app.config import escpos_address
from app.i18n import _
from printing.escpos_raster import print_roll
from printing.spool import (
    JobResult,
    JobState,
    Media,
    PaperKind,
    PrinterBackend,
    PrinterError,
    PrinterInfo,
    PrinterState,
    kept,
)

# Long enough for a printer busy cutting the previous receipt, short enough that a kiosk
# visitor is not left waiting on a printer that is switched off.
DEFAULT_TIMEOUT_SECONDS = 10.0
# Job ids of this backend: a CUPS job id is "<queue>-<number>" and a queue name has no "/".
JOB_PREFIX = "escpos/"


class EscPosBackend:
    """The ESC/POS network printers of this computer: ``printers`` maps name to address."""

    def __init__(
        self, printers: Mapping[str, str], *, timeout: float = DEFAULT_TIMEOUT_SECONDS
    ) -> None:
        self.printers = dict(printers)
        self.timeout = timeout

    def list_printers(self) -> list[PrinterInfo]:
        # Nothing is asked of the printers here: a raw port has no status to report, and a
        # printer that is switched off must not slow down the list of every other printer.
        return [
            PrinterInfo(
                name=name,
                is_default=False,
                state=PrinterState.IDLE,
                accepting_jobs=True,
                description=_("Thermal roll printer at {address}").format(address=address),
            )
            for name, address in self.printers.items()
        ]

    def submit(
        self, pdf: bytes, *, printer: str, media: Media, copies: int = 1, title: str
    ) -> JobResult:
        """Print ``pdf`` on the ESC/POS printer ``printer``; raises PrinterError, carrying the
        PDF, when the printer is unknown, the paper is not the roll or it cannot be reached."""
        if copies < 1:
            raise ValueError(f"copies must be at least 1, not {copies}")
        address = self.printers.get(printer)
        if address is None:
            message = _("There is no printer “{printer}” (any more): choose another printer.")
            raise PrinterError(kept(message.format(printer=printer)), printer=printer, pdf=pdf)
        if media.kind is not PaperKind.ROLL:
            message = _(
                "The printer “{printer}” prints only on the 80 mm roll: choose another printer "
                "for this document."
            )
            raise PrinterError(kept(message.format(printer=printer)), printer=printer, pdf=pdf)
        target = escpos_address(address)
        if target is None:
            message = _(
                "The address of the printer “{printer}” is not usable: {address}. Ask the "
                "administrator to correct it in this computer's settings."
            )
            raise PrinterError(
                kept(message.format(printer=printer, address=address)), printer=printer, pdf=pdf
            )
        from escpos.printer import Network

        host, port = target
        device = Network(host, port=port, timeout=self.timeout)
        try:
            for _copy in range(copies):
                # Renders, then connects on its first byte; faults come back as PrinterError.
                print_roll(device, pdf, name=printer)
        finally:
            device.close()
        return JobResult(job_id=f"{JOB_PREFIX}{uuid.uuid4().hex}", printer=printer)

    def job_state(self, job_id: str) -> JobState:
        if not owns_job(job_id):
            raise ValueError(f"not an ESC/POS job id: {job_id!r}")
        # submit returns only once the printer has taken every byte.
        return JobState.COMPLETED

    def cancel(self, job_id: str) -> None:
        if not owns_job(job_id):
            raise ValueError(f"not an ESC/POS job id: {job_id!r}")
        # Nothing waits in a queue: the job ended when submit returned.


def owns_job(job_id: str) -> bool:
    return job_id.startswith(JOB_PREFIX)


class CombinedBackend:
    """The system's printers and the ESC/POS ones as one list; each job goes to its owner.

    An ESC/POS printer given the name of a system printer hides it: the name was chosen on
    purpose in this computer's settings.
    """

    def __init__(self, system: PrinterBackend, escpos: EscPosBackend) -> None:
        self.system = system
        self.escpos = escpos

    def list_printers(self) -> list[PrinterInfo]:
        own = self.escpos.list_printers()
        names = {info.name for info in own}
        return [info for info in self.system.list_printers() if info.name not in names] + own

    def submit(
        self, pdf: bytes, *, printer: str, media: Media, copies: int = 1, title: str
    ) -> JobResult:
        backend: PrinterBackend = self.escpos if printer in self.escpos.printers else self.system
        return backend.submit(pdf, printer=printer, media=media, copies=copies, title=title)

    def job_state(self, job_id: str) -> JobState:
        if owns_job(job_id):
            return self.escpos.job_state(job_id)
        return self.system.job_state(job_id)

    def cancel(self, job_id: str) -> None:
        if owns_job(job_id):
            self.escpos.cancel(job_id)
        else:
            self.system.cancel(job_id)


def with_escpos(system: PrinterBackend, printers: Mapping[str, str]) -> PrinterBackend:
    """``system``, joined by the ESC/POS printers ``printers`` when there are any."""
    if not printers:
        return system
    return CombinedBackend(system, EscPosBackend(printers))
