"""The residence permit card: ID-1 (85.60 x 53.98 mm), front and back, for a card printer.

Each page is the card plus 1 mm of bleed on every side (MediaBox = BleedBox), with the TrimBox
on the card's edge, so a printer that prints edge to edge has colour to spare where it cuts.
The front shows the photo and the holder's data, the back the TD1 machine-readable zone in
OCR-B (as text, which is what border readers are calibrated for) and a QR code with the
permit's signed text. Labels are bilingual, Azerbaijani and English.

Card printers place the image a little off the card, each model and unit its own way: a
`CardOffset` measured with the calibration card (`printing.calibration`) shifts the whole
content by whole printer dots. It never scales: a card prints at 100 %.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from reportlab.lib.utils import ImageReader

from app.errors import DeskError
from app.i18n import N_, _
from printing.fonts import Face, require_glyphs
from printing.layout import MM, PRINTER_DOT_MM, FittedText, fit_text, text_width
from printing.pdf import PdfCanvas
from printing.qr import ErrorCorrection, QrMatrix, draw_qr, qr_matrix
from printing.wording import bilingual, day

ID1_WIDTH_MM: Final = 85.60
ID1_HEIGHT_MM: Final = 53.98
BLEED_MM: Final = 1.0
PAGE_WIDTH_MM: Final = ID1_WIDTH_MM + 2 * BLEED_MM
PAGE_HEIGHT_MM: Final = ID1_HEIGHT_MM + 2 * BLEED_MM

# The permit's code must stay readable by a phone at arm's length on a card this small.
MAX_QR_VERSION: Final = 13
MIN_QR_MODULE_DOTS: Final = 3

MRZ_LINES: Final = 3
MRZ_LINE_LENGTH: Final = 30
_MRZ_ALPHABET: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")
# ICAO 9303: OCR-B at ten characters to the inch.
MRZ_PITCH_MM: Final = 2.54
MRZ_LINE_PITCH_MM: Final = 4.23
_MRZ_LAST_BASELINE_MM: Final = 3.4

_HEADER_BOTTOM_MM: Final = 45.6
_HEADER_RGB: Final = (0.10, 0.29, 0.47)
_LABEL_GREY: Final = 0.3
_LABEL_SIZE: Final = 4.6
_LABEL_MIN_SIZE: Final = 3.6
_NAME_SIZE: Final = 9.0
_NAME_MIN_SIZE: Final = 6.0
_VALUE_SIZE: Final = 7.0
_VALUE_MIN_SIZE: Final = 5.0

# The ICAO photo's 35 x 45 proportions.
_PHOTO_X_MM: Final = 3.0
_PHOTO_Y_MM: Final = 9.0
_PHOTO_WIDTH_MM: Final = 24.0
_PHOTO_HEIGHT_MM: Final = _PHOTO_WIDTH_MM * 45 / 35
_FIELDS_X_MM: Final = 30.0
_FIELDS_RIGHT_MM: Final = ID1_WIDTH_MM - 3.0

# A larger error is a misfed card or a wrong printer setting, not something to calibrate away.
MAX_OFFSET_MM: Final = 5.0

_JPEG_START: Final = b"\xff\xd8\xff"
_PNG_START: Final = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True, slots=True)
class CardOffset:
    """How far to move the content on the card to make up for a printer's own offset, in
    millimetres: positive ``x_mm`` to the right, positive ``y_mm`` upwards."""

    x_mm: float = 0.0
    y_mm: float = 0.0

    def __post_init__(self) -> None:
        if not (abs(self.x_mm) <= MAX_OFFSET_MM and abs(self.y_mm) <= MAX_OFFSET_MM):
            raise ValueError(f"card offset beyond {MAX_OFFSET_MM} mm: {self}")

    def in_dots(self) -> tuple[int, int]:
        """The offset in whole 300 dpi printer dots: the QR code's modules stay on the
        printer's dot grid wherever the content moves."""
        return round(self.x_mm / PRINTER_DOT_MM), round(self.y_mm / PRINTER_DOT_MM)


NO_OFFSET: Final = CardOffset()


def shift_page(canvas: Any, offset: CardOffset) -> None:
    """Move what is drawn next on this page by ``offset`` (rounded to printer dots). The page
    and its boxes stay where they are: the card printer feeds the same card."""
    dots_x, dots_y = offset.in_dots()
    if dots_x or dots_y:
        canvas.translate(dots_x * PRINTER_DOT_MM * MM, dots_y * PRINTER_DOT_MM * MM)


@dataclass(frozen=True, slots=True)
class CardData:
    surname: str
    given_names: str
    nationality: str  # ISO 3166-1 alpha-3, as in the MRZ
    birth_date: date
    sex: str  # "M", "F" or "X"
    permit_type: str  # as the card shows it, e.g. "Müvəqqəti yaşama icazəsi"
    permit_number: str
    valid_from: date
    valid_until: date
    issuing_office: str
    mrz: tuple[str, str, str]  # the TD1 lines, as app.mrz.generate_td1 writes them
    qr_text: str  # the permit's signed code
    photo: bytes | None = None  # JPEG or PNG

    @property
    def needs_photo(self) -> bool:
        """A card without a photo can be previewed but must not be issued."""
        return self.photo is None


@dataclass(frozen=True, slots=True)
class RenderedCard:
    pdf: bytes
    qr_version: int
    qr_module_dots: int  # the side of one QR module in 300 dpi printer dots
    photo_missing: bool  # a frame stands where the photo belongs
    surname: FittedText  # the names as printed: shrunk or cut if too long
    given_names: FittedText


def render_card(data: CardData, *, offset: CardOffset = NO_OFFSET) -> bytes:
    """The card as a two-page PDF: front, then back, moved by the printer's ``offset``."""
    return build_card(data, offset=offset).pdf


def build_card(data: CardData, *, offset: CardOffset = NO_OFFSET) -> RenderedCard:
    """The card's PDF with what a caller may need to know about how it came out."""
    mrz = _checked_mrz(data.mrz)
    matrix = qr_matrix(data.qr_text, error_correction=ErrorCorrection.M, max_version=MAX_QR_VERSION)
    pdf = PdfCanvas(
        PAGE_WIDTH_MM * MM, PAGE_HEIGHT_MM * MM, title=bilingual(N_("Residence permit card"))
    )
    canvas = pdf.canvas
    # TrimBox on the card's edge, BleedBox the whole page: set once, they hold for both pages.
    trim = (BLEED_MM, BLEED_MM, BLEED_MM + ID1_WIDTH_MM, BLEED_MM + ID1_HEIGHT_MM)
    canvas.setTrimBox(tuple(edge * MM for edge in trim))
    canvas.setBleedBox((0, 0, PAGE_WIDTH_MM * MM, PAGE_HEIGHT_MM * MM))
    shift_page(canvas, offset)
    front = _Front(canvas)
    surname, given_names = front.draw(data)
    canvas.showPage()
    shift_page(canvas, offset)  # a new page starts from a fresh graphics state
    module_dots = _Back(canvas).draw(data, mrz, matrix)
    return RenderedCard(
        pdf=pdf.finish(),
        qr_version=matrix.version,
        qr_module_dots=module_dots,
        photo_missing=data.photo is None,
        surname=surname,
        given_names=given_names,
    )


def _checked_mrz(lines: tuple[str, ...]) -> tuple[str, ...]:
    if len(lines) != MRZ_LINES or any(
        len(line) != MRZ_LINE_LENGTH or not set(line) <= _MRZ_ALPHABET for line in lines
    ):
        raise DeskError(
            _(
                "The card's machine-readable zone must be three lines of 30 characters "
                "(A–Z, 0–9 and <). Generate it again from the permit's data."
            ),
            detail=repr(lines),
        )
    return lines


def _pt(millimetres: float) -> float:
    """A position on the card (from its trimmed bottom-left corner) on the page, in points."""
    return (BLEED_MM + millimetres) * MM


class _Side:
    def __init__(self, canvas: Any) -> None:
        self.canvas = canvas

    def label(self, text: str, *, x: float, baseline: float, width: float) -> None:
        self.text(
            text,
            Face.SANS,
            x=x,
            baseline=baseline,
            width=width,
            size=_LABEL_SIZE,
            min_size=_LABEL_MIN_SIZE,
            grey=_LABEL_GREY,
        )

    def text(
        self,
        text: str,
        face: Face,
        *,
        x: float,
        baseline: float,
        width: float,
        size: float,
        min_size: float,
        grey: float = 0.0,
        centred: bool = False,
    ) -> FittedText:
        fitted = fit_text(text, face, width=width * MM, size=size, min_size=min_size)
        offset = 0.0
        if centred:
            offset = (width * MM - text_width(fitted.text, face, fitted.size)) / 2
        self.canvas.setFillGray(grey)
        self.canvas.setFont(face.value, fitted.size)
        self.canvas.drawString(_pt(x) + offset, _pt(baseline), fitted.text)
        return fitted

    def field(
        self,
        label: str,
        value: str,
        *,
        x: float,
        top: float,
        width: float,
        size: float = _VALUE_SIZE,
        min_size: float = _VALUE_MIN_SIZE,
        face: Face = Face.SANS_BOLD,
    ) -> tuple[FittedText, float]:
        """A bilingual label over its value, from ``top`` down; returns the value as drawn
        and the bottom of the field, in millimetres."""
        label_height = _LABEL_SIZE * 1.15 / MM
        self.label(bilingual(label), x=x, baseline=top - label_height * 0.8, width=width)
        value_height = size * 1.2 / MM
        fitted = self.text(
            value,
            face,
            x=x,
            baseline=top - label_height - value_height * 0.78,
            width=width,
            size=size,
            min_size=min_size,
        )
        return fitted, top - label_height - value_height


class _Front(_Side):
    def draw(self, data: CardData) -> tuple[FittedText, FittedText]:
        self._header(data)
        self._photo(data.photo)
        number_width = _PHOTO_WIDTH_MM
        self.label(bilingual(N_("Permit number")), x=_PHOTO_X_MM, baseline=6.2, width=number_width)
        self.text(
            data.permit_number,
            Face.MONO,
            x=_PHOTO_X_MM,
            baseline=3.2,
            width=number_width,
            size=_VALUE_SIZE,
            min_size=_VALUE_MIN_SIZE,
        )

        x, width, gap = _FIELDS_X_MM, _FIELDS_RIGHT_MM - _FIELDS_X_MM, 0.9
        top = _HEADER_BOTTOM_MM - 2.6
        surname, top = self.field(
            N_("Surname"), data.surname, x=x, top=top, width=width,
            size=_NAME_SIZE, min_size=_NAME_MIN_SIZE,
        )  # fmt: skip
        given_names, top = self.field(
            N_("Given names"), data.given_names, x=x, top=top - gap, width=width,
            size=_NAME_SIZE, min_size=_NAME_MIN_SIZE,
        )  # fmt: skip
        top -= gap
        birth_width, sex_width = 20.0, 10.0
        self.field(N_("Date of birth"), day(data.birth_date), x=x, top=top, width=birth_width)
        self.field(N_("Sex"), data.sex, x=x + birth_width + 1, top=top, width=sex_width)
        nationality_x = x + birth_width + sex_width + 2
        _, top = self.field(
            N_("Nationality"), data.nationality, x=nationality_x, top=top,
            width=_FIELDS_RIGHT_MM - nationality_x,
        )  # fmt: skip
        top -= gap
        half = (width - 1) / 2
        self.field(N_("Valid from"), day(data.valid_from), x=x, top=top, width=half)
        _, top = self.field(
            N_("Valid until"), day(data.valid_until), x=x + half + 1, top=top, width=half
        )
        self.field(N_("Issued by"), data.issuing_office, x=x, top=top - gap, width=width)
        return surname, given_names

    def _header(self, data: CardData) -> None:
        canvas = self.canvas
        canvas.setFillColorRGB(*_HEADER_RGB)
        # Into the bleed on three sides: the cut may fall a little outside the card's edge.
        # Past the page by the largest printer offset, so a shifted card has no white edge
        # (what lies outside the page is clipped).
        spare = MAX_OFFSET_MM * MM
        canvas.rect(
            -spare, _pt(_HEADER_BOTTOM_MM), PAGE_WIDTH_MM * MM + 2 * spare,
            (PAGE_HEIGHT_MM - BLEED_MM - _HEADER_BOTTOM_MM) * MM + spare, stroke=0, fill=1,
        )  # fmt: skip
        width = ID1_WIDTH_MM - 6
        self.text(
            bilingual(N_("Republic of Azerbaijan")), Face.SANS_BOLD, x=3, baseline=50.2,
            width=width, size=6, min_size=4.5, grey=1.0,
        )  # fmt: skip
        self.text(
            data.permit_type, Face.SANS, x=3, baseline=47.1,
            width=width, size=6.5, min_size=4.5, grey=1.0,
        )  # fmt: skip

    def _photo(self, photo: bytes | None) -> None:
        canvas = self.canvas
        x, y = _pt(_PHOTO_X_MM), _pt(_PHOTO_Y_MM)
        width, height = _PHOTO_WIDTH_MM * MM, _PHOTO_HEIGHT_MM * MM
        if photo is None:
            canvas.saveState()
            canvas.setStrokeGray(0.5)
            canvas.setLineWidth(0.5)
            canvas.setDash(2, 1.5)
            canvas.rect(x, y, width, height, stroke=1, fill=0)
            canvas.restoreState()
            self.text(
                bilingual(N_("Photo")), Face.SANS, x=_PHOTO_X_MM,
                baseline=_PHOTO_Y_MM + _PHOTO_HEIGHT_MM / 2, width=_PHOTO_WIDTH_MM,
                size=5, min_size=3.6, grey=0.5, centred=True,
            )  # fmt: skip
            return
        image = _image(photo)
        image_width, image_height = image.getSize()
        # Fill the frame and crop what is over, centred: a photo of another shape must not
        # leave white bars on a card.
        scale = max(width / image_width, height / image_height)
        shown_width, shown_height = image_width * scale, image_height * scale
        canvas.saveState()
        frame = canvas.beginPath()
        frame.rect(x, y, width, height)
        canvas.clipPath(frame, stroke=0, fill=0)
        canvas.drawImage(
            image,
            x - (shown_width - width) / 2,
            y - (shown_height - height) / 2,
            shown_width,
            shown_height,
        )
        canvas.restoreState()


def _image(photo: bytes) -> Any:
    if not photo.startswith((_JPEG_START, _PNG_START)):
        raise DeskError(_("The photo is not a JPEG or PNG image: scan or import it again."))
    try:
        reader = ImageReader(io.BytesIO(photo))
        reader.getSize()
    except Exception as error:  # reportlab and Pillow raise many kinds for a broken file
        raise DeskError(
            _("The photo cannot be read: scan or import it again."), detail=repr(error)
        ) from error
    return reader


class _Back(_Side):
    def draw(self, data: CardData, mrz: tuple[str, ...], matrix: QrMatrix) -> int:
        module_dots = self._qr(matrix)
        self._mrz(mrz)
        x, width = 3.0, 40.0
        top = ID1_HEIGHT_MM - 3.0
        _, top = self.field(
            N_("Permit number"), data.permit_number, x=x, top=top, width=width, face=Face.MONO
        )
        _, top = self.field(N_("Issued by"), data.issuing_office, x=x, top=top - 1, width=width)
        _, top = self.field(N_("Valid until"), day(data.valid_until), x=x, top=top - 1, width=width)
        note = N_("Scan the QR code to check this card.")
        self.label(bilingual(note, separator=" "), x=x, baseline=top - 3.5, width=width)
        return module_dots

    def _qr(self, matrix: QrMatrix) -> int:
        """The code in the top-right corner, above the MRZ, each module a whole number of
        printer dots, its corner on the printer's dot grid."""
        right, top, bottom = ID1_WIDTH_MM - 1.5, ID1_HEIGHT_MM - 1.5, 17.0
        room = top - bottom
        module_dots = math.floor(room / matrix.side_with_quiet_zone / PRINTER_DOT_MM)
        if module_dots < MIN_QR_MODULE_DOTS:
            raise DeskError(_("The permit's QR code does not fit on the card."))
        side = matrix.side_with_quiet_zone * module_dots * PRINTER_DOT_MM
        # Dots are counted from the page's corner, which is where the printer starts.
        left_dots = math.floor((BLEED_MM + right - side) / PRINTER_DOT_MM)
        bottom_dots = math.floor((BLEED_MM + top - side) / PRINTER_DOT_MM)
        draw_qr(
            self.canvas,
            matrix,
            x=left_dots * PRINTER_DOT_MM * MM,
            y=bottom_dots * PRINTER_DOT_MM * MM,
            module=module_dots * PRINTER_DOT_MM * MM,
        )
        return module_dots

    def _mrz(self, lines: tuple[str, ...]) -> None:
        canvas = self.canvas
        # OCR-B is monospaced: the size that makes one advance 2.54 mm gives the ICAO pitch.
        size = MRZ_PITCH_MM * MM / text_width("<", Face.OCR_B, 1.0)
        left = (ID1_WIDTH_MM - MRZ_LINE_LENGTH * MRZ_PITCH_MM) / 2
        # Pure black: readers look at the MRZ in infrared, where only the printer's black
        # panel shows; a black mixed from colours, or a grey, is invisible to them.
        canvas.setFillGray(0)
        canvas.setFont(Face.OCR_B.value, size)
        for index, line in enumerate(lines):
            baseline = _MRZ_LAST_BASELINE_MM + (MRZ_LINES - 1 - index) * MRZ_LINE_PITCH_MM
            canvas.drawString(_pt(left), _pt(baseline), require_glyphs(line, Face.OCR_B))
