"""The portrait on the MRZ side of a passport or TD2 card, found from the MRZ.

ICAO 9303 puts the portrait (zone V) on the left of the data page, above the MRZ; the
MRZ's pitch (2.54 mm) gives the scale and its lines the page's tilt, so the zone can be
cut straight out of the picture in millimetres. Inside it, the portrait is the largest
patch clearly darker than the paper (a photograph, whatever its background, has hair,
eyes and clothes); where none is plausible, OpenCV's frontal-face Haar cascade, when it is
installed, looks for a face. The MRZ side of an identity card (TD1) holds no portrait:
its photograph is on the front.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from app.mrz.image.locate import MrzGeometry
from app.mrz.model import MrzFormat

PITCH_MM = 2.54
# Where the portrait may be, in millimetres from the centre of the MRZ's first cell:
# along the lines (u) and down across them (v); the portrait is above, so v < 0.
SEARCH_U = (-10.0, 48.0)
SEARCH_V = (-68.0, -3.0)
# ICAO 9303 portraits are 35 x 45 mm or so; passports print them 28-40 mm wide.
PORTRAIT_ASPECT = 35 / 45
_WIDTH_MM = (14.0, 45.0)
_HEIGHT_MM = (20.0, 60.0)
_MAX_PX_PER_MM = 12.0
_DARKER_THAN_PAPER = 30
_HAAR_FILE = "haarcascade_frontalface_default.xml"


def crop_face(image: Image.Image, geometry: MrzGeometry) -> Image.Image | None:
    """The portrait beside the MRZ of ``geometry`` in ``image``, straightened, or None."""
    if geometry.mrz_format is MrzFormat.TD1:
        return None
    zone, px_per_mm = _zone(image, geometry)
    gray = (
        zone
        if zone.ndim == 2
        else np.asarray(cv2.cvtColor(zone, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    )
    box = _portrait_box(gray, px_per_mm) or _face_box(gray, px_per_mm)
    if box is None:
        return None
    left, top, right, bottom = box
    return Image.fromarray(np.ascontiguousarray(zone[top:bottom, left:right]))


def _zone(image: Image.Image, geometry: MrzGeometry) -> tuple[NDArray[np.uint8], float]:
    """The search zone, straight, at up to ``_MAX_PX_PER_MM``, white beyond the picture."""
    pixels = np.asarray(image.convert("RGB") if image.mode not in ("L", "RGB") else image)
    mm_per_px = PITCH_MM / geometry.pitch
    px_per_mm = min(_MAX_PX_PER_MM, 1 / mm_per_px)
    dx, dy = geometry.direction
    nx, ny = geometry.normal
    ox, oy = geometry.origins[0]
    zoom = px_per_mm * mm_per_px
    # Picture point p goes to (zoom * (p - o) . d - u0 * px_per_mm, same across with v0).
    matrix = np.array(
        [
            [zoom * dx, zoom * dy, -zoom * (ox * dx + oy * dy) - SEARCH_U[0] * px_per_mm],
            [zoom * nx, zoom * ny, -zoom * (ox * nx + oy * ny) - SEARCH_V[0] * px_per_mm],
        ]
    )
    size = (
        round((SEARCH_U[1] - SEARCH_U[0]) * px_per_mm),
        round((SEARCH_V[1] - SEARCH_V[0]) * px_per_mm),
    )
    white = (255, 255, 255) if pixels.ndim == 3 else 255
    if zoom < 0.7:
        # A warp samples a big picture too sparsely: smooth it first, as shrinking would.
        pixels = np.asarray(cv2.GaussianBlur(pixels, (0, 0), 0.45 / zoom), dtype=np.uint8)
    zone = cv2.warpAffine(
        pixels,
        matrix,
        size,
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=white,
    )
    return np.asarray(zone, dtype=np.uint8), px_per_mm


def _portrait_box(gray: NDArray[np.uint8], px_per_mm: float) -> tuple[int, int, int, int] | None:
    """The largest patch darker than the paper, of a portrait's size, made portrait-shaped."""
    # Smoothing over about a millimetre fades fine security printing and keeps a photograph.
    size = max(3, round(px_per_mm * 1.2) | 1)
    smooth = cv2.GaussianBlur(gray, (size, size), 0)
    paper = float(np.percentile(smooth, 90))
    darker = (smooth < paper - _DARKER_THAN_PAPER).astype(np.uint8)
    closing = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    mask = cv2.morphologyEx(darker, cv2.MORPH_CLOSE, closing)
    count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
    best: tuple[int, tuple[int, int, int, int]] | None = None
    for x, y, w, h, area in stats[1:count].tolist():
        width_mm, height_mm = w / px_per_mm, h / px_per_mm
        if not (
            _WIDTH_MM[0] <= width_mm <= _WIDTH_MM[1] and _HEIGHT_MM[0] <= height_mm <= _HEIGHT_MM[1]
        ):
            continue
        if not 0.45 <= w / h <= 1.1 or area < 0.35 * w * h:
            continue
        if best is None or area > best[0]:
            best = (area, (x, y, w, h))
    if best is None:
        return None
    return _portrait_shaped(best[1], gray.shape)


def _face_box(gray: NDArray[np.uint8], px_per_mm: float) -> tuple[int, int, int, int] | None:
    """A portrait around the largest face the Haar cascade finds, if it is installed."""
    cascade = _cascade()
    if cascade is None:
        return None
    faces = cascade.detectMultiScale(
        gray,
        scaleFactor=1.1,
        minNeighbors=5,
        minSize=(round(8 * px_per_mm), round(8 * px_per_mm)),
        maxSize=(round(40 * px_per_mm), round(40 * px_per_mm)),
    )
    if len(faces) == 0:
        return None
    x, y, w, h = max(faces.tolist(), key=lambda face: face[2] * face[3])
    # The cascade frames brows to mouth; a portrait shows the head and shoulders: about
    # twice as tall, the face a little above the middle.
    height = 2.1 * h
    width = height * PORTRAIT_ASPECT
    centre_x, centre_y = x + w / 2, y + h / 2 + 0.08 * height
    box = (
        round(centre_x - width / 2),
        round(centre_y - height / 2),
        round(width),
        round(height),
    )
    return _portrait_shaped(box, gray.shape)


def _portrait_shaped(
    box: tuple[int, int, int, int], shape: tuple[int, ...]
) -> tuple[int, int, int, int] | None:
    """``box`` (x, y, width, height) widened or heightened to a portrait's proportions,
    kept inside the zone, as left, top, right, bottom."""
    x, y, w, h = (float(value) for value in box)
    if w / h < PORTRAIT_ASPECT:
        grow = h * PORTRAIT_ASPECT - w
        x, w = x - grow / 2, w + grow
    else:
        grow = w / PORTRAIT_ASPECT - h
        y, h = y - grow / 2, h + grow
    height, width = shape[:2]
    left, top = max(0, math.floor(x)), max(0, math.floor(y))
    right, bottom = min(width, math.ceil(x + w)), min(height, math.ceil(y + h))
    if right - left < 8 or bottom - top < 8:
        return None
    return left, top, right, bottom


@functools.cache
def _cascade() -> Any:
    """OpenCV's frontal-face cascade, or None: OpenCV 5 and some bundles ship without it."""
    make = getattr(cv2, "CascadeClassifier", None)
    folder = getattr(getattr(cv2, "data", None), "haarcascades", None)
    if make is None or not folder:
        return None
    path = Path(folder) / _HAAR_FILE
    if not path.is_file():
        return None
    cascade = make(str(path))
    return None if cascade.empty() else cascade
