"""Generated travel documents for the MRZ reader's tests and benchmark.

A passport's data page (TD3, 125 x 88 mm), the back of an identity card (TD1, 85.6 x 54 mm)
and a TD2 card (105 x 74 mm), drawn with Pillow: a tinted page with a guilloche pattern,
printed labels and values, a grey photo with a simple face (TD3 and TD2: the MRZ side holds
the portrait), and the MRZ in OCR-B at 10 characters an inch, from ``app.mrz.generate`` with
random people and documents (seeded). ``scanned`` lays the page on a scanner, turned by a
small angle, blurred and noisy.
"""

from __future__ import annotations

import math
import random
import string
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from app.mrz import MrzFields, MrzFormat, generate
from app.resources import resources_dir

MM_PER_INCH = 25.4
PITCH_MM = 2.54  # ICAO 9303: OCR-B size 1, ten characters an inch
# OCR-B's advance is 723 thousandths of its em: an em of 3.51 mm puts characters 2.54 mm apart.
EM_MM = PITCH_MM / 0.723
LINE_SPACING_MM = 4.2
TODAY = date(2026, 11, 24)

PAPER = 238
INK = 20


@dataclass(frozen=True, slots=True)
class Card:
    """Where things are on one kind of document, in millimetres from its top left corner."""

    size_mm: tuple[float, float]
    mrz_left_mm: float
    lowest_baseline_mm: float  # above the bottom edge
    photo_mm: tuple[float, float, float, float] | None  # left, top, right, bottom


CARDS: dict[MrzFormat, Card] = {
    MrzFormat.TD3: Card((125.0, 88.0), 6.5, 6.3, (6.0, 17.0, 38.0, 58.0)),
    MrzFormat.TD2: Card((105.0, 74.0), 6.8, 5.8, (5.0, 12.0, 35.0, 50.5)),
    # The MRZ side of an identity card; its portrait is on the front.
    MrzFormat.TD1: Card((85.6, 54.0), 4.7, 4.2, None),
}


@dataclass(frozen=True, slots=True)
class DocumentImage:
    image: Image.Image
    dpi: int
    lines: tuple[str, ...]
    mrz_format: MrzFormat
    has_face: bool
    description: str


_SURNAMES = (
    *("ERIKSSON", "ALIYEV", "MAMMADOVA", "HUSEYNOV", "QULIYEVA", "OBRIEN", "VAN DER BERG"),
    *("SMITH", "KOWALSKA", "NGUYEN", "IVANOV", "ZAKHAROVA", "BOBOEV", "SULTANZADE", "OZTURK"),
    *("KHALILOVA", "GASIMOV", "ABDULLAYEV", "PETROV", "SCHMIDT", "ROSSI", "WOJCIK", "KIM"),
)
_GIVEN = (
    *("ANNA MARIA", "ANAR", "GULSAN", "CINGIZ", "JEAN LUC", "ILQAR NIZAMI", "OLGA", "ZAUR"),
    *("SABINA", "KAMRAN", "LEYLA", "VUSAL", "PIOTR", "MEHMET", "AYSEL", "BORIS", "KONUL", ""),
)
_STATES = ("AZE", "UTO", "D", "RUS", "TUR", "GEO", "UKR", "IRN", "KAZ", "UZB", "POL", "XXA")
_ALPHANUMERIC = string.ascii_uppercase + string.digits
# Characters that look alike in print: document numbers full of them test the correction.
_CONFUSABLE = "0O1I8B5S2ZDQ"


def random_lines(rng: random.Random, mrz_format: MrzFormat) -> tuple[str, ...]:
    """The MRZ of a random person's document of ``mrz_format``, every check digit right."""
    number_characters = _ALPHANUMERIC + _CONFUSABLE * 2
    number = "".join(rng.choice(number_characters) for _ in range(9))
    if mrz_format is MrzFormat.TD3:
        document_type = "P"
        optional = "".join(rng.choices(string.digits, k=rng.choice((0, 7, 11, 14))))
    else:
        document_type = rng.choice(("I", "ID", "IR", "AC"))
        optional = "".join(rng.choices(number_characters, k=rng.choice((0, 4, 7))))
    fields = MrzFields(
        document_type=document_type,
        issuing_state=rng.choice(_STATES),
        surname=rng.choice(_SURNAMES),
        given_names=rng.choice(_GIVEN),
        document_number=number,
        nationality=rng.choice(_STATES),
        birth_date=TODAY - timedelta(days=rng.randrange(6_000, 30_000)),
        sex=rng.choice("MF"),
        expiry_date=TODAY + timedelta(days=rng.randrange(-400, 3_650)),
        optional_data=optional,
        optional_data_2=(
            "".join(rng.choices(number_characters, k=rng.choice((0, 5, 11))))
            if mrz_format is MrzFormat.TD1
            else ""
        ),
    )
    return generate(mrz_format, fields)


def _px(mm: float, dpi: int) -> float:
    return mm / MM_PER_INCH * dpi


def _font(name: str, size_px: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(resources_dir() / "fonts" / name), max(1, round(size_px)))


def _guilloche(width: int, height: int, rng: random.Random) -> np.ndarray:
    """A faint pattern of crossing waves, as security printing has behind the text."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    scale = width / 400
    phase = rng.uniform(0, math.tau)
    waves = np.sin(x / (9 * scale) + 3 * np.sin(y / (37 * scale) + phase)) + np.sin(
        y / (11 * scale) + 2 * np.sin(x / (53 * scale) - phase)
    )
    lines = np.abs(waves) < 0.12
    return np.where(lines, PAPER - 22, PAPER).astype(np.uint8)


def _face(width: int, height: int) -> Image.Image:
    """A portrait: a grey background, head, hair, eyes, mouth and shoulders."""
    photo = Image.new("L", (width, height), 182)
    draw = ImageDraw.Draw(photo)

    def at(fx: float, fy: float) -> tuple[float, float]:
        return fx * width, fy * height

    draw.ellipse((*at(0.05, 0.78), *at(0.95, 1.25)), fill=70)  # shoulders
    draw.rectangle((*at(0.42, 0.62), *at(0.58, 0.85)), fill=135)  # neck
    draw.ellipse((*at(0.24, 0.12), *at(0.76, 0.70)), fill=140)  # head
    draw.chord((*at(0.22, 0.08), *at(0.78, 0.50)), 180, 360, fill=45)  # hair
    for side in (0.38, 0.62):
        draw.ellipse((*at(side - 0.05, 0.36), *at(side + 0.05, 0.41)), fill=35)  # eyes
    draw.line((*at(0.5, 0.42), *at(0.5, 0.52)), fill=100, width=2)  # nose
    draw.arc((*at(0.40, 0.50), *at(0.60, 0.60)), 20, 160, fill=60, width=2)  # mouth
    return photo


def _labels(
    draw: ImageDraw.ImageDraw,
    dpi: int,
    origin_mm: tuple[float, float],
    rows: list[tuple[str, str]],
    rng: random.Random,
) -> None:
    label_font = _font("DejaVuSans.ttf", _px(1.6, dpi))
    value_font = _font("DejaVuSans-Bold.ttf", _px(2.6, dpi))
    x, y = origin_mm
    for label, value in rows:
        draw.text((_px(x, dpi), _px(y, dpi)), label, font=label_font, fill=90)
        draw.text((_px(x, dpi), _px(y + 2.0, dpi)), value, font=value_font, fill=INK + 15)
        y += 6.0 + rng.uniform(-0.2, 0.2)


def _draw_mrz(
    draw: ImageDraw.ImageDraw,
    dpi: int,
    card: Card,
    lines: tuple[str, ...],
    *,
    smudges: tuple[tuple[int, int], ...],
    rng: random.Random,
) -> None:
    font = _font("OCRB.ttf", _px(EM_MM, dpi))
    ascent = font.getmetrics()[0]
    height_mm = card.size_mm[1]
    pitch = _px(PITCH_MM, dpi)
    left = _px(card.mrz_left_mm, dpi)
    for number, line in enumerate(lines):
        baseline_mm = (
            height_mm - card.lowest_baseline_mm - (len(lines) - 1 - number) * LINE_SPACING_MM
        )
        top = _px(baseline_mm, dpi) - ascent
        for index, character in enumerate(line):
            draw.text((round(left + index * pitch), round(top)), character, font=font, fill=INK)
            if (number, index) in smudges:
                # A blot of ink over the glyph, as a wet thumb leaves it.
                cx = left + (index + 0.5) * pitch
                cy = _px(baseline_mm - 1.25, dpi)
                points = [
                    (
                        cx + math.cos(angle) * pitch * rng.uniform(0.45, 0.7),
                        cy + math.sin(angle) * pitch * rng.uniform(0.6, 0.9),
                    )
                    for angle in np.linspace(0, math.tau, 9, endpoint=False)
                ]
                draw.polygon(points, fill=rng.randrange(30, 70))


def document_page(
    mrz_format: MrzFormat,
    lines: tuple[str, ...],
    dpi: int,
    *,
    seed: int = 1,
    smudges: tuple[tuple[int, int], ...] = (),
    with_mrz: bool = True,
) -> Image.Image:
    """The MRZ side of a document of ``mrz_format`` at ``dpi``, straight, without a scanner.

    ``smudges`` lists (line, position) of MRZ characters to cover with a blot of ink.
    """
    rng = random.Random(seed)
    card = CARDS[mrz_format]
    width, height = round(_px(card.size_mm[0], dpi)), round(_px(card.size_mm[1], dpi))
    page = Image.fromarray(_guilloche(width, height, rng), "L")
    draw = ImageDraw.Draw(page)
    mrz_top = _px(card.size_mm[1] - card.lowest_baseline_mm - 3 * LINE_SPACING_MM, dpi)
    # The MRZ is printed on a clear band: no pattern behind it.
    draw.rectangle((0, mrz_top, width, height), fill=PAPER + 4)
    title_font = _font("DejaVuSans-Bold.ttf", _px(3.4, dpi))
    surname, given = _names_of(lines, mrz_format)
    rows = [
        ("Surname / Nom", surname),
        ("Given names / Prénoms", given),
        ("Nationality / Nationalité", "UTOPIAN"),
        ("Date of birth / Date de naissance", f"{rng.randrange(1, 29):02d} MAR 1985"),
        ("Date of expiry / Date d'expiration", f"{rng.randrange(1, 29):02d} JUN 2031"),
    ]
    if card.photo_mm is not None:
        draw.text((_px(6, dpi), _px(4, dpi)), "PASSPORT  PASSEPORT", font=title_font, fill=60)
        left, top, right, bottom = (round(_px(value, dpi)) for value in card.photo_mm)
        page.paste(_face(right - left, bottom - top), (left, top))
        _labels(draw, dpi, (card.photo_mm[2] + 5, card.photo_mm[1] - 2), rows, rng)
        # A signature under the portrait.
        sx, sy = _px(card.photo_mm[0] + 3, dpi), _px(card.photo_mm[3] + 3, dpi)
        draw.line(
            [(sx + i * dpi / 60, sy + math.sin(i * 0.9) * dpi / 40) for i in range(20)],
            fill=50,
            width=max(1, dpi // 150),
        )
    else:
        draw.text((_px(4, dpi), _px(3, dpi)), "IDENTITY CARD  UTOPIA", font=title_font, fill=60)
        _labels(draw, dpi, (5.0, 9.0), rows[2:], rng)
        draw.rectangle(
            (_px(58, dpi), _px(10, dpi), _px(80, dpi), _px(26, dpi)), outline=80, width=2
        )
    if with_mrz:
        _draw_mrz(draw, dpi, card, lines, smudges=smudges, rng=rng)
    page.info["dpi"] = (dpi, dpi)
    return page


def _names_of(lines: tuple[str, ...], mrz_format: MrzFormat) -> tuple[str, str]:
    field = lines[2] if mrz_format is MrzFormat.TD1 else lines[0][5:]
    surname, _sep, given = field.rstrip("<").partition("<<")
    return surname.replace("<", " "), given.replace("<", " ")


def scanned(
    page: Image.Image,
    *,
    angle: float = 0.0,
    blur: float = 0.0,
    noise: float = 0.0,
    seed: int = 1,
    border_mm: float = 10.0,
    background: int = 215,
) -> Image.Image:
    """``page`` on a scanner's glass: turned ``angle`` degrees counter-clockwise, in a border
    of ``background``, blurred by a Gaussian of ``blur`` pixels, with sensor noise."""
    dpi = round(page.info.get("dpi", (300, 300))[0])
    turned = page.rotate(
        angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=background
    )
    border = round(_px(border_mm, dpi))
    canvas = Image.new("L", (turned.width + 2 * border, turned.height + 2 * border), background)
    canvas.paste(turned, (border, border))
    if blur > 0:
        canvas = canvas.filter(ImageFilter.GaussianBlur(blur))
    if noise > 0:
        pixels = np.asarray(canvas, dtype=np.float64)
        noisy = pixels + np.random.default_rng(seed).normal(0.0, noise, pixels.shape)
        canvas = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "L")
    canvas.info["dpi"] = (dpi, dpi)
    return canvas


def sample(
    seed: int,
    mrz_format: MrzFormat = MrzFormat.TD3,
    dpi: int = 300,
    *,
    angle: float = 0.0,
    blur: float = 0.0,
    noise: float = 0.0,
    smudges: tuple[tuple[int, int], ...] = (),
) -> DocumentImage:
    """A scanned document of a random person: the picture and what its MRZ says."""
    lines = random_lines(random.Random(seed), mrz_format)
    page = document_page(mrz_format, lines, dpi, seed=seed, smudges=smudges)
    image = scanned(page, angle=angle, blur=blur, noise=noise, seed=seed)
    description = f"{mrz_format.value} {dpi} dpi, {angle:+.1f}°, blur {blur:.1f}, noise {noise:.0f}"
    return DocumentImage(
        image=image,
        dpi=dpi,
        lines=lines,
        mrz_format=mrz_format,
        has_face=CARDS[mrz_format].photo_mm is not None,
        description=description,
    )


def benchmark_set(count: int = 48, seed: int = 2026) -> list[DocumentImage]:
    """A fixed mix: TD3 and TD1 (a few TD2), 200 and 300 dpi, turned up to 3 degrees either
    way, some blurred, some noisy, some both."""
    rng = random.Random(seed)
    formats = (MrzFormat.TD3, MrzFormat.TD1, MrzFormat.TD3, MrzFormat.TD1, MrzFormat.TD2)
    documents = []
    for index in range(count):
        documents.append(
            sample(
                seed + index,
                formats[index % len(formats)],
                (200, 300)[index % 2 if index % 4 < 2 else 1 - index % 2],
                angle=rng.uniform(-3.0, 3.0),
                blur=rng.choice((0.0, 0.6, 1.0, 1.4)),
                noise=rng.choice((0.0, 4.0, 8.0, 12.0)),
            )
        )
    return documents
