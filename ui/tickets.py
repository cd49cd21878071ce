"""Printing a queue ticket from a screen: off the UI thread, on this computer's roll printer.

The kiosk and the clerk's panel both print this way. The ticket is already issued; whatever
the printer does, ``on_done`` gets the :class:`app.services.tickets.TicketPrint` saying how it
went (its fault, if any, is in the print log for the supervisor).
"""

from __future__ import annotations

from collections.abc import Callable

from app.domain.changes import Outcome
from app.domain.queue import Ticket
from app.domain.users import Actor
from app.printer_settings import printer_for
from app.services import tickets
from app.services.tickets import TicketPrint
from printing.spool import PaperKind, PrinterBackend
from ui.context import DeskContext


def print_ticket(
    context: DeskContext,
    actor: Actor,
    ticket: Ticket,
    *,
    language: str,
    on_done: Callable[[TicketPrint], None],
    on_error: Callable[[BaseException], None],
    backend: PrinterBackend | None = None,
) -> None:
    core = context.require_core()
    if backend is None:
        from ui.printers import printer_backend

        backend = printer_backend(context.config)

    def done(outcome: Outcome[TicketPrint]) -> None:
        # Printing runs on the I/O pool, not as a mutation: announce what it logged.
        context.bus.sig_changed.emit(outcome.changes)
        on_done(outcome.value)

    context.ops.io(
        tickets.print_ticket,
        core,
        actor,
        ticket,
        language=language,
        printer=printer_for(context.config, PaperKind.ROLL),
        backend=backend,
    ).success(done).failure(on_error).run()
