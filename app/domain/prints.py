"""The print log: every document the desk sent to a printer, or tried to."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.i18n import N_, _


class PrintKind(StrEnum):
    """The kinds of documents the desk prints for a record."""

    RECEIPT = "receipt"
    CARD = "card"
    TICKET = "ticket"
    SUMMARY = "summary"  # the office's summary of a day or a period

    @property
    def label(self) -> str:
        return _(_KIND_LABELS[self])


_KIND_LABELS: dict[PrintKind, str] = {
    PrintKind.RECEIPT: N_("Receipt"),
    PrintKind.CARD: N_("Permit card"),
    PrintKind.TICKET: N_("Queue ticket"),
    PrintKind.SUMMARY: N_("Summary"),
}


class PrintResult(StrEnum):
    SENT = "sent"  # the printer's queue took the document
    FAILED = "failed"  # it did not: ``reason`` says why, and the document was kept

    @property
    def label(self) -> str:
        return _(_RESULT_LABELS[self])


_RESULT_LABELS: dict[PrintResult, str] = {
    PrintResult.SENT: N_("sent"),
    PrintResult.FAILED: N_("failed"),
}


@dataclass(frozen=True, slots=True)
class PrintEntry:
    """One line of the print log."""

    id: uuid.UUID
    kind: PrintKind
    record_id: uuid.UUID  # the application, permit or ticket printed
    number: str  # the record's number, as printed
    # 0 for the first copy that came out; 1 for the first duplicate, and so on. A failed
    # attempt carries the number it would have had.
    reprint: int
    printer: str
    copies: int
    result: PrintResult
    reason: str  # why it failed, as the clerk was told; empty when sent
    job_id: str  # the print service's job, when it took one
    printed_at: datetime
    actor_name: str

    @property
    def duplicate(self) -> bool:
        return self.reprint > 0
