"""reception-admin enroll and sync: the desk and the central server, from the command line."""

from __future__ import annotations

import argparse
import json
from typing import Any

from app.cli_actor import command_line_actor
from app.config import Config
from app.errors import DeskError
from app.i18n import _


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    enroll = commands.add_parser(
        "enroll", parents=[common], help=_("register this desk with the central server")
    )
    enroll.add_argument("--server", required=True, metavar="URL", help=_("the server's address"))
    enroll.add_argument("--code", required=True, help=_("the one-time code from the centre"))
    enroll.add_argument("--json", action="store_true")
    enroll.set_defaults(handler=cmd_enroll)

    sync = commands.add_parser(
        "sync", parents=[common], help=_("send what waits and receive the centre's changes")
    )
    sync.add_argument("--json", action="store_true")
    sync.set_defaults(handler=cmd_sync)


def cmd_enroll(args: argparse.Namespace, config: Config) -> int:
    from app.bootstrap import start_core
    from app.sync.enrolment import enrol

    started = start_core(config)
    try:
        if started.identity is None:
            raise DeskError(_("This desk is not set up yet: run 'reception-admin init' first."))
        enrolment = enrol(
            started.core, config, command_line_actor(), server_url=args.server, code=args.code
        ).value
        result = {
            "desk_id": str(enrolment.remote_desk_id),
            "office": enrolment.office_code,
            "server": enrolment.server_url,
        }
        if args.json:
            print(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            print(
                _("Enrolled with {server} for the office {office}.").format(
                    server=enrolment.server_url, office=enrolment.office_code
                )
            )
        return 0
    finally:
        started.core.database.dispose()


def cmd_sync(args: argparse.Namespace, config: Config) -> int:
    from app.bootstrap import start_core
    from app.sync.run import sync_once
    from app.sync.state import sync_status

    started = start_core(config)
    try:
        report = sync_once(started.core, config)
        status = sync_status(started.core)
        result = {
            "sent": report.push.sent,
            "quarantined": report.push.quarantined,
            "received": report.pull.applied if report.pull else 0,
            "feed_cursor": status.feed_cursor,
            "pending": status.pending,
            "quarantined_total": status.quarantined,
            "clock_offset_seconds": round(report.clock_offset_seconds, 3),
            "clock_warning": report.clock_warning,
        }
        if args.json:
            print(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            print(
                _("Sent {sent}, received {received}; {pending} waiting.").format(
                    sent=result["sent"], received=result["received"], pending=result["pending"]
                )
            )
            if report.clock_warning:
                print(report.clock_warning)
        return 0
    finally:
        started.core.database.dispose()
