"""Printing a document for a record: render it (a duplicate if printed before), send it to a
printer, and log the print, whether the printer took it or not; then follow its job in the
print service, and log it failed if it comes to nothing there.

A `Printable` is what a screen previews and prints: the record it belongs to and a function
that renders its PDF for a paper, as a first copy or a duplicate, with a card printer's
offset. The sending goes through a `PrinterBackend` (CUPS here, Qt's spooler on Windows),
so this module knows no Qt. It runs off the UI thread: rendering and the print service take
a moment.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from app.domain.changes import NO_CHANGES, Outcome
from app.domain.prints import PrintEntry, PrintKind, PrintResult
from app.domain.reports import DailySummary
from app.domain.users import Actor
from app.i18n import N_, _
from app.services import applications, print_log
from app.services.core import Core
from printing.card import NO_OFFSET, CardOffset
from printing.pdf import first_page_size_mm
from printing.spool import JobState, Media, PaperKind, PrinterBackend, PrinterError


@dataclass(frozen=True, slots=True)
class RenderRequest:
    paper: PaperKind
    duplicate: bool = False
    card_offset: CardOffset = NO_OFFSET  # the chosen card printer's calibration


@dataclass(frozen=True, slots=True)
class Printable:
    """A document of a record, ready to be rendered for any of its papers."""

    kind: PrintKind
    record_id: uuid.UUID
    number: str
    title: str  # names the job in the printer's queue
    papers: tuple[PaperKind, ...]  # what it can be printed on, the usual one first
    render: Callable[[RenderRequest], bytes]


@dataclass(frozen=True, slots=True)
class PrintOrder:
    """What the clerk chose in the preview."""

    printer: str
    paper: PaperKind
    copies: int = 1
    card_offset: CardOffset = NO_OFFSET


@dataclass(frozen=True, slots=True)
class Preview:
    pdf: bytes
    duplicate: bool  # the document was printed before: this copy is marked


def summary_printable(summary: DailySummary, pdf: bytes) -> Printable:
    """The office's summary as rendered, printed on A4 and logged like every print. Each day
    or period is one document: printing it again counts a reprint (the pages are unchanged:
    a report is no record to be copied, so it carries no duplicate mark)."""
    days = f"{summary.first_day:%d.%m.%Y}"
    if summary.last_day != summary.first_day:
        days += f"–{summary.last_day:%d.%m.%Y}"
    period = f"{summary.office_code}:{summary.first_day}:{summary.last_day}"
    return Printable(
        kind=PrintKind.SUMMARY,
        record_id=uuid.uuid5(uuid.NAMESPACE_URL, f"summary:{period}"),
        number=f"{summary.office_code} {days}",
        title=_("Summary {days}").format(days=days),
        papers=(PaperKind.A4,),
        render=lambda _request: pdf,
    )


def media_for(paper: PaperKind, pdf: bytes) -> Media:
    """The page a printer must be told about: a roll document is as long as its content."""
    if paper is PaperKind.A4:
        return Media.a4()
    if paper is PaperKind.CARD:
        return Media.card()
    width, height = first_page_size_mm(pdf)
    return Media.roll(height_mm=round(height, 2), width_mm=round(width, 2))


def preview(
    core: Core,
    actor: Actor,
    document: Printable,
    paper: PaperKind,
    card_offset: CardOffset = NO_OFFSET,
) -> Preview:
    """The PDF as the next print would come out: marked as a duplicate if printed before."""
    duplicate = print_log.sent_count(core, actor, document.kind, document.record_id) > 0
    return Preview(document.render(RenderRequest(paper, duplicate, card_offset)), duplicate)


def print_document(
    core: Core, actor: Actor, document: Printable, order: PrintOrder, backend: PrinterBackend
) -> Outcome[PrintEntry]:
    """Send the document to the chosen printer and log the print.

    A reprint is checked before anything is sent (it needs the permission to correct
    records). A printer's fault is logged as a failed print and raised again as the
    `PrinterError`, which carries the PDF: nothing is lost, the clerk can try again.
    """
    if order.paper not in document.papers:
        raise ValueError(f"{document.kind} cannot be printed on {order.paper}")
    duplicate = print_log.sent_count(core, actor, document.kind, document.record_id) > 0
    print_log.require_may_print(actor, reprint=duplicate)
    pdf = document.render(RenderRequest(order.paper, duplicate, order.card_offset))

    def log(result: PrintResult, *, reason: str = "", job_id: str = "") -> Outcome[PrintEntry]:
        return print_log.record_print(
            core,
            actor,
            kind=document.kind,
            record_id=document.record_id,
            number=document.number,
            printer=order.printer,
            copies=order.copies,
            result=result,
            reason=reason,
            job_id=job_id,
        )

    try:
        job = backend.submit(
            pdf,
            printer=order.printer,
            media=media_for(order.paper, pdf),
            copies=order.copies,
            title=document.title,
        )
    except PrinterError as error:
        log(PrintResult.FAILED, reason=error.message)
        if error.pdf is None:
            error.pdf = pdf
        raise
    return log(PrintResult.SENT, job_id=job.job_id)


# A job in these states may still print by itself: it is asked about again.
_UNDER_WAY = frozenset({JobState.PENDING, JobState.HELD, JobState.PRINTING})

_JOB_FAILURES: dict[JobState, str] = {
    JobState.ABORTED: N_(
        "{document} {number} was not printed: the printer “{printer}” failed on it, and the "
        "print service gave up."
    ),
    JobState.CANCELED: N_(
        "{document} {number} was not printed: its job on the printer “{printer}” was canceled "
        "in the print service."
    ),
    JobState.STOPPED: N_(
        "{document} {number} was not printed: the printer “{printer}” is stopped, so its job "
        "was canceled rather than left to come out later."
    ),
}


@dataclass(frozen=True, slots=True)
class FollowedJob:
    """How a print's job stands in the print service, and its print-log line as it is now."""

    entry: PrintEntry
    state: JobState
    message: str = ""  # what the clerk is told when the job came to nothing

    @property
    def settled(self) -> bool:
        """The job will not change by itself any more: following it can stop."""
        return self.state not in _UNDER_WAY


def job_failure_message(entry: PrintEntry, state: JobState) -> str:
    """What the clerk reads about a job that came to nothing: the document, the printer, what
    happened, and that it can be printed again."""
    what = _(_JOB_FAILURES[state]).format(
        document=entry.kind.label, number=entry.number, printer=entry.printer
    )
    again = _("Print it again, on another printer if this one does not work.")
    return f"{what} {again}"


def follow_job(
    core: Core, actor: Actor, entry: PrintEntry, backend: PrinterBackend
) -> Outcome[FollowedJob]:
    """Ask the print service how a logged print's job stands; log it failed if it came to
    nothing.

    A job still waiting or printing is left alone, and a completed one needs nothing. One that
    was aborted or canceled in the print service, or waits on a stopped printer, printed
    nothing: its print-log line becomes failed, with the reason the clerk is told, so the next
    copy is the first again rather than a duplicate. A job waiting on a stopped printer is
    canceled first: started again, the printer would print a copy the log says never came out.
    Runs off the UI thread (it asks the print service and writes the log).
    """
    if entry.result is not PrintResult.SENT or not entry.job_id:
        return Outcome(FollowedJob(entry, JobState.UNKNOWN), NO_CHANGES)
    state = backend.job_state(entry.job_id)
    if not state.failed:
        return Outcome(FollowedJob(entry, state), NO_CHANGES)
    if state is JobState.STOPPED:
        backend.cancel(entry.job_id)
    message = job_failure_message(entry, state)
    marked = print_log.mark_job_failed(core, actor, entry.id, reason=message)
    changes = marked.changes
    if (
        entry.kind is PrintKind.CARD
        and print_log.sent_count(core, actor, PrintKind.CARD, entry.record_id) == 0
    ):
        # No copy of the card came out: its application is not "card printed" after all.
        changes = changes | applications.card_not_printed(core, actor, entry.record_id).changes
    return Outcome(FollowedJob(marked.value, state, message), changes)
