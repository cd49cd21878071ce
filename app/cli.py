"""reception-admin: the command line for administrators and scripts.

Whoever runs it can read the data folder, and so already holds everything in it; commands run
as the system actor named after the operating-system user, and each change is audited.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app import __version__, cli_mrz_image, cli_printers, cli_qr, cli_queue, cli_report, cli_sync
from app.bootstrap import Started, start_core
from app.cli_actor import command_line_actor
from app.config import Config, load_config
from app.datafolder import prepare
from app.domain.users import Role
from app.errors import DatabaseCorruptError, DeskError
from app.i18n import LANGUAGES, _, set_language

log = logging.getLogger("app.cli")

Handler = Callable[[argparse.Namespace, Config], int]


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _read_password(args: argparse.Namespace, prompt: str) -> str:
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise DeskError(
            _(
                "No terminal to ask for the password: pass --password-stdin and "
                "write it on standard input."
            )
        )
    first = getpass.getpass(prompt)
    if getpass.getpass(_("Repeat the password: ")) != first:
        raise DeskError(_("The two passwords differ. Nothing was changed."))
    return first


def _started(config: Config) -> Started:
    return start_core(config)


def _require_setup(started: Started) -> None:
    if started.identity is None:
        raise DeskError(_("This desk is not set up yet: run 'reception-admin init' first."))


# --- init ------------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace, config: Config) -> int:
    from app.services import setup

    started = _started(config)
    if started.identity is not None:
        office = started.identity.office
        print(
            _("This desk is set up already for {office} ({code}).").format(
                office=office.name.en, code=office.code
            )
        )
        return 0
    if args.demo:
        demo = setup.initialize_demo(started.core).value
        print(
            _("Demo office {code} is ready. Passwords, shown only this once:").format(
                code=demo.identity.office.code
            )
        )
        for username, role, password in demo.passwords:
            print(f"  {username:<12} {role.value:<11} {password}")
        return 0
    if not args.office or not args.admin:
        raise DeskError(_("Give --office CODE and --admin NAME, or --demo."))
    password = _read_password(args, _("Password for {name}: ").format(name=args.admin))
    identity = setup.initialize_office(
        started.core,
        office_code=args.office,
        admin_username=args.admin,
        admin_full_name=args.full_name or args.admin,
        admin_password=password,
    ).value
    print(
        _("The desk is set up for {office} ({code}); administrator: {name}.").format(
            office=identity.office.name.en, code=identity.office.code, name=args.admin
        )
    )
    return 0


# --- users -----------------------------------------------------------------------------------


def cmd_users(args: argparse.Namespace, config: Config) -> int:
    from app.services import users

    started = _started(config)
    _require_setup(started)
    core, actor = started.core, command_line_actor()
    assert started.identity is not None
    if args.users_command == "list":
        listed = users.list_users(core, actor)
        if args.json:
            _print_json(
                [
                    {
                        "username": u.username,
                        "full_name": u.full_name,
                        "role": u.role.value,
                        "active": u.active,
                    }
                    for u in listed
                ]
            )
        else:
            for user in listed:
                state = _("active") if user.active else _("disabled")
                print(f"{user.username:<16} {user.role.value:<11} {state:<10} {user.full_name}")
        return 0
    if args.users_command == "add":
        password = _read_password(args, _("Password for {name}: ").format(name=args.username))
        users.create_user(
            core,
            actor,
            office_id=started.identity.office.id,
            username=args.username,
            full_name=args.full_name,
            role=Role(args.role),
            password=password,
        )
        print(_("User {name} created.").format(name=args.username))
    elif args.users_command in ("disable", "enable"):
        users.set_active(core, actor, args.username, args.users_command == "enable")
        print(
            _("User {name} is now {state}.").format(
                name=args.username,
                state=_("active") if args.users_command == "enable" else _("disabled"),
            )
        )
    elif args.users_command == "set-role":
        users.set_role(core, actor, args.username, Role(args.role))
        print(
            _("User {name} now has the role {role}.").format(
                name=args.username, role=Role(args.role).label
            )
        )
    elif args.users_command == "reset-password":
        password = _read_password(args, _("New password for {name}: ").format(name=args.username))
        users.reset_password(core, actor, args.username, password)
        print(_("The password of {name} was reset.").format(name=args.username))
    return 0


# --- master data -----------------------------------------------------------------------------


def cmd_masterdata(args: argparse.Namespace, config: Config) -> int:
    from app.services import masterdata

    if args.masterdata_command == "check":
        from app.services.masterdata_file import parse_masterdata

        parsed = parse_masterdata(Path(args.file).read_bytes(), source=Path(args.file).name)
        print(
            _("The file is valid: version {version}, revision {revision}.").format(
                version=parsed.header.version, revision=parsed.header.revision
            )
        )
        return 0
    started = _started(config)
    if args.masterdata_command == "import":
        path = Path(args.file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DeskError(
                _("The file {path} cannot be read: {problem}.").format(
                    path=path, problem=error.strerror or error
                )
            ) from error
        report = masterdata.import_masterdata(
            started.core, command_line_actor(), data, source=path.name, allow_older=args.allow_older
        ).value
        if report.already_loaded:
            print(
                _("This master data (version {version}) is loaded already.").format(
                    version=report.version
                )
            )
        else:
            print(
                _("Master data version {version} (revision {revision}) loaded: {counts}.").format(
                    version=report.version,
                    revision=report.revision,
                    counts=", ".join(f"{k} {v}" for k, v in report.counts.items()),
                )
            )
        return 0
    with started.core.reading() as session:
        loaded = masterdata.current_version(session)
        offices = masterdata.list_offices(session)
        services = masterdata.list_services(session)
    summary = {
        "version": loaded.version if loaded else None,
        "revision": loaded.revision if loaded else None,
        "offices": [o.code for o in offices],
        "services": [{"code": s.code, "prefix": s.queue_prefix} for s in services],
    }
    _print_json(summary)
    return 0


# --- audit -----------------------------------------------------------------------------------


def cmd_audit(args: argparse.Namespace, config: Config) -> int:
    from app.services import audit

    started = _started(config)
    with started.core.reading() as session:
        if args.audit_command == "verify":
            report = audit.verify_chain(session)
            if args.json:
                _print_json(
                    {
                        "intact": report.intact,
                        "rows": report.rows_checked,
                        "first_broken": report.first_broken_seq,
                        "problem": report.problem,
                    }
                )
            elif report.intact:
                print(
                    _("The audit log is intact: {count} rows checked.").format(
                        count=report.rows_checked
                    )
                )
            else:
                print(
                    _("The audit log is broken at row {seq}: {problem}.").format(
                        seq=report.first_broken_seq, problem=report.problem
                    )
                )
            return 0 if report.intact else 3
        entries = audit.recent_entries(session, args.limit)
    _print_json(
        [
            {
                "seq": e.seq,
                "at": e.at.isoformat(),
                "actor": e.actor_name,
                "action": e.action,
                "entity": e.entity,
                "entity_id": e.entity_id,
            }
            for e in entries
        ]
    )
    return 0


# --- backup and restore ----------------------------------------------------------------------


def cmd_backup(args: argparse.Namespace, config: Config) -> int:
    from datetime import UTC, datetime

    from app.db import backup

    if args.backup_command == "list":
        for item in backup.list_backups(config):
            print(
                f"{item.taken_at.isoformat(timespec='seconds')}  {item.size:>12}  {item.path.name}"
            )
        return 0
    if not config.uses_sqlite:
        raise DeskError(
            _(
                "Backups of the office's PostgreSQL database are made on the "
                "database server (pg_dump); this command backs up the embedded "
                "database only."
            )
        )
    made = backup.backup_sqlite(config, now=datetime.now(UTC), reason="manual")
    print(_("Backup written: {path}").format(path=made.path))
    return 0


def cmd_restore(args: argparse.Namespace, config: Config) -> int:
    from datetime import UTC, datetime

    from app.db import backup

    if not config.uses_sqlite:
        raise DeskError(
            _("Restore the office's PostgreSQL database on the database server (pg_restore).")
        )
    if args.latest:
        newest = backup.latest_backup(config)
        if newest is None:
            raise DeskError(_("There is no backup in {path}.").format(path=config.backups_dir))
        source = newest.path
    elif args.file:
        source = Path(args.file)
    else:
        raise DeskError(_("Name a backup file, or give --latest."))
    kept = backup.restore_sqlite(config, source, now=datetime.now(UTC))
    print(_("The database was restored from {path}.").format(path=source))
    if kept is not None:
        print(_("The file it replaced is kept as {path}.").format(path=kept))
    return 0


def cmd_status(args: argparse.Namespace, config: Config) -> int:
    from sqlalchemy import func, select

    from app.db.models import OutboxRow
    from app.db.schema import HEAD_REVISION

    started = _started(config)
    with started.core.reading() as session:
        pending = session.execute(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.status == "pending")
        ).scalar_one()
    identity = started.identity
    status = {
        "version": __version__,
        "data_dir": str(config.data_dir),
        "database": started.report.database.dialect,
        "schema": HEAD_REVISION,
        "office": identity.office.code if identity else None,
        "desk_id": str(identity.desk_id) if identity else None,
        "outbox_pending": pending,
    }
    _print_json(status)
    return 0


# --- MRZ -------------------------------------------------------------------------------------


def cmd_mrz(args: argparse.Namespace, config: Config) -> int:
    """Read MRZ lines on standard input (as a reader types them) and print what they say."""
    from app.mrz import MrzFormatError, check_label, parse_mrz, to_json_dict

    text = sys.stdin.read()
    try:
        result = parse_mrz(text)
    except MrzFormatError as error:
        _print_json({"valid": False, "error": error.code, "message": error.message})
        return 2
    report = to_json_dict(result)
    _print_json(report)
    if not result.valid and result.failed_checks and not args.quiet:
        failing = ", ".join(check_label(name) for name in result.failed_checks)
        print(_("Failing: {checks}").format(checks=failing), file=sys.stderr)
    return 0 if result.valid else 3


# --- print -----------------------------------------------------------------------------------


def cmd_print(args: argparse.Namespace, config: Config) -> int:
    """Write a printed document as PDF: for now the demo ones, to check fonts and printers."""
    # Imported here: reportlab loads only for the commands that print, not at every start.
    from printing import demo
    from printing.card import render_card
    from printing.layout import Paper
    from printing.receipt import render_receipt
    from printing.ticket import render_ticket

    if args.permit:
        if args.document != "card":
            raise DeskError(_("Only a card is written for a permit: print card."))
        from app import cli_print

        return cli_print.write_permit_card(args, config, command_line_actor())
    if args.application:
        if args.document != "receipt":
            raise DeskError(_("Only a receipt is written for an application: print receipt."))
        from app import cli_print

        return cli_print.write_application_receipt(args, config, command_line_actor())
    if not args.demo:
        raise DeskError(
            _(
                "Only the demo documents can be printed from here: add --demo (or, for a "
                "receipt, --application NUMBER)."
            )
        )
    language = args.document_language or config.language
    if args.document == "card":
        pdf = render_card(demo.demo_card())
    elif args.document == "receipt":
        receipt = demo.demo_receipt(language)
        pdf = render_receipt(receipt, language=language, paper=Paper(args.paper))
    else:
        pdf = render_ticket(demo.demo_ticket(language), language=language)
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


# --- persons ---------------------------------------------------------------------------------


def cmd_persons(args: argparse.Namespace, config: Config) -> int:
    started = _started(config)
    core, actor = started.core, command_line_actor()
    if args.persons_command == "import":
        from app.services.person_import import import_person_file

        path = Path(args.file)
        try:
            with path.open(encoding="utf-8") as stream:
                report = import_person_file(core, actor, stream, source=path.name).value
        except (OSError, UnicodeDecodeError) as error:
            problem = error.strerror if isinstance(error, OSError) else str(error)
            raise DeskError(
                _("The file {path} cannot be read: {problem}.").format(
                    path=path, problem=problem or error
                )
            ) from error
        rate = report.persons / report.seconds if report.seconds else 0.0
        print(
            _(
                "{persons} persons and {documents} documents imported in {batches} batches "
                "({seconds:.1f} s, {rate:,.0f} persons a second)."
            ).format(
                persons=report.persons,
                documents=report.documents,
                batches=report.batches,
                seconds=report.seconds,
                rate=rate,
            )
        )
        return 0
    from app.services.person_search import search_persons

    found = search_persons(core, actor, args.query, limit=args.limit)
    if args.json:
        _print_json(
            [
                {
                    "id": str(person.id),
                    "surname": person.surname,
                    "given_names": person.given_names,
                    "birth_date": person.birth_date.isoformat() if person.birth_date else None,
                    "nationality": person.nationality,
                    "document_number": person.document_number,
                    "match": person.match.value,
                    "score": person.score,
                }
                for person in found
            ]
        )
    else:
        for person in found:
            born = person.birth_date.isoformat() if person.birth_date else "-"
            print(
                f"{person.surname} {person.given_names}  {born}  {person.nationality}  "
                f"{person.document_number or '-'}  {person.id}"
            )
        if not found:
            print(_("No person found."))
    return 0


# --- the parser ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS lets the options stand before or after the command without one hiding the other.
    common.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        help=_("the data folder (database, scans, logs, backups)"),
    )
    common.add_argument(
        "--database-url",
        default=argparse.SUPPRESS,
        help=_(
            "a database URL instead of the embedded SQLite file, "
            "e.g. postgresql+psycopg://user@host/db"
        ),
    )
    common.add_argument(
        "--language",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,
        help=_("the language of messages"),
    )
    parser = argparse.ArgumentParser(
        prog="reception-admin",
        parents=[common],
        description=_("Reception Desk administration: set-up, users, master data, audit, backups."),
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = commands.add_parser("init", parents=[common], help=_("set this desk up"))
    init.add_argument("--office", help=_("the office's code, e.g. AGS"))
    init.add_argument("--admin", help=_("the first administrator's user name"))
    init.add_argument("--full-name", help=_("the administrator's full name"))
    init.add_argument(
        "--demo", action="store_true", help=_("set up the demo office with three users")
    )
    init.add_argument(
        "--password-stdin", action="store_true", help=_("read the password from standard input")
    )
    init.set_defaults(handler=cmd_init)

    users = commands.add_parser("users", parents=[common], help=_("manage users"))
    user_commands = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    listing = user_commands.add_parser("list", parents=[common], help=_("list the users"))
    listing.add_argument("--json", action="store_true")
    add = user_commands.add_parser("add", parents=[common], help=_("create a user"))
    add.add_argument("username")
    add.add_argument("--full-name", required=True)
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.CLERK.value)
    add.add_argument("--password-stdin", action="store_true")
    for name, text in (("disable", _("disable a user")), ("enable", _("enable a user"))):
        user_commands.add_parser(name, parents=[common], help=text).add_argument("username")
    role = user_commands.add_parser("set-role", parents=[common], help=_("change a role"))
    role.add_argument("username")
    role.add_argument("role", choices=[r.value for r in Role])
    reset = user_commands.add_parser(
        "reset-password", parents=[common], help=_("set a new password")
    )
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true")
    users.set_defaults(handler=cmd_users)

    masterdata = commands.add_parser("masterdata", parents=[common], help=_("master data"))
    md_commands = masterdata.add_subparsers(
        dest="masterdata_command", required=True, metavar="ACTION"
    )
    md_import = md_commands.add_parser(
        "import", parents=[common], help=_("validate and load a file")
    )
    md_import.add_argument("file")
    md_import.add_argument(
        "--allow-older", action="store_true", help=_("load a revision older than the one loaded")
    )
    md_commands.add_parser(
        "check", parents=[common], help=_("validate a file without loading it")
    ).add_argument("file")
    md_commands.add_parser("show", parents=[common], help=_("what is loaded"))
    masterdata.set_defaults(handler=cmd_masterdata)

    audit = commands.add_parser("audit", parents=[common], help=_("the audit log"))
    audit_commands = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = audit_commands.add_parser("verify", parents=[common], help=_("check the hash chain"))
    verify.add_argument("--json", action="store_true")
    recent = audit_commands.add_parser("list", parents=[common], help=_("the latest entries"))
    recent.add_argument("--limit", type=int, default=50)
    audit.set_defaults(handler=cmd_audit)

    backup = commands.add_parser("backup", parents=[common], help=_("back the database up"))
    backup.add_argument("backup_command", nargs="?", choices=["create", "list"], default="create")
    backup.set_defaults(handler=cmd_backup)

    restore = commands.add_parser(
        "restore", parents=[common], help=_("restore the database from a backup")
    )
    restore.add_argument("file", nargs="?")
    restore.add_argument("--latest", action="store_true", help=_("the newest backup"))
    restore.set_defaults(handler=cmd_restore)

    mrz = commands.add_parser("mrz", parents=[common], help=_("machine-readable zones"))
    mrz_commands = mrz.add_subparsers(dest="mrz_command", required=True, metavar="ACTION")
    mrz_parse = mrz_commands.add_parser(
        "parse", parents=[common], help=_("read MRZ lines on standard input, print JSON")
    )
    mrz_parse.add_argument("--quiet", action="store_true", help=_("print only the JSON"))
    cli_mrz_image.add_parser(mrz_commands, common)
    mrz.set_defaults(handler=cmd_mrz, needs_data=False)

    printout = commands.add_parser(
        "print", parents=[common], help=_("write a receipt, queue ticket or permit card as PDF")
    )
    printout.add_argument("document", choices=["card", "receipt", "ticket"])
    printout.add_argument("--demo", action="store_true", help=_("the demo document"))
    printout.add_argument(
        "--application", metavar="NUMBER", help=_("the receipt of this submitted application")
    )
    printout.add_argument(
        "--permit", metavar="NUMBER", help=_("the card of this permit from the centre")
    )
    printout.add_argument("--out", required=True, help=_("the PDF file to write"))
    # The values of printing.layout.Paper, spelt out: importing it would load reportlab.
    printout.add_argument("--paper", choices=["a4", "roll_80"], default="a4")
    printout.add_argument(
        "--document-language",
        choices=LANGUAGES,
        help=_("the language of the document (the office's by default)"),
    )
    printout.set_defaults(handler=cmd_print, needs_data=False)
    cli_printers.add_parser(commands, common)

    persons = commands.add_parser("persons", parents=[common], help=_("the person registry"))
    person_commands = persons.add_subparsers(
        dest="persons_command", required=True, metavar="ACTION"
    )
    person_import = person_commands.add_parser(
        "import", parents=[common], help=_("check and load a JSON Lines file of persons")
    )
    person_import.add_argument("file")
    person_search = person_commands.add_parser(
        "search", parents=[common], help=_("find persons by name, birth date or document")
    )
    person_search.add_argument("query")
    person_search.add_argument("--limit", type=int, default=20)
    person_search.add_argument("--json", action="store_true")
    persons.set_defaults(handler=cmd_persons)

    cli_qr.add_parser(commands, common)
    cli_queue.add_parser(commands, common)
    cli_report.add_parser(commands, common)
    cli_sync.add_parser(commands, common)

    status = commands.add_parser("status", parents=[common], help=_("the desk's state"))
    status.set_defaults(handler=cmd_status)
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    set_language(_language_before_parsing(raw))
    args = build_parser().parse_args(raw)
    try:
        config = load_config(data_dir=getattr(args, "data_dir", None))
        if getattr(args, "database_url", None):
            from dataclasses import replace

            config = replace(config, database_url=args.database_url)
        set_language(getattr(args, "language", None) or config.language)
        if getattr(args, "needs_data", True):
            prepare(config, log_name="admin")
        handler: Handler = args.handler
        return handler(args, config)
    except DatabaseCorruptError as error:
        log.error("%s | %s", error, error.detail)
        print(error, file=sys.stderr)
        if error.latest_backup:
            print(
                _(
                    "The latest backup is {path}: 'reception-admin restore --latest' puts it "
                    "in place and keeps the damaged file."
                ).format(path=error.latest_backup),
                file=sys.stderr,
            )
        return 2
    except DeskError as error:
        log.warning("%s | %s", error, error.detail)
        print(error, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:
        log.exception("unexpected failure in reception-admin %s", " ".join(raw[:2]))
        print(
            _(
                "Something unexpected went wrong; the details are in the log file. Nothing "
                "was half-saved: each change is all or nothing."
            ),
            file=sys.stderr,
        )
        return 1


def _language_before_parsing(raw: list[str]) -> str:
    """The language for --help and parse errors, before the arguments are understood."""
    for index, item in enumerate(raw):
        if item.startswith("--language="):
            chosen = item.split("=", 1)[1]
        elif item == "--language" and index + 1 < len(raw):
            chosen = raw[index + 1]
        else:
            continue
        if chosen in LANGUAGES:
            return chosen
    try:
        return load_config().language
    except DeskError:
        return "en"


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":
    main()
