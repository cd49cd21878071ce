"""``reception-admin queue``: issue a ticket, call the next one, see the queue, for scripts.

``queue issue --service CODE`` issues as the kiosk does; ``queue call --counter N`` calls as a
clerk at that counter would, in the name of the command line's system actor; ``queue status``
lists each service's queue. With ``--json`` each prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from app.cli_actor import command_line_actor
from app.config import Config
from app.domain.queue import PriorityCategory, Ticket, TicketChannel
from app.errors import DeskError
from app.i18n import _, current_language


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    queue = commands.add_parser("queue", parents=[common], help=_("the visitors' queue"))
    actions = queue.add_subparsers(dest="queue_command", required=True, metavar="ACTION")
    issue = actions.add_parser("issue", parents=[common], help=_("issue a ticket for a service"))
    issue.add_argument("--service", required=True, metavar="CODE", help=_("the service's code"))
    issue.add_argument(
        "--priority",
        choices=[category.value for category in PriorityCategory if not category.is_appointment],
        help=_("a priority category"),
    )
    issue.add_argument("--json", action="store_true")
    call = actions.add_parser("call", parents=[common], help=_("call the next ticket to a counter"))
    call.add_argument("--counter", required=True, type=int, metavar="N")
    call.add_argument("--json", action="store_true")
    status = actions.add_parser("status", parents=[common], help=_("each service's queue now"))
    status.add_argument("--json", action="store_true")
    queue.set_defaults(handler=cmd_queue)


def cmd_queue(args: argparse.Namespace, config: Config) -> int:
    from app.bootstrap import start_core
    from app.services import queue, queue_measures

    started = start_core(config)
    try:
        if started.identity is None:
            raise DeskError(_("This desk is not set up yet: run 'reception-admin init' first."))
        core, actor = started.core, command_line_actor()
        if args.queue_command == "issue":
            priority = PriorityCategory(args.priority) if args.priority else None
            ticket = queue.issue_ticket(
                core, actor, args.service, priority=priority, channel=TicketChannel.DESK
            ).value
            _show(args.json, ticket_json(ticket), _ticket_line(ticket))
            return 0
        if args.queue_command == "call":
            called = queue.call_next(core, actor, args.counter).value
            if called is None:
                _show(
                    args.json,
                    {"called": None, "counter": args.counter},
                    _("No one is waiting for counter {counter}.").format(counter=args.counter),
                )
                return 0
            _show(
                args.json,
                {"called": ticket_json(called), "counter": args.counter},
                _("Ticket {number} to counter {counter}.").format(
                    number=called.number, counter=args.counter
                ),
            )
            return 0
        snapshot = queue_measures.queue_status(core, actor)
        services = [
            {
                "code": service.code,
                "name": service.name.in_language(current_language()),
                "prefix": service.prefix,
                "waiting": service.waiting,
                "priority_waiting": service.priority_waiting,
                "longest_wait_seconds": service.longest_wait_seconds,
                "longest_wait_minutes": service.longest_wait_seconds // 60,
                "open_counters": service.open_counters,
            }
            for service in snapshot.services
        ]
        lines = "\n".join(
            f"{s['prefix']}  {s['code']:<20} {s['waiting']:>4}  {s['longest_wait_minutes']:>4} min"
            for s in services
        )
        _show(args.json, {"day": snapshot.day.isoformat(), "services": services}, lines)
        return 0
    finally:
        started.core.database.dispose()


def _show(as_json: bool, value: dict[str, Any], text: str) -> None:
    if as_json:
        print(json.dumps(value, ensure_ascii=False, indent=2))
    else:
        print(text)


def _ticket_line(ticket: Ticket) -> str:
    return _("{number}  {service}  people ahead: {ahead}, about {minutes} min").format(
        number=ticket.number,
        service=ticket.service_name.in_language(current_language()),
        ahead=ticket.people_ahead,
        minutes=ticket.estimated_wait_minutes,
    )


def ticket_json(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": str(ticket.id),
        "number": ticket.number,
        "service": ticket.service_code,
        "service_name": ticket.service_name.in_language(current_language()),
        "state": ticket.state.value,
        "priority": ticket.priority.value if ticket.priority else None,
        "issued_at": ticket.issued_at.isoformat(),
        "people_ahead": ticket.people_ahead,
        "estimated_wait_minutes": ticket.estimated_wait_minutes,
        "counter": ticket.counter_number,
        "called_at": ticket.called_at.isoformat() if ticket.called_at else None,
    }
