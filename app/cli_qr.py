"""``reception-admin qr verify``: check a QR code's text, given on standard input.

By default the code is checked against this desk's trust and revocation lists, from its
database, at the current time. With ``--trust-cert`` the named signer certificates are the only
trust and the database is not opened at all: that is how the EU certificate's public test
vectors are checked, each with its own certificate and validation clock (``--at``).

The answer is one JSON object on standard output: the verdict (status, title, message, kid)
and the claims. The exit status is 0 for a valid code, 1 for any other verdict and 2 for input
that is not a signed code at all.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import sys
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.clock import office_zone
from app.config import Config
from app.errors import DeskError
from app.i18n import _

# Every reception-admin command builds this parser: the codec and its cryptography load only
# when a code is actually checked.
if TYPE_CHECKING:
    from app.security.keys import TrustedKey
    from app.security.qr_codec import QrKind, Verdict

EXIT_VALID = 0
EXIT_REFUSED = 1
EXIT_MALFORMED = 2


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    qr = commands.add_parser("qr", parents=[common], help=_("signed QR codes"))
    actions = qr.add_subparsers(dest="qr_command", required=True, metavar="ACTION")
    check = actions.add_parser(
        "verify",
        parents=[common],
        help=_("check a code's text given on standard input; print the verdict and claims"),
    )
    check.add_argument("--prefix", help=_("the code's prefix, for foreign codes (e.g. HC1:)"))
    check.add_argument(
        "--trust-cert",
        action="append",
        metavar="CERT.pem",
        help=_("trust only this signer certificate (PEM or DER), not the desk's lists"),
    )
    check.add_argument(
        "--at",
        metavar="TIME",
        help=_("the moment to check at, ISO 8601 (without a zone: the office's time)"),
    )
    # The database is opened only when the desk's own lists are used (see cmd_qr).
    qr.set_defaults(handler=cmd_qr, needs_data=False)


def cmd_qr(args: argparse.Namespace, config: Config) -> int:
    from app.security.keys import RevocationList, TrustList
    from app.security.qr_codec import MAX_TEXT_LENGTH, VerdictStatus, verify

    at = _moment(args.at) if args.at else None
    # A reader types a few hundred characters; more than a document can hold is cut off here
    # and refused by the codec as too long.
    text = sys.stdin.read(MAX_TEXT_LENGTH + 64)
    if args.trust_cert:
        # No data folder, so no log file: technical details are dropped, not printed among
        # the answer (Python prints unhandled log records on standard error otherwise).
        logging.getLogger().addHandler(logging.NullHandler())
        trust = TrustList.of(*(_certificate(Path(name)) for name in args.trust_cert))
        verdict = verify(
            text, trust, RevocationList(), at or datetime.now(office_zone()), prefix=args.prefix
        )
    else:
        verdict = _verify_on_desk(config, text, at, args.prefix)
    print(json.dumps(verdict_json(verdict), ensure_ascii=False, indent=2))
    if verdict.status is VerdictStatus.MALFORMED:
        return EXIT_MALFORMED
    return EXIT_VALID if verdict.is_valid else EXIT_REFUSED


def _verify_on_desk(config: Config, text: str, at: datetime | None, prefix: str | None) -> Verdict:
    from app.bootstrap import start_core
    from app.datafolder import prepare
    from app.services import trust

    prepare(config, log_name="admin")
    started = start_core(config)
    try:
        return trust.verify_code(started.core, text, at=at, prefix=prefix)
    finally:
        started.core.database.dispose()


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise DeskError(
            _("--at {value}: not a moment in ISO 8601, e.g. 2026-11-24T10:00+04:00.").format(
                value=text
            )
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=office_zone())


def _certificate(path: Path) -> TrustedKey:
    from app.security.keys import TrustedKey

    try:
        data = path.read_bytes()
    except OSError as error:
        raise DeskError(
            _("The file {path} cannot be read: {problem}.").format(
                path=path, problem=error.strerror or error
            )
        ) from error
    return TrustedKey.from_certificate(data)


# --- JSON --------------------------------------------------------------------------------------


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    return {
        "status": verdict.status.value,
        "title": verdict.status.title,
        "message": verdict.message,
        "kid": base64.b64encode(verdict.kid).decode("ascii") if verdict.kid else None,
        "kind": verdict.kind.name.lower() if verdict.kind else None,
        "signer": verdict.signer or None,
        "issued_at": verdict.issued_at.isoformat() if verdict.issued_at else None,
        "expires_at": verdict.expires_at.isoformat() if verdict.expires_at else None,
        "claims": {
            _claim_name(key, verdict.kind): _plain(value) for key, value in verdict.claims.items()
        },
    }


def _claim_name(key: Any, kind: QrKind | None) -> str:
    from app.security.qr_codec import Claim

    # Our layout's names for our codes; for foreign ones only the CWT registry's (1..7) mean
    # the same, and the rest keep their number as the document's own format defines it.
    if isinstance(key, int) and not isinstance(key, bool):
        ours = kind is not None and kind.is_ours
        try:
            claim = Claim(key)
        except ValueError:
            return str(key)
        if key > 0 or ours:
            return claim.name.lower()
    return str(key)


def _plain(value: Any) -> Any:
    """A claim's value in JSON: bytes as base64, maps with text keys, dates as ISO 8601."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
