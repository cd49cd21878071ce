"""``reception-admin printers``: this computer's printers, which one takes each paper, a card
printer's offset (all kept in the desk's own settings file), and the calibration card the
offset is measured with."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.config import Config
from app.errors import DeskError
from app.i18n import _
from printing.spool import PaperKind


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    printers = commands.add_parser(
        "printers", parents=[common], help=_("this computer's printers for each paper")
    )
    actions = printers.add_subparsers(dest="printers_command", required=True, metavar="ACTION")
    actions.add_parser("list", parents=[common], help=_("the printers and what each is for"))
    use = actions.add_parser(
        "use", parents=[common], help=_("print this paper on this printer from now on")
    )
    use.add_argument("paper", choices=[paper.value for paper in PaperKind])
    use.add_argument("printer")
    offset = actions.add_parser(
        "offset", parents=[common], help=_("keep a card printer's offset, measured in mm")
    )
    offset.add_argument("printer")
    offset.add_argument("x", type=float, help=_("to the right, in millimetres"))
    offset.add_argument("y", type=float, help=_("upwards, in millimetres"))
    calibration = actions.add_parser(
        "calibration", parents=[common], help=_("write the card printer's calibration card")
    )
    calibration.add_argument("--out", required=True, help=_("the PDF file to write"))
    calibration.add_argument(
        "--printer", help=_("the card printer (the one in use for cards by default)")
    )
    printers.set_defaults(handler=cmd_printers, needs_data=False)


def cmd_printers(args: argparse.Namespace, config: Config) -> int:
    # Imported here: the card's module loads reportlab, which only printing commands need.
    from app.printer_settings import (
        card_offset,
        checked_offset,
        printer_for,
        remember_printer,
        save_card_offset,
    )

    if args.printers_command == "use":
        remember_printer(config, PaperKind(args.paper), args.printer)
        print(_("Saved: {paper} on {printer}.").format(paper=args.paper, printer=args.printer))
        return 0
    if args.printers_command == "offset":
        save_card_offset(config, args.printer, checked_offset(args.x, args.y))
        print(_("Saved: the offset of {printer}.").format(printer=args.printer))
        return 0
    if args.printers_command == "calibration":
        from printing.calibration import render_calibration_card

        printer = args.printer or printer_for(config, PaperKind.CARD) or ""
        pdf = render_calibration_card(
            language=config.language, offset=card_offset(config, printer), printer=printer
        )
        out = Path(args.out)
        try:
            out.write_bytes(pdf)
        except OSError as error:
            raise DeskError(
                _("The file {path} cannot be written: {problem}.").format(
                    path=out, problem=error.strerror or error
                )
            ) from error
        print(_("Written: {path} ({size} bytes).").format(path=out, size=len(pdf)))
        return 0
    used = {paper.value: printer_for(config, paper) for paper in PaperKind}
    print(
        json.dumps(
            {
                "printers": _listed_printers(config),
                "papers": used,
                "card_offsets": dict(config.card_offsets),
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0


def _listed_printers(config: Config) -> list[dict[str, Any]]:
    """The printers the desk offers, as its screens list them: the system's (CUPS) and the
    ESC/POS network printers of this computer's settings, each saying which kind it is."""
    from printing.escpos_backend import EscPosBackend, with_escpos
    from printing.spool import PrinterBackend, PrinterError, system_backend

    escpos = EscPosBackend(config.escpos_printers)
    system = system_backend()
    backend: PrinterBackend = escpos if system is None else with_escpos(system, escpos.printers)
    try:
        listed = backend.list_printers()
    except PrinterError as error:
        # The settings are worth seeing even while the print service is down.
        print(error.message, file=sys.stderr)
        listed = escpos.list_printers()
    return [
        {
            "name": p.name,
            "state": p.state.value,
            "default": p.is_default,
            # An ESC/POS printer hides a system printer of the same name, as on the screens.
            "kind": "escpos" if p.name in escpos.printers else "system",
            "address": escpos.printers.get(p.name),
        }
        for p in listed
    ]
