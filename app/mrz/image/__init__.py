"""Reading the MRZ of a passport or identity card from a scan or photo, in OCR-B.

``read_mrz_image`` finds the MRZ (``locate``), cuts its character cells (``segment``),
classifies them with the project's own OCR-B model (``classifier``, trained by ``train``),
corrects them by position and check digits (``correct``), parses them with
``app.mrz.parse_mrz`` and crops the portrait (``face``).
"""

from __future__ import annotations

from app.mrz.image.classifier import MrzReaderUnavailableError
from app.mrz.image.correct import Correction
from app.mrz.image.model import MrzImageRead, NoMrzFoundError, read_to_json
from app.mrz.image.reader import read_mrz_image, read_page

__all__ = [
    "Correction",
    "MrzImageRead",
    "MrzReaderUnavailableError",
    "NoMrzFoundError",
    "read_mrz_image",
    "read_page",
    "read_to_json",
]
