"""Queue tickets around the queue itself: the ticket on the roll printer, the kiosk's printer
faults that a supervisor must hear of, and finding today's ticket by the number a visitor shows.

A ticket is issued before it is printed, in its own transaction: a printer out of paper or
offline never costs the visitor their place. The failed print is a row of the print log
(``print_jobs``, kind ``ticket``, result ``failed``, with the printer's reason), written with
its audit row (``print.failed``) and its outbox row like every print: the supervisor's live
view reads :func:`printer_faults` or :func:`kiosk_fault`, and the centre hears of it by sync.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select

from app.db.models import CounterRow, QueueTicketRow
from app.domain.changes import Changes, Outcome, Topic
from app.domain.prints import PrintEntry, PrintKind, PrintResult
from app.domain.queue import Ticket
from app.domain.users import Actor, Permission
from app.errors import NotFoundError
from app.i18n import _, translate_to
from app.services import print_log, printouts, setup
from app.services.core import Core
from app.services.printouts import Printable, PrintOrder, RenderRequest
from app.services.queue_store import office_of, ticket_of
from printing.spool import PaperKind, PrinterBackend, PrinterError
from printing.ticket import TicketData, render_ticket

KIOSK_ACTOR_NAME = "kiosk"  # the audit name of the kiosk, as the queue core calls it
_RECENT_PRINTS = 20


@dataclass(frozen=True, slots=True)
class TicketPrint:
    """How printing a ticket went: ``fault`` is empty when the printer took it."""

    ticket: Ticket
    printer: str
    fault: str
    entry: PrintEntry | None  # the print log's line when the printer took the ticket

    @property
    def printed(self) -> bool:
        return not self.fault


def counters_label(numbers: list[int]) -> str:
    """Counters as a visitor reads them: "3", "1–2", "1, 3"."""
    ordered = sorted(set(numbers))
    if not ordered:
        return ""
    if len(ordered) > 1 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]}–{ordered[-1]}"
    return ", ".join(str(number) for number in ordered)


def where_to_go(core: Core, ticket: Ticket) -> str:
    """The counters that may call the ticket: the one it was transferred to, or its service's."""
    if ticket.target_counter is not None:
        return str(ticket.target_counter)
    with core.reading() as session:
        office = office_of(session, core.desk_id)
        rows = session.execute(
            select(CounterRow.number, CounterRow.service_codes).where(
                CounterRow.office_id == office.id
            )
        ).all()
    return counters_label([number for number, codes in rows if ticket.service_code in codes])


def ticket_printable(core: Core, ticket: Ticket, *, language: str) -> Printable:
    """The ticket on the 80 mm roll, worded in ``language`` (the visitor's, at the kiosk)."""
    with core.reading() as session:
        identity = setup.desk_identity(session, core.desk_id)
    data = TicketData(
        number=ticket.number,
        service=ticket.service_name.in_language(language),
        office_name=identity.office.name.in_language(language) if identity else "",
        issued_at=ticket.issued_at,
        people_ahead=ticket.people_ahead,
        estimated_wait_minutes=ticket.estimated_wait_minutes,
        counter=where_to_go(core, ticket) or None,
    )

    def render(request: RenderRequest) -> bytes:
        return render_ticket(replace(data, duplicate=request.duplicate), language=language)

    return Printable(
        kind=PrintKind.TICKET,
        record_id=ticket.id,
        number=ticket.number,
        title=translate_to(language, "Queue ticket") + f" {ticket.number}",
        papers=(PaperKind.ROLL,),
        render=render,
    )


def print_ticket(
    core: Core,
    actor: Actor,
    ticket: Ticket,
    *,
    language: str,
    printer: str | None,
    backend: PrinterBackend,
) -> Outcome[TicketPrint]:
    """Print the ticket on ``printer``; a fault is logged and returned, never raised, since
    the ticket stands whatever the printer does. No printer chosen is a fault as well."""
    if not printer:
        reason = _(
            "No roll printer is chosen for tickets on this computer: choose one in the "
            "printers' settings (reception-admin printers use roll PRINTER)."
        )
        logged = print_log.record_print(
            core,
            actor,
            kind=PrintKind.TICKET,
            record_id=ticket.id,
            number=ticket.number,
            printer="",
            copies=1,
            result=PrintResult.FAILED,
            reason=reason,
        )
        return Outcome(TicketPrint(ticket, "", reason, None), logged.changes)
    document = ticket_printable(core, ticket, language=language)
    order = PrintOrder(printer=printer, paper=PaperKind.ROLL)
    try:
        sent = printouts.print_document(core, actor, document, order, backend)
    except PrinterError as error:
        # print_document has logged the failed attempt already, with this reason.
        changes = Changes(frozenset({Topic.PRINTS, Topic.AUDIT, Topic.OUTBOX}))
        return Outcome(TicketPrint(ticket, printer, error.message, None), changes)
    return Outcome(TicketPrint(ticket, printer, "", sent.value), sent.changes)


def printer_faults(core: Core, actor: Actor, *, since: datetime) -> list[PrintEntry]:
    """Tickets that did not print since ``since``, the latest first: for the supervisor."""
    return [
        entry
        for entry in print_log.list_prints(core, actor, kind=PrintKind.TICKET, limit=200)
        if entry.result is PrintResult.FAILED and entry.printed_at >= since
    ]


def kiosk_fault(core: Core, actor: Actor) -> PrintEntry | None:
    """The kiosk's last ticket print, if it failed: its printer needs someone (paper, power,
    cable) until a ticket prints again."""
    for entry in print_log.list_prints(core, actor, kind=PrintKind.TICKET, limit=_RECENT_PRINTS):
        if entry.actor_name == KIOSK_ACTOR_NAME:
            return entry if entry.result is PrintResult.FAILED else None
    return None


def find_ticket(core: Core, actor: Actor, number: str) -> Ticket:
    """Today's ticket with this number (its latest leg, after transfers), whatever its state:
    the clerk types the number a visitor shows, e.g. to take back one marked as not come."""
    wanted = number.strip().upper()
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        office = office_of(session, core.desk_id)
        t = QueueTicketRow
        row = session.execute(
            select(t)
            .where(
                t.office_id == office.id,
                t.day == office.day_of(core.clock.now()),
                t.number == wanted,
            )
            .order_by(t.leg.desc())
            .limit(1)
        ).scalar_one_or_none()
        if row is None:
            raise NotFoundError(
                _("There is no ticket {number} today: check the number on the ticket.").format(
                    number=wanted or "-"
                )
            )
        return ticket_of(session, row)
