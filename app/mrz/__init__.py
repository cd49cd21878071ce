"""Machine-readable zones of travel documents (ICAO Doc 9303): reading and writing them.

``parse_mrz`` reads TD1, TD2, TD3, MRV-A and MRV-B text into an ``MrzResult``; the
``generate_*`` functions write the lines of each format from field values.
"""

from __future__ import annotations

from app.mrz.checkdigit import check_digit
from app.mrz.generate import (
    MrzDate,
    MrzFields,
    generate,
    generate_mrva,
    generate_mrvb,
    generate_td1,
    generate_td2,
    generate_td3,
)
from app.mrz.model import (
    CHECK_LABELS,
    ERROR_LABELS,
    WARNING_LABELS,
    MrzErrorCode,
    MrzFormat,
    MrzFormatError,
    MrzResult,
    check_label,
    structural_error_label,
    to_json_dict,
    warning_label,
)
from app.mrz.names import name_field, transliterate_name
from app.mrz.parse import parse_mrz
from app.mrz.text import read_lines

__all__ = [
    "CHECK_LABELS",
    "ERROR_LABELS",
    "WARNING_LABELS",
    "MrzDate",
    "MrzErrorCode",
    "MrzFields",
    "MrzFormat",
    "MrzFormatError",
    "MrzResult",
    "check_digit",
    "check_label",
    "generate",
    "generate_mrva",
    "generate_mrvb",
    "generate_td1",
    "generate_td2",
    "generate_td3",
    "name_field",
    "parse_mrz",
    "read_lines",
    "structural_error_label",
    "to_json_dict",
    "transliterate_name",
    "warning_label",
]
