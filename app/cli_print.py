"""``reception-admin print receipt --application NUMBER --out FILE.pdf``: an application's
receipt as PDF, signed by this desk like the one printed at the counter. A receipt written to
a file is a copy that can be printed anywhere, so it is logged as a print (its "printer" is
the file) and counts like one: if the receipt was printed before, the file is marked as a
duplicate.
"""

from __future__ import annotations

import argparse
import uuid
from dataclasses import replace
from pathlib import Path

from app.bootstrap import start_core
from app.config import Config
from app.datafolder import prepare
from app.domain.applications import ApplicationFilter
from app.domain.prints import PrintResult
from app.domain.users import Actor
from app.errors import DeskError, NotFoundError
from app.i18n import _
from app.services import applications, permits, print_log, receipts
from app.services.core import Core
from app.services.printouts import preview
from printing.spool import PaperKind

_PAPERS = {"a4": PaperKind.A4, "roll_80": PaperKind.ROLL}


def find_application_id(core: Core, actor: Actor, number: str) -> uuid.UUID:
    wanted = number.strip().upper()
    found = applications.list_applications(core, actor, ApplicationFilter(text=wanted, limit=50))
    for summary in found:
        if summary.number == wanted:
            return summary.id
    raise NotFoundError(_("There is no application {number}.").format(number=wanted))


def write_application_receipt(args: argparse.Namespace, config: Config, actor: Actor) -> int:
    prepare(config, log_name="admin")
    started = start_core(config)
    try:
        core = started.core
        if started.identity is None:
            raise DeskError(_("This desk is not set up yet: run 'reception-admin init' first."))
        if args.document_language:
            config = replace(config, language=args.document_language)
        application_id = find_application_id(core, actor, args.application)
        document = receipts.receipt_printable(core, actor, config, application_id)
        out = Path(args.out)
        shown = preview(core, actor, document, _PAPERS[args.paper])
        try:
            out.write_bytes(shown.pdf)
        except OSError as error:
            raise DeskError(
                _("The file {path} cannot be written: {problem}.").format(
                    path=out, problem=error.strerror or error
                )
            ) from error
        print_log.record_print(
            core,
            actor,
            kind=document.kind,
            record_id=document.record_id,
            number=document.number,
            printer=_("PDF file {path}").format(path=out.resolve()),
            copies=1,
            result=PrintResult.SENT,
        )
        print(_("Written: {path} ({size} bytes).").format(path=out, size=len(shown.pdf)))
        if shown.duplicate:
            print(_("The receipt was printed before: this copy is marked as a duplicate."))
        return 0
    finally:
        started.core.database.dispose()


def write_permit_card(args: argparse.Namespace, config: Config, actor: Actor) -> int:
    """The card of a permit from the centre as a PDF for the card printer: issued, so it
    needs the holder's photo, is logged, and moves the application to "card printed"."""
    prepare(config, log_name="admin")
    started = start_core(config)
    try:
        core = started.core
        data = permits.card_data(core, actor, config, args.permit)
        permits.require_photo(data)
        document = permits.card_printable(core, actor, config, args.permit)
        shown = preview(core, actor, document, PaperKind.CARD)
        out = Path(args.out)
        try:
            out.write_bytes(shown.pdf)
        except OSError as error:
            raise DeskError(
                _("The file {path} cannot be written: {problem}.").format(
                    path=out, problem=error.strerror or error
                )
            ) from error
        print_log.record_print(
            core,
            actor,
            kind=document.kind,
            record_id=document.record_id,
            number=document.number,
            printer=_("PDF file {path}").format(path=out.resolve()),
            copies=1,
            result=PrintResult.SENT,
        )
        permits.mark_card_printed(core, actor, data.permit_number)
        print(_("Written: {path} ({size} bytes).").format(path=out, size=len(shown.pdf)))
        return 0
    finally:
        started.core.database.dispose()
