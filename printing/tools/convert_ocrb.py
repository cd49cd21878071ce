"""Convert the OCR-B OpenType font (PostScript outlines) to TrueType outlines.

reportlab embeds TrueType fonts only and refuses CFF ("postscript outlines are not supported"),
while the public-domain OCR-B that Linux distributions ship (Debian's ``fonts-ocr-b``, by
Matthew Skala after Norbert Schwarz's metafont) is CFF. The cubic curves become quadratic ones
within a tolerance far below a printer dot; hinting is dropped, as the MRZ is printed at a fixed
size on a 300 dpi card printer where hints do nothing.

Run: ``python -m printing.tools.convert_ocrb OCRB.otf resources/fonts/OCRB.ttf``
(fontTools is a development dependency, not the desk's).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

# Largest distance, in font units (1000 to the em), between a cubic curve and its quadratic
# replacement: 1 unit is 0.0035 mm at the MRZ's 10 pt, far below a 300 dpi dot (0.085 mm).
MAX_ERROR_UNITS = 1.0
# PostScript outlines wind counter-clockwise, TrueType ones clockwise: reversing keeps the
# filled and the empty parts of each letter where they belong.
REVERSE_DIRECTION = True


def convert(source: Path, destination: Path) -> None:
    # The source's timestamp is kept, so the same .otf always gives the same .ttf bytes.
    font: Any = TTFont(str(source), recalcTimestamp=False)
    if "CFF " not in font:
        raise SystemExit(f"{source} has no PostScript (CFF) outlines to convert")
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()

    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR_UNITS, reverse_direction=REVERSE_DIRECTION))
        glyphs[name] = pen.glyph()

    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    for glyph in glyphs.values():
        glyph.recalcBounds(glyf)

    font["head"].glyphDataFormat = 0
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    # No hinting instructions: every limit for them is zero, but one zone, the minimum.
    maxp.maxZones = 1
    for field in (
        "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
        "maxStackElements", "maxSizeOfInstructions", "maxComponentElements",
    ):  # fmt: skip
        setattr(maxp, field, 0)
    # PostScript glyph names stay in a version 2 'post' table so the PDF's text stays readable.
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order

    font.sfntVersion = "\x00\x01\x00\x00"
    destination.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(destination))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m printing.tools.convert_ocrb",
        description="Convert an OCR-B OpenType (CFF) font to TrueType outlines.",
    )
    parser.add_argument("source", type=Path, help="the .otf file, e.g. OCRB.otf")
    parser.add_argument("destination", type=Path, help="the .ttf file to write")
    args = parser.parse_args(argv)
    convert(args.source, args.destination)
    return 0


if __name__ == "__main__":
    sys.exit(main())
