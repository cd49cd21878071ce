"""Making a scanned page tidy: straight, cut to the paper, and known to be blank or not.

As NAPS2 does it: the skew comes from Hough lines (text lines and paper edges) within
``MAX_SKEW_DEGREES``; a page is blank when the share of pixels darker than a white level,
a margin ignored, is under a coverage threshold. OpenCV does the image work; the analysis
runs on a small copy of the page (about 800 pixels high) and only the rotation and the cut
touch the full picture, which keeps an A4 page at 300 dpi well under a third of a second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from app.scanning.model import ScannedPage

MAX_SKEW_DEGREES = 20.0
# Smaller turns are left alone: resampling would blur the page for no visible gain.
MIN_SKEW_DEGREES = 0.1
ANALYSIS_SIZE = 800  # pixels along the long side of the copy the page is analysed on
HOUGH_STEP_DEGREES = 0.1
HOUGH_TOP_LINES = 20
# NAPS2's defaults: a pixel is white from 70 % of the scale up (179 of 255); a page is blank
# under 0.15 % of non-white pixels.
BLANK_WHITE_LEVEL = 179
BLANK_COVERAGE = 0.0015
# Punched holes, staples and the shadow at the paper's edge are not writing.
BLANK_MARGIN = 0.03
# The paper must cover this share of the scan to be told from the scanner's lid.
MIN_PAGE_AREA = 0.25
# Paper edges cast a thin shadow: the cut stays this share of the page inside them.
CROP_INSET = 0.004

Gray = NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class CleanupSettings:
    crop: bool = True
    deskew: bool = True
    max_skew_degrees: float = MAX_SKEW_DEGREES
    white_level: int = BLANK_WHITE_LEVEL
    blank_coverage: float = BLANK_COVERAGE
    margin: float = BLANK_MARGIN


@dataclass(frozen=True, slots=True)
class CleanedPage:
    page: ScannedPage
    skew_degrees: float  # the tilt found and undone, counter-clockwise positive; 0 if none
    cropped: bool
    ink_coverage: float  # the share of non-white pixels inside the margin
    blank: bool


def clean_page(page: ScannedPage, settings: CleanupSettings = CleanupSettings()) -> CleanedPage:
    """Straighten the page, cut it to the paper and measure its ink."""
    pixels = _pixels(page.image)
    gray = _gray(pixels)
    scale = min(1.0, ANALYSIS_SIZE / max(gray.shape))
    small = np.asarray(
        cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), dtype=np.uint8
    )
    skew = find_skew(small, settings.max_skew_degrees) if settings.deskew else None
    angle = skew if skew is not None and abs(skew) >= MIN_SKEW_DEGREES else 0.0
    paper = _find_paper(small) if settings.crop else None
    if angle or paper is not None:
        pixels = _straighten(pixels, angle, paper, scale, _background(small))
        gray = _gray(pixels)
    coverage = ink_coverage(gray, settings.white_level, settings.margin)
    image = _image(pixels, page.image.mode)
    return CleanedPage(
        page=replace(page, image=image),
        skew_degrees=angle,
        cropped=paper is not None,
        ink_coverage=coverage,
        blank=coverage < settings.blank_coverage,
    )


def find_skew(gray: Gray, max_degrees: float = MAX_SKEW_DEGREES) -> float | None:
    """The page's tilt in degrees (counter-clockwise positive), or None without lines.

    The Hough transform looks only at near-horizontal lines within ``max_degrees``; the angle
    is the median of its strongest lines, which text baselines and paper edges agree on.
    """
    edges = cv2.Canny(gray, 50, 150)
    lines = cv2.HoughLines(
        edges,
        1,
        math.radians(HOUGH_STEP_DEGREES),
        threshold=max(gray.shape[1] // 5, 20),
        min_theta=math.radians(90 - max_degrees),
        max_theta=math.radians(90 + max_degrees),
    )
    if lines is None or len(lines) == 0:
        return None
    # Each line is (rho, theta), strongest first; theta is the angle of the line's normal.
    thetas = np.asarray(lines).reshape(-1, 2)[:HOUGH_TOP_LINES, 1]
    return float(90.0 - np.degrees(np.median(thetas)))


def ink_coverage(
    gray: Gray, white_level: int = BLANK_WHITE_LEVEL, margin: float = BLANK_MARGIN
) -> float:
    """The share of pixels darker than ``white_level``, leaving out ``margin`` on each side."""
    height, width = gray.shape
    dy, dx = round(height * margin), round(width * margin)
    inner = gray[dy : height - dy, dx : width - dx]
    if inner.size == 0:
        return 0.0
    return float(np.count_nonzero(inner < white_level)) / inner.size


def is_blank(page: ScannedPage, settings: CleanupSettings = CleanupSettings()) -> bool:
    coverage = ink_coverage(_gray(_pixels(page.image)), settings.white_level, settings.margin)
    return coverage < settings.blank_coverage


def _pixels(image: Image.Image) -> NDArray[np.uint8]:
    source = image.convert("L") if image.mode == "1" else image
    return np.asarray(source, dtype=np.uint8)


def _gray(pixels: NDArray[np.uint8]) -> Gray:
    if pixels.ndim == 2:
        return pixels
    return np.asarray(cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY), dtype=np.uint8)


def _image(pixels: NDArray[np.uint8], mode: str) -> Image.Image:
    image = Image.fromarray(pixels)
    if mode == "1":
        return image.point(lambda value: 255 if value >= 128 else 0, mode="1")
    return image


def _background(small: Gray) -> int:
    """The scanner's own colour, from the scan's border: what the corners are filled with."""
    border = np.concatenate((small[0], small[-1], small[:, 0], small[:, -1]))
    return int(np.median(border))


def _find_paper(small: Gray) -> NDArray[np.float32] | None:
    """The corners of the paper, when it lies lighter on a darker background; else None."""
    blurred = cv2.GaussianBlur(small, (5, 5), 0)
    _threshold, light = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    contours, _hierarchy = cv2.findContours(light, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    largest = max(contours, key=cv2.contourArea)
    height, width = small.shape
    x, y, w, h = cv2.boundingRect(largest)
    if cv2.contourArea(largest) < MIN_PAGE_AREA * height * width:
        return None
    # Touching every edge, it is the lid or a page filling the scan: nothing to cut away.
    if x <= 1 and y <= 1 and x + w >= width - 1 and y + h >= height - 1:
        return None
    return np.asarray(cv2.boxPoints(cv2.minAreaRect(largest)), dtype=np.float32)


def _straighten(
    pixels: NDArray[np.uint8],
    angle: float,
    paper: NDArray[np.float32] | None,
    scale: float,
    fill: int,
) -> NDArray[np.uint8]:
    """Turn the page back by ``angle`` and cut it to the paper (or to its own size)."""
    height, width = pixels.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -angle, 1.0)
    if paper is None:
        out_width, out_height = width, height
    else:
        # A bigger canvas, so that no corner of the paper is turned out of the picture.
        cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
        out_width = math.ceil(height * sin + width * cos)
        out_height = math.ceil(height * cos + width * sin)
        matrix[0, 2] += out_width / 2 - width / 2
        matrix[1, 2] += out_height / 2 - height / 2
    border = (fill, fill, fill) if pixels.ndim == 3 else fill
    turned = cv2.warpAffine(
        pixels,
        matrix,
        (out_width, out_height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=border,
    )
    if paper is None:
        return np.asarray(turned, dtype=np.uint8)
    corners = cv2.transform((paper / scale).reshape(-1, 1, 2), matrix).reshape(-1, 2)
    left, top = corners.min(axis=0)
    right, bottom = corners.max(axis=0)
    inset_x, inset_y = (right - left) * CROP_INSET, (bottom - top) * CROP_INSET
    x0, y0 = max(0, math.ceil(left + inset_x)), max(0, math.ceil(top + inset_y))
    x1 = min(out_width, math.floor(right - inset_x))
    y1 = min(out_height, math.floor(bottom - inset_y))
    return np.ascontiguousarray(turned[y0:y1, x0:x1])
