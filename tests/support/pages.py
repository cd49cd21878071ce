"""Generated document pages for the scanning tests and benchmark: an A4 form with lines of
text, turned by a known angle and laid on a scanner's dark lid or its white glass."""

from __future__ import annotations

import random

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from app.resources import resources_dir

A4_MM = (210.0, 297.0)
PAPER = 248  # slightly grey paper, as scanners see it
INK = 25
_WORDS = (
    *("the", "applicant", "declares", "that", "information", "given", "in", "this", "form"),
    *("is", "true", "and", "complete", "passport", "number", "date", "of", "birth", "place"),
    *("residence", "Baku", "Sumqayit", "Ganja", "employer", "contract"),
)


def _pixels(mm: float, dpi: int) -> int:
    return round(mm / 25.4 * dpi)


def a4_page(dpi: int = 300, *, seed: int = 1, lines: int | None = None) -> Image.Image:
    """A grey A4 page of text: a title, lines of words and a box at the bottom."""
    width, height = _pixels(A4_MM[0], dpi), _pixels(A4_MM[1], dpi)
    page = Image.new("L", (width, height), PAPER)
    draw = ImageDraw.Draw(page)
    font_path = str(resources_dir() / "fonts" / "DejaVuSans.ttf")
    body = ImageFont.truetype(font_path, round(dpi * 11 / 72))
    title = ImageFont.truetype(font_path, round(dpi * 16 / 72))
    margin = round(dpi * 0.8)
    draw.text((margin, margin), "APPLICATION FOR A RESIDENCE PERMIT", font=title, fill=INK)
    rnd = random.Random(seed)
    step = round(dpi * 11 / 72 * 1.6)
    y = margin + round(dpi * 0.6)
    count = 0
    while y < height - margin - dpi * 1.5 and (lines is None or count < lines):
        draw.text((margin, y), " ".join(rnd.choice(_WORDS) for _ in range(11)), font=body, fill=INK)
        y += step
        count += 1
    box = (margin, height - margin - dpi, width - margin, height - margin)
    draw.rectangle(box, outline=INK, width=max(1, dpi // 100))
    return page


def blank_page(dpi: int = 300) -> Image.Image:
    return Image.new("L", (_pixels(A4_MM[0], dpi), _pixels(A4_MM[1], dpi)), PAPER)


def on_scanner(
    page: Image.Image, angle: float, *, background: int = 60, border: int = 120
) -> Image.Image:
    """The page turned ``angle`` degrees counter-clockwise on a scanner of ``background``."""
    fill: int | tuple[int, ...] = (background,) * 3 if page.mode == "RGB" else background
    # Pillow turns black and white pictures by the nearest pixel only.
    resample = Image.Resampling.NEAREST if page.mode == "1" else Image.Resampling.BICUBIC
    turned = page.rotate(angle, resample=resample, expand=True, fillcolor=fill)
    canvas = Image.new(page.mode, (turned.width + 2 * border, turned.height + 2 * border), fill)
    canvas.paste(turned, (border, border))
    return canvas


def with_noise(image: Image.Image, sigma: float = 5.0, seed: int = 7) -> Image.Image:
    """Sensor noise, as every scanner adds."""
    pixels = np.asarray(image, dtype=np.float32)
    noisy = pixels + np.random.default_rng(seed).normal(0.0, sigma, pixels.shape)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), image.mode)
