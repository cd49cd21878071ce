"""Cutting the MRZ into its character cells, each a small picture of one normalised size.

The lines are turned straight and scaled so that a capital is ``CAP_PIXELS`` tall, in one
warp of the MRZ's band. Ink is measured against each line's own paper and print levels,
so pale print, tinted paper and blur all come out as ink from 0 to 1. A cell is centred on
its glyph's ink (the grid says where to look, the ink where the glyph really is) but keeps
the line's scale: the filler ``<`` stays smaller than a letter, as it is printed. The same
function makes the classifier's training samples, so both see cells cut the same way.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from app.mrz.image.locate import CAP_PER_PITCH, MrzGeometry

CAP_PIXELS = 20
PATCH_WIDTH = 20
PATCH_HEIGHT = 28
FEATURES = PATCH_WIDTH * PATCH_HEIGHT
# Ink from this level counts when finding a glyph's extent.
_INK_LEVEL = 0.45
# How far a line may sit from its fitted grid, and one glyph from the rest of its line, in
# cells: printers and scanners shift a little, never by half a cell.
_MAX_SHIFT = 0.3
_GLYPH_SHIFT = 0.12
PITCH_PIXELS = CAP_PIXELS / CAP_PER_PITCH
_MARGIN = 1.2 * CAP_PIXELS  # above the first line and below the last, on the straightened band

Patches = NDArray[np.float32]


def straightened(gray: NDArray[np.uint8], geometry: MrzGeometry) -> NDArray[np.float32]:
    """The MRZ's band, level and at ``CAP_PIXELS`` to the capital, as ink from 0 to 1.

    Cell ``k`` of line ``j`` is centred at x = ``(k + 1) * pitch``, y = ``line_centre(j)``.
    """
    pitch = PITCH_PIXELS
    zoom = pitch / geometry.pitch
    dx, dy = geometry.direction
    nx, ny = geometry.normal
    ox, oy = geometry.origins[0]
    width = round((geometry.length + 1) * pitch)
    last = _offset(geometry, len(geometry.origins) - 1)
    height = round(last + 2 * _MARGIN)
    # Picture point p goes to (zoom * (p - o) . d + pitch, zoom * (p - o) . n + margin).
    matrix = np.array(
        [
            [zoom * dx, zoom * dy, -zoom * (ox * dx + oy * dy) + pitch],
            [zoom * nx, zoom * ny, -zoom * (ox * nx + oy * ny) + _MARGIN],
        ],
        dtype=np.float64,
    )
    source = gray
    if zoom < 0.8:
        # Shrinking through a warp samples too sparsely: smooth first, as INTER_AREA would.
        sigma = 0.45 / zoom
        source = np.asarray(cv2.GaussianBlur(gray, (0, 0), sigma), dtype=np.uint8)
    strip = cv2.warpAffine(
        source,
        matrix,
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    ).astype(np.float32)
    ink = np.zeros_like(strip)
    half = round(0.9 * CAP_PIXELS)
    for line in range(len(geometry.origins)):
        centre = round(line_centre(geometry, line))
        rows = slice(max(0, centre - half), centre + half)
        # Paper and print levels of this line: most of its band is paper, its darkest
        # pixels are the print's core. A floor on the span keeps an empty band at no ink.
        paper = float(np.percentile(strip[rows], 92))
        printed = float(np.percentile(strip[rows], 2))
        span = max(paper - printed, 24.0)
        ink[rows] = np.clip((paper - strip[rows]) / span, 0.0, 1.0)
    return ink


def _offset(geometry: MrzGeometry, line: int) -> float:
    """How far below the first line's centre line ``line``'s is, on the straightened band."""
    ox, oy = geometry.origins[0]
    lx, ly = geometry.origins[line]
    nx, ny = geometry.normal
    return ((lx - ox) * nx + (ly - oy) * ny) * PITCH_PIXELS / geometry.pitch


def line_centre(geometry: MrzGeometry, line: int) -> float:
    return _offset(geometry, line) + _MARGIN


def cell_patches(ink: NDArray[np.float32], geometry: MrzGeometry) -> Patches:
    """Every cell of every line, in reading order: an array of ``PATCH_HEIGHT`` x
    ``PATCH_WIDTH`` pictures of ink from 0 to 1."""
    pitch = PITCH_PIXELS
    count = len(geometry.origins)
    patches = np.zeros((count * geometry.length, PATCH_HEIGHT, PATCH_WIDTH), dtype=np.float32)
    inked = ink >= _INK_LEVEL
    for line in range(count):
        centre_y = line_centre(geometry, line)
        shifts = [
            _glyph_shift(inked, (index + 1) * pitch, centre_y) for index in range(geometry.length)
        ]
        found = [shift for shift in shifts if shift is not None]
        # The whole line may sit a little off its fitted grid; one glyph only a little off
        # the line (a blot beside a glyph must not drag it into its neighbour's cell).
        line_x = float(np.median([x for x, _y in found])) if found else 0.0
        line_y = float(np.median([y for _x, y in found])) if found else 0.0
        for index, shift in enumerate(shifts):
            dx, dy = shift if shift is not None else (line_x, line_y)
            x = (index + 1) * pitch + line_x + _clip(dx - line_x, _GLYPH_SHIFT * pitch)
            y = centre_y + line_y + _clip(dy - line_y, _GLYPH_SHIFT * CAP_PIXELS)
            patches[line * geometry.length + index] = cv2.getRectSubPix(
                ink, (PATCH_WIDTH, PATCH_HEIGHT), (x, y)
            )
    return patches


def _glyph_shift(
    inked: NDArray[np.bool_], centre_x: float, centre_y: float
) -> tuple[float, float] | None:
    """How far the middle of the ink in a cell is from the cell's centre, if it has ink."""
    pitch = PITCH_PIXELS
    top = max(0, round(centre_y - 0.75 * CAP_PIXELS))
    left = max(0, round(centre_x - 0.5 * pitch))
    window = inked[top : round(centre_y + 0.75 * CAP_PIXELS), left : round(centre_x + 0.5 * pitch)]
    columns = np.flatnonzero(window.any(axis=0))
    if len(columns) == 0:
        return None
    rows = np.flatnonzero(window.any(axis=1))
    dx = left + (columns[0] + columns[-1]) / 2 - centre_x
    dy = top + (rows[0] + rows[-1]) / 2 - centre_y
    return (
        float(np.clip(dx, -_MAX_SHIFT * pitch, _MAX_SHIFT * pitch)),
        float(np.clip(dy, -_MAX_SHIFT * CAP_PIXELS, _MAX_SHIFT * CAP_PIXELS)),
    )


def _clip(value: float, limit: float) -> float:
    return max(-limit, min(limit, value))
