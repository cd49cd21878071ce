"""``reception-admin report daily``: the office's summary of a day, or of a period summed.

``report daily --date 2026-11-24 --out summary.pdf`` writes the A4 summary in the office's
language; ``--to`` makes it a period (a week, a month); ``--csv`` and ``--xlsx`` save it for
spreadsheets; ``--json`` prints it for scripts, with the same figures as the PDF.
"""

from __future__ import annotations

import argparse
import getpass
import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from app.config import Config
from app.domain.users import Actor
from app.errors import DeskError
from app.i18n import LANGUAGES, _


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    report = commands.add_parser("report", parents=[common], help=_("the office's summaries"))
    kinds = report.add_subparsers(dest="report_command", required=True, metavar="KIND")
    daily = kinds.add_parser(
        "daily",
        parents=[common],
        help=_("the summary of a day, or of a period of days summed"),
    )
    daily.add_argument(
        "--date", required=True, type=_day, metavar="YYYY-MM-DD", help=_("the day (the first one)")
    )
    daily.add_argument(
        "--to",
        type=_day,
        metavar="YYYY-MM-DD",
        help=_("the last day of a period (a week, a month)"),
    )
    output = daily.add_mutually_exclusive_group(required=True)
    output.add_argument("--out", metavar="FILE.pdf", help=_("write the summary as PDF"))
    output.add_argument("--csv", metavar="FILE.csv", help=_("write the summary as CSV"))
    output.add_argument(
        "--xlsx", metavar="FILE.xlsx", help=_("write the summary as an Excel workbook")
    )
    output.add_argument("--json", action="store_true", help=_("print the summary as JSON"))
    daily.add_argument(
        "--document-language",
        choices=LANGUAGES,
        help=_("the language of the document (the office's by default)"),
    )
    report.set_defaults(handler=cmd_report)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{value}: not a day as YYYY-MM-DD, e.g. 2026-11-24.").format(value=text)
        ) from None


def _actor() -> Actor:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return Actor.system(f"cli:{who}")


def cmd_report(args: argparse.Namespace, config: Config) -> int:
    from app.bootstrap import start_core
    from app.services import reports

    if args.document_language:
        config = replace(config, language=args.document_language)
    started = start_core(config)
    try:
        if started.identity is None:
            raise DeskError(_("This desk is not set up yet: run 'reception-admin init' first."))
        summary = reports.daily_summary(started.core, _actor(), args.date, args.to)
    finally:
        started.core.database.dispose()
    if args.json:
        print(json.dumps(reports.to_json_dict(summary), ensure_ascii=False, indent=2))
        return 0
    if args.out:
        from printing.summary import render_summary

        path, data = Path(args.out), render_summary(summary, language=config.language)
    elif args.csv:
        from app.services.report_files import summary_csv

        path, data = Path(args.csv), summary_csv(summary, config.language)
    else:
        from app.services.report_files import summary_xlsx

        path, data = Path(args.xlsx), summary_xlsx(summary, config.language)
    try:
        path.write_bytes(data)
    except OSError as error:
        raise DeskError(
            _("The file {path} cannot be written: {problem}.").format(
                path=path, problem=error.strerror or error
            )
        ) from None
    print(_("Written: {path} ({size} bytes).").format(path=path, size=len(data)))
    return 0
