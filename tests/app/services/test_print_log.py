"""The print log: receipts printed from the service layer to a real CUPS queue (the session's
private cupsd with cups-pdf), the printed files read back; reprints counted, marked as
duplicates and allowed to supervisors only; faults logged with the document kept; jobs the
print service took and then failed (aborted, canceled, on a stopped printer) logged failed."""

from __future__ import annotations

import io
import itertools
import time
import uuid
from dataclasses import dataclass, replace

import pypdf
import pytest
from sqlalchemy import select

from app.bootstrap import Started
from app.config import Config
from app.db.models import AuditRow, OutboxRow
from app.domain.changes import Outcome, Topic
from app.domain.prints import PrintEntry, PrintKind, PrintResult
from app.domain.users import Actor
from app.errors import PermissionDeniedError
from app.services import print_log, printouts, receipts
from app.services.core import Core
from app.services.printouts import FollowedJob, Printable, PrintOrder
from printing.spool import CupsBackend, JobState, PaperKind, PrinterError
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


# --- following a job after the print service took it ---------------------------------------------


def _follow_until_ended(
    core: Core, actor: Actor, entry: PrintEntry, backend: CupsBackend, timeout: float = 30.0
) -> Outcome[FollowedJob]:
    """`printouts.follow_job` asked again and again, as the desk does, until the job ends."""
    deadline = time.monotonic() + timeout
    outcome = printouts.follow_job(core, actor, entry, backend)
    while not outcome.value.settled and time.monotonic() < deadline:
        time.sleep(0.2)
        outcome = printouts.follow_job(core, actor, entry, backend)
    return outcome


def _held_queue(printer: Printer) -> PdfQueue:
    """A queue that holds every job until it is released (or canceled)."""
    return printer.cups.add_pdf_queue(
        f"Held_{next(_names)}", **{"job-hold-until-default": "indefinite"}
    )


def test_a_job_the_print_service_fails_is_logged_failed_and_the_next_copy_is_the_first(
    started: Started, clerk: Actor, receipt: Printable, printer: Printer
) -> None:
    core, backend = started.core, printer.backend
    jammed = printer.cups.add_failing_queue(f"Jammed_{next(_names)}")
    order = PrintOrder(printer=jammed.name, paper=PaperKind.A4)
    sent = printouts.print_document(core, clerk, receipt, order, backend).value
    assert sent.result is PrintResult.SENT  # the print service took it

    followed = _follow_until_ended(core, clerk, sent, backend)

    job = followed.value
    assert job.state in (JobState.ABORTED, JobState.CANCELED)
    assert followed.changes.touches(Topic.PRINTS, Topic.AUDIT, Topic.OUTBOX)
    (entry,) = print_log.list_prints(core, clerk, record_id=receipt.record_id)
    assert (entry.id, entry.result, entry.job_id) == (sent.id, PrintResult.FAILED, sent.job_id)
    assert entry == job.entry and entry.reason == job.message
    assert job.message.startswith(f"Receipt {receipt.number} was not printed: ")
    assert f"the printer “{jammed.name}”" in job.message
    assert job.message.endswith("Print it again, on another printer if this one does not work.")
    assert print_log.sent_count(core, clerk, PrintKind.RECEIPT, receipt.record_id) == 0
    with core.reading() as session:
        (audited,) = session.execute(
            select(AuditRow).where(AuditRow.action == "print.job_failed")
        ).scalars()
        assert (audited.entity, audited.entity_id) == (print_log.ENTITY, str(sent.id))
        assert audited.actor_name == "clerk"
        assert (audited.before or {})["result"] == "sent"
        assert (audited.after or {})["result"] == "failed"
        assert (audited.after or {})["reason"] == job.message
        outbox = session.execute(
            select(OutboxRow.operation).where(OutboxRow.entity_id == str(sent.id))
        ).scalars()
        assert sorted(outbox) == ["print.job_failed", "print.sent"]

    # Asked once more, the job is still failed, and logged so once.
    again = printouts.follow_job(core, clerk, sent, backend)
    assert again.value.entry.result is PrintResult.FAILED and not again.changes

    # The failed job printed nothing: the next copy is the first, not a duplicate; a clerk
    # may print it, and once it has come out, following it confirms it and changes nothing.
    order = PrintOrder(printer=printer.name, paper=PaperKind.A4)
    first = printouts.print_document(core, clerk, receipt, order, backend).value
    assert (first.result, first.reprint, first.duplicate) == (PrintResult.SENT, 0, False)
    assert "DUPLICATE" not in printer.printed_text(first.job_id)
    confirmed = _follow_until_ended(core, clerk, first, backend)
    assert confirmed.value.state is JobState.COMPLETED and not confirmed.changes
    assert print_log.sent_count(core, clerk, PrintKind.RECEIPT, receipt.record_id) == 1


@pytest.mark.parametrize("backend_config", ["sqlite"], indirect=True)
def test_a_waiting_job_is_left_alone_until_someone_cancels_it(
    started: Started, clerk: Actor, receipt: Printable, printer: Printer
) -> None:
    core, backend = started.core, printer.backend
    held = _held_queue(printer)
    order = PrintOrder(printer=held.name, paper=PaperKind.ROLL)
    sent = printouts.print_document(core, clerk, receipt, order, backend).value

    waiting = printouts.follow_job(core, clerk, sent, backend)

    assert waiting.value.state is JobState.HELD and not waiting.value.settled
    assert not waiting.changes and waiting.value.message == ""
    assert print_log.sent_count(core, clerk, PrintKind.RECEIPT, receipt.record_id) == 1

    printer.cups.run("cancel", sent.job_id)  # someone at the print server
    canceled = printouts.follow_job(core, clerk, sent, backend).value

    assert canceled.state is JobState.CANCELED and canceled.settled
    assert f"its job on the printer “{held.name}” was canceled" in canceled.message
    assert canceled.entry.result is PrintResult.FAILED
    assert print_log.sent_count(core, clerk, PrintKind.RECEIPT, receipt.record_id) == 0


@pytest.mark.parametrize("backend_config", ["sqlite"], indirect=True)
def test_a_job_on_a_stopped_printer_is_canceled_so_it_never_comes_out_later(
    started: Started, clerk: Actor, receipt: Printable, printer: Printer
) -> None:
    core, backend = started.core, printer.backend
    held = _held_queue(printer)
    order = PrintOrder(printer=held.name, paper=PaperKind.A4)
    sent = printouts.print_document(core, clerk, receipt, order, backend).value
    # The printer stops with the job still in its queue.
    printer.cups.run("cupsdisable", held.name)
    printer.cups.run("lp", "-i", sent.job_id, "-H", "resume")

    stopped = printouts.follow_job(core, clerk, sent, backend).value

    assert stopped.state is JobState.STOPPED and stopped.settled
    assert f"the printer “{held.name}” is stopped" in stopped.message
    assert stopped.entry.result is PrintResult.FAILED
    # Started again, the printer has nothing of it left to print.
    printer.cups.run("cupsenable", held.name)
    assert backend.job_state(sent.job_id) is JobState.CANCELED
