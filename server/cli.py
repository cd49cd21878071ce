"""reception-server: set up and run the central server, and act for the centre.

The server's home folder holds its SQLite database (unless ``--db`` names another) and the
central permit key; it is made readable by its owner only.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from platformdirs import user_data_dir

from app.db.engine import Database
from app.errors import DeskError
from app.services.masterdata import bundled_masterdata
from app.services.masterdata_file import parse_masterdata
from app.services.setup import DEMO_OFFICE
from server import permits, store
from server.api import DATABASE_ENV
from server.models import Base

HOME_ENV: Final = "RECEPTION_SERVER_HOME"
log = logging.getLogger("server.cli")


def _home(args: argparse.Namespace) -> Path:
    home = Path(args.home or os.environ.get(HOME_ENV) or user_data_dir("reception-server"))
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        home.chmod(0o700)
    return home


def _database_url(args: argparse.Namespace) -> str:
    url = args.db or os.environ.get(DATABASE_ENV)
    return url or f"sqlite:///{_home(args) / 'server.db'}"


def _now() -> datetime:
    return datetime.now(UTC)


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def cmd_init(args: argparse.Namespace, database: Database) -> int:
    Base.metadata.create_all(database.engine)
    signer = permits.load_or_create_central_key(_home(args) / "keys")
    with database.writing() as session:
        if store.latest_masterdata(session) is None:
            raw = bundled_masterdata().read_bytes()
            store.publish_masterdata(session, parse_masterdata(raw), raw, _now())
            permits.publish_central_key(session, signer, _now())
    if args.demo:
        print(f"demo office: {DEMO_OFFICE}")
    print("ready")
    return 0


def cmd_run(args: argparse.Namespace, database: Database) -> int:
    import uvicorn

    database.dispose()
    os.environ[DATABASE_ENV] = _database_url(args)
    uvicorn.run(
        "server.api:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="warning",
        # Desks on slow links pause between requests; keep their connections open meanwhile.
        timeout_keep_alive=75,
        # Time and request lines go to the log; a desk's personal data never does.
        access_log=False,
    )
    return 0


def cmd_offices(args: argparse.Namespace, database: Database) -> int:
    with database.reading() as session:
        listed = [asdict(office) for office in store.offices(session)]
    if args.json:
        _print_json(listed)
    else:
        for office in listed:
            print(f"{office['code']}\t{office['names']['en']}\t{office['desks']} desk(s)")
    return 0


def cmd_enroll_code(args: argparse.Namespace, database: Database) -> int:
    with database.writing() as session:
        code = store.new_enrol_code(session, args.office, _now())
    print(code)
    return 0


def cmd_decide(args: argparse.Namespace, database: Database) -> int:
    signer = permits.load_or_create_central_key(_home(args) / "keys")
    with database.writing() as session:
        decision = permits.decide(
            session, signer, args.application, args.decision == "approve", _now()
        )
    _print_json(asdict(decision))
    return 0


def cmd_revoke(args: argparse.Namespace, database: Database) -> int:
    with database.writing() as session:
        permits.revoke_permit(session, args.permit, _now(), args.reason or "")
    print(f"revoked {args.permit}")
    return 0


def cmd_revoke_desk(args: argparse.Namespace, database: Database) -> int:
    with database.writing() as session:
        store.revoke_desk(session, uuid.UUID(args.desk), _now())
    print(f"revoked desk {args.desk}")
    return 0


def cmd_masterdata(args: argparse.Namespace, database: Database) -> int:
    raw = Path(args.file).read_bytes()
    parsed = parse_masterdata(raw, source=args.file)
    with database.writing() as session:
        seq = store.publish_masterdata(session, parsed, raw, _now())
    print(f"published revision {parsed.header.revision} as change {seq}")
    return 0


def cmd_stats(args: argparse.Namespace, database: Database) -> int:
    with database.reading() as session:
        figures = store.stats(session)
    if args.json:
        _print_json(figures)
    else:
        for key, value in figures.items():
            print(f"{key}\t{value}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", help="the server's folder (database, central key)")
    common.add_argument("--db", help="database URL (default: SQLite in the home folder)")
    parser = argparse.ArgumentParser(
        prog="reception-server", description="The central server of the reception desks."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = commands.add_parser("init", parents=[common], help="create the tables and keys")
    init.add_argument("--demo", action="store_true", help="the desk's demo office too")
    init.set_defaults(handler=cmd_init)

    run = commands.add_parser("run", parents=[common], help="serve the API")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8080)
    run.add_argument("--workers", type=int, default=1)
    run.set_defaults(handler=cmd_run)

    offices = commands.add_parser("offices", parents=[common], help="the offices and desks")
    offices.add_argument("--json", action="store_true")
    offices.set_defaults(handler=cmd_offices)

    code = commands.add_parser(
        "enroll-code", parents=[common], help="print a one-time code for a new desk"
    )
    code.add_argument("--office", required=True)
    code.set_defaults(handler=cmd_enroll_code)

    decide = commands.add_parser(
        "decide", parents=[common], help="approve or refuse an application"
    )
    decide.add_argument("application", help="its number or id")
    decide.add_argument("decision", choices=["approve", "refuse"])
    decide.set_defaults(handler=cmd_decide)

    revoke = commands.add_parser("revoke", parents=[common], help="revoke a permit")
    revoke.add_argument("permit")
    revoke.add_argument("--reason")
    revoke.set_defaults(handler=cmd_revoke)

    revoke_desk = commands.add_parser(
        "revoke-desk", parents=[common], help="refuse a desk from now on"
    )
    revoke_desk.add_argument("desk", help="the desk's id")
    revoke_desk.set_defaults(handler=cmd_revoke_desk)

    masterdata = commands.add_parser("masterdata", parents=[common], help="master data")
    md_commands = masterdata.add_subparsers(dest="md_command", required=True, metavar="ACTION")
    md_commands.add_parser(
        "publish", parents=[common], help="send a master data file to every desk"
    ).add_argument("file")
    masterdata.set_defaults(handler=cmd_masterdata)

    stats = commands.add_parser("stats", parents=[common], help="figures")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(handler=cmd_stats)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    database = Database(_database_url(args))
    try:
        if args.command not in ("init", "run"):
            Base.metadata.create_all(database.engine)
        code: int = args.handler(args, database)
        return code
    except store.ProblemError as problem:
        print(problem.detail, file=sys.stderr)
        return 1 if problem.status < 500 else 2
    except DeskError as error:
        print(str(error), file=sys.stderr)
        return 1
    finally:
        database.dispose()


if __name__ == "__main__":
    sys.exit(main())
