"""``reception-admin mrz read IMAGE``: read the MRZ of a passport or identity card from a
scan or photo, and optionally save the portrait beside it.

Without ``--json`` it prints the fields for a person; with ``--json``, one JSON object: the
parsed fields, ``valid``, ``confidence``, the lines as read and corrected, and the least
certain characters. The exit status is 0 for a valid read, 3 for a read whose check digits
or characters do not all check out (as ``mrz parse``), and 2 when the file cannot be read
or shows no MRZ (the reason on standard error, in one line).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.config import Config
from app.errors import DeskError
from app.i18n import _

if TYPE_CHECKING:
    from app.mrz.image import MrzImageRead

EXIT_VALID = 0
EXIT_NOT_AN_MRZ = 2
EXIT_INVALID = 3


def add_parser(actions: Any, common: argparse.ArgumentParser) -> None:
    """``read`` under ``reception-admin mrz``; ``actions`` is the mrz command's subparsers."""
    read = actions.add_parser(
        "read",
        parents=[common],
        help=_("read the MRZ of a passport or identity card from a scan or photo"),
    )
    read.add_argument("image", metavar="IMAGE", help=_("a picture (PNG, JPEG, TIFF...) or a PDF"))
    read.add_argument("--json", action="store_true", help=_("print one JSON object"))
    read.add_argument(
        "--face-out",
        metavar="FILE.png",
        help=_("save the portrait beside the MRZ as a PNG file"),
    )
    read.set_defaults(handler=cmd_mrz_read, needs_data=False)


def cmd_mrz_read(args: argparse.Namespace, config: Config) -> int:
    # Imported here: OpenCV and the model load only when a picture is actually read.
    from app.mrz.image import NoMrzFoundError, read_mrz_image, read_to_json

    try:
        read = read_mrz_image(Path(args.image), with_face=bool(args.face_out) or args.json)
    except NoMrzFoundError as error:
        if args.json:
            _print_json({"valid": False, "error": "no_mrz", "message": error.message})
        print(error.message, file=sys.stderr)
        return EXIT_NOT_AN_MRZ
    face_written = None
    if args.face_out:
        face_written = _write_face(read.face_png(), Path(args.face_out))
    if args.json:
        answer = read_to_json(read)
        answer["face_file"] = str(face_written) if face_written else None
        _print_json(answer)
    else:
        _print_text(read)
    return EXIT_VALID if read.valid else EXIT_INVALID


def _write_face(png: bytes | None, path: Path) -> Path | None:
    if png is None:
        print(
            _(
                "No portrait was found beside the MRZ (an identity card shows it on the "
                "front): {path} was not written."
            ).format(path=path),
            file=sys.stderr,
        )
        return None
    try:
        path.write_bytes(png)
    except OSError as error:
        raise DeskError(
            _("The file {path} cannot be written: {problem}.").format(
                path=path, problem=error.strerror or error
            )
        ) from error
    return path


def _print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _print_text(read: MrzImageRead) -> None:
    from app.mrz import check_label, structural_error_label

    result = read.result
    for line in read.lines:
        print(line)
    print()
    rows = (
        (_("Format"), result.format.value),
        (_("Document"), f"{result.document_type} {result.document_number}"),
        (_("Issuing state"), result.issuing_state),
        (_("Surname"), result.surname),
        (_("Given names"), result.given_names),
        (_("Nationality"), result.nationality),
        (_("Date of birth"), result.birth_date.isoformat() if result.birth_date else "-"),
        (_("Sex"), result.sex),
        (_("Date of expiry"), result.expiry_date.isoformat() if result.expiry_date else "-"),
        (_("Confidence"), f"{read.confidence:.2f}"),
    )
    width = max(len(label) for label, _value in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    if read.valid:
        print(_("Every check digit matches."))
        return
    problems = [check_label(name) for name in result.failed_checks]
    problems += [structural_error_label(name) for name in result.structural_errors]
    if read.unreadable:
        problems.append(
            _("characters that cannot be read at {cells}").format(
                cells=", ".join(f"{line}:{position}" for line, position in read.unreadable)
            )
        )
    if not problems:
        problems.append(_("check digits that are not clearly printed"))
    print(
        _("Not valid: {problems}. Compare with the document, or scan it again.").format(
            problems="; ".join(problems)
        )
    )
