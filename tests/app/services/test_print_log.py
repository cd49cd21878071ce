"""The print log: receipts printed from the service layer to a real CUPS queue (the session's
private cupsd with cups-pdf), the printed files read back; reprints counted, marked as
duplicates and allowed to supervisors only; faults logged with the document kept."""

from __future__ import annotations

import io
import itertools
import uuid
from dataclasses import dataclass, replace

import pypdf
import pytest
from sqlalchemy import select

from app.bootstrap import Started
from app.config import Config
from app.db.models import AuditRow, OutboxRow
from app.domain.changes import Topic
from app.domain.prints import PrintKind, PrintResult
from app.domain.users import Actor
from app.errors import PermissionDeniedError
from app.services import print_log, printouts, receipts
from app.services.printouts import Printable, PrintOrder
from printing.spool import CupsBackend, PaperKind, PrinterError
from tests.printing import reading
from tests.support.cups import PdfQueue, PrivateCups
from tests.support.submitted import submit_temporary_residence

_names = itertools.count(1)


@dataclass(frozen=True)
class Printer:
    """A fresh cups-pdf queue of the session's scheduler, and the backend that reaches it."""

    cups: PrivateCups
    queue: PdfQueue
    backend: CupsBackend

    @property
    def name(self) -> str:
        return self.queue.name

    def printed_text(self, job_id: str) -> str:
        printed = self.cups.wait_for_output(self.queue, job_id)
        return " ".join(reading.text(printed.read_bytes()).split())


@pytest.fixture
def printer(private_cups: PrivateCups) -> Printer:
    return Printer(
        private_cups,
        private_cups.add_pdf_queue(f"Receipts_{next(_names)}"),
        CupsBackend(server=private_cups.server, timeout=30),
    )


@pytest.fixture
def receipt(started: Started, backend_config: Config, clerk: Actor) -> Printable:
    application = submit_temporary_residence(started.core, clerk)
    # In English: Ghostscript, re-rendering each job, keeps no text mapping for letters
    # beyond Latin-1, and the labels are to be read back here.
    office_in_english = replace(backend_config, language="en")
    return receipts.receipt_printable(started.core, clerk, office_in_english, application.id)


def test_first_print_then_a_duplicate_each_logged_and_audited(
    started: Started, clerk: Actor, supervisor: Actor, receipt: Printable, printer: Printer
) -> None:
    core, backend = started.core, printer.backend
    order = PrintOrder(printer=printer.name, paper=PaperKind.A4)

    first = printouts.print_document(core, clerk, receipt, order, backend)

    entry = first.value
    assert (entry.kind, entry.number, entry.reprint) == (PrintKind.RECEIPT, receipt.number, 0)
    assert (entry.printer, entry.copies, entry.result) == (printer.name, 1, PrintResult.SENT)
    assert entry.actor_name == "clerk" and entry.job_id.startswith(printer.name)
    assert first.changes.touches(Topic.PRINTS, Topic.AUDIT, Topic.OUTBOX)
    printed = printer.printed_text(entry.job_id)
    assert receipt.number in printed and "DUPLICATE" not in printed

    # The next copy is a reprint: a clerk may not make it, and nothing is sent or logged.
    with pytest.raises(PermissionDeniedError, match="void or reprint documents"):
        printouts.print_document(core, clerk, receipt, order, backend)
    assert print_log.sent_count(core, clerk, PrintKind.RECEIPT, receipt.record_id) == 1

    again = printouts.print_document(core, supervisor, receipt, order, backend).value
    assert (again.reprint, again.duplicate, again.actor_name) == (1, True, "supervisor")
    duplicate = printer.printed_text(again.job_id)
    assert "DUPLICATE" in duplicate and receipt.number in duplicate

    assert print_log.sent_count(core, clerk, PrintKind.RECEIPT, receipt.record_id) == 2
    assert print_log.reprint_count(core, clerk, PrintKind.RECEIPT, receipt.record_id) == 1
    listed = print_log.list_prints(core, clerk, record_id=receipt.record_id)
    assert [(e.reprint, e.actor_name) for e in listed] == [(1, "supervisor"), (0, "clerk")]

    with core.reading() as session:
        audited = session.execute(
            select(AuditRow).where(AuditRow.entity == print_log.ENTITY).order_by(AuditRow.seq)
        ).scalars()
        rows = [(row.action, row.actor_name, (row.after or {}).get("reprint")) for row in audited]
        outbox = session.execute(
            select(OutboxRow.entity_id).where(OutboxRow.entity == print_log.ENTITY)
        ).scalars()
        assert set(outbox) == {str(entry.id), str(again.id)}
    assert rows == [("print.sent", "clerk", 0), ("print.sent", "supervisor", 1)]


def test_the_duplicate_mark_is_in_the_pdf_itself(
    started: Started, clerk: Actor, receipt: Printable
) -> None:
    print_log.record_print(
        started.core,
        clerk,
        kind=PrintKind.RECEIPT,
        record_id=receipt.record_id,
        number=receipt.number,
        printer="Front desk",
        copies=1,
        result=PrintResult.SENT,
    )
    preview = printouts.preview(started.core, clerk, receipt, PaperKind.ROLL)
    assert preview.duplicate
    document = pypdf.PdfReader(io.BytesIO(preview.pdf))
    assert "DUPLICATE" in document.pages[0].extract_text()


@pytest.mark.parametrize("backend_config", ["sqlite"], indirect=True)
def test_a_stopped_printer_is_logged_and_the_document_kept(
    started: Started, clerk: Actor, receipt: Printable, printer: Printer
) -> None:
    core, backend = started.core, printer.backend
    order = PrintOrder(printer=printer.name, paper=PaperKind.ROLL, copies=2)
    printer.cups.run("cupsdisable", printer.name)

    with pytest.raises(PrinterError) as refused:
        printouts.print_document(core, clerk, receipt, order, backend)

    assert "is stopped" in refused.value.message
    assert "The document is kept" in refused.value.message
    assert refused.value.pdf is not None and refused.value.pdf.startswith(b"%PDF")
    (failed,) = print_log.list_prints(core, clerk, record_id=receipt.record_id)
    assert (failed.result, failed.reprint, failed.copies) == (PrintResult.FAILED, 0, 2)
    assert failed.reason == refused.value.message
    assert print_log.sent_count(core, clerk, PrintKind.RECEIPT, receipt.record_id) == 0

    # Started again, the same document prints, and as the first copy: the failure was no print.
    printer.cups.run("cupsenable", printer.name)
    sent = printouts.print_document(core, clerk, receipt, order, backend).value
    assert (sent.result, sent.reprint) == (PrintResult.SENT, 0)
    assert "DUPLICATE" not in printer.printed_text(sent.job_id)


@pytest.mark.parametrize("backend_config", ["sqlite"], indirect=True)
def test_prints_are_counted_per_document(started: Started, supervisor: Actor) -> None:
    first, second = uuid.uuid4(), uuid.uuid4()

    def log(record: uuid.UUID, kind: PrintKind, result: PrintResult) -> int:
        return print_log.record_print(
            started.core,
            supervisor,
            kind=kind,
            record_id=record,
            number="A001",
            printer="Roll",
            copies=1,
            result=result,
            reason="" if result is PrintResult.SENT else "paper out",
        ).value.reprint

    assert log(first, PrintKind.TICKET, PrintResult.FAILED) == 0
    assert log(first, PrintKind.TICKET, PrintResult.SENT) == 0
    assert log(first, PrintKind.TICKET, PrintResult.SENT) == 1
    assert log(second, PrintKind.TICKET, PrintResult.SENT) == 0
    assert log(first, PrintKind.RECEIPT, PrintResult.SENT) == 0  # another document
    assert log(first, PrintKind.TICKET, PrintResult.SENT) == 2
    tickets = print_log.list_prints(started.core, supervisor, kind=PrintKind.TICKET)
    assert len(tickets) == 5
    with pytest.raises(ValueError, match="copies"):
        print_log.record_print(
            started.core,
            supervisor,
            kind=PrintKind.TICKET,
            record_id=first,
            number="A001",
            printer="Roll",
            copies=0,
            result=PrintResult.SENT,
        )
