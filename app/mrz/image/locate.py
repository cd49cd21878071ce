"""Finding the MRZ on a page: two or three parallel rows of evenly spaced characters.

The page is thresholded and cut into connected components; components of a text line are
chained by drawing each one's middle band stretched to the right by its own height, which
joins neighbours across the gap between letters whatever the resolution or a small tilt.
A chain whose characters nearly all sit on a regular grid is a row (print in a proportional
font is not); its grid is then followed past the chain's ends, over a blot or a missing
character. The MRZ is two or three rows, parallel, evenly spaced and on one grid, whose
characters fill a run of exactly 30, 36 or 44 cells with nothing on the grid around it.
Everything is measured on a copy of at most ``WORK_SIZE`` pixels, and the geometry is
returned in the coordinates of the picture given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from app.mrz.model import MrzFormat

Gray = NDArray[np.uint8]
FloatArray = NDArray[np.float64]

WORK_SIZE = 2000  # pixels along the long side of the copy the MRZ is searched on
# OCR-B's capitals are 711 thousandths of its em tall and its advance is 723: the character
# height follows from the pitch, which 30 to 44 cells measure far better than any one glyph.
CAP_PER_PITCH = 711 / 723
# ICAO 9303's line lengths and line counts, and the format each pair makes.
SHAPES: dict[tuple[int, int], MrzFormat] = {
    (30, 3): MrzFormat.TD1,
    (36, 2): MrzFormat.TD2,
    (44, 2): MrzFormat.TD3,
}
_MIN_HEIGHT = 6  # pixels on the working copy; smaller specks are noise
_MAX_HEIGHT = 150
_MIN_MEMBERS = 6  # characters in a chain for it to be a row
_MIN_ROW = 18  # characters on a row's grid for it to be a line of an MRZ
_ON_GRID = 0.75  # the share of a row's characters that must sit on its grid
_STRAY = 0.1  # the share of an MRZ's cells that may hold a character off the grid


@dataclass(frozen=True, slots=True)
class MrzGeometry:
    """Where the character cells are, in pixels of the picture searched.

    The centre of cell ``k`` of line ``j`` is ``origins[j] + k * pitch * direction``;
    ``direction`` runs along the lines (the text's tilt) and ``normal`` down across them.
    """

    mrz_format: MrzFormat
    length: int
    origins: tuple[tuple[float, float], ...]
    pitch: float
    direction: tuple[float, float]

    @property
    def normal(self) -> tuple[float, float]:
        dx, dy = self.direction
        return -dy, dx

    @property
    def angle_degrees(self) -> float:
        """The tilt of the lines, counter-clockwise positive as the picture is seen."""
        return -math.degrees(math.atan2(self.direction[1], self.direction[0]))

    @property
    def cap_height(self) -> float:
        return self.pitch * CAP_PER_PITCH

    def scaled(self, factor: float) -> MrzGeometry:
        return MrzGeometry(
            mrz_format=self.mrz_format,
            length=self.length,
            origins=tuple((x * factor, y * factor) for x, y in self.origins),
            pitch=self.pitch * factor,
            direction=self.direction,
        )


@dataclass(frozen=True, slots=True)
class _Line:
    """A row of characters at a regular pitch, on the working copy."""

    slope: float  # dy/dx of the row
    intercept: float  # y at x = 0 of the row through the characters' centres
    first: float  # x of the centre of cell 0, the leftmost cell of the chain
    pitch: float  # x distance from one cell to the next
    height: float

    def y_at(self, x: float) -> float:
        return self.slope * x + self.intercept


@dataclass(frozen=True, slots=True)
class _Grid:
    """Which cells of a row's grid hold a character, the chain's and any beyond its ends."""

    line: _Line
    occupied: frozenset[int]
    stray: tuple[int, ...]  # cells near which a character sits off the grid, on the row


def find_mrz(gray: Gray) -> MrzGeometry | None:
    """The MRZ's geometry in ``gray``, or None when the picture has none."""
    height, width = gray.shape
    scale = min(1.0, WORK_SIZE / max(height, width))
    small = (
        gray
        if scale == 1.0
        else np.asarray(
            cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA),
            dtype=np.uint8,
        )
    )
    boxes = _character_boxes(small)
    if len(boxes) < _MIN_MEMBERS:
        return None
    rows = [line for group in _chains(boxes, small.shape) if (line := _row(boxes[group]))]
    grids = [grid for line in rows if len((grid := _grid(line, boxes)).occupied) >= _MIN_ROW]
    found = _best_mrz(grids)
    if found is None:
        return None
    return found if scale == 1.0 else found.scaled(1 / scale)


def _character_boxes(small: Gray) -> NDArray[np.int32]:
    """x, y, width and height of every component that could be a printed character."""
    smooth = cv2.GaussianBlur(small, (3, 3), 0)
    # Dark print on a lighter ground, judged against its surroundings: tinted pages, guilloche
    # patterns and uneven lighting all leave the MRZ's black ink standing out.
    binary = cv2.adaptiveThreshold(
        smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 14
    )
    _count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(binary, connectivity=8)
    stats = stats[1:]
    x, y, w, h, area = (stats[:, index] for index in range(5))
    keep = (
        (h >= _MIN_HEIGHT)
        & (h <= _MAX_HEIGHT)
        & (w >= 2)
        & (w <= 1.5 * h)
        & (area >= 0.08 * w * h)
        & (area <= 0.9 * w * h)
    )
    return np.ascontiguousarray(np.stack((x, y, w, h), axis=1)[keep], dtype=np.int32)


def _chains(boxes: NDArray[np.int32], shape: tuple[int, ...]) -> list[NDArray[np.intp]]:
    """Indices of the boxes of each chain of neighbouring characters on one text line."""
    mask = np.zeros(shape[:2], dtype=np.uint8)
    for x, y, w, h in boxes.tolist():
        # The middle half of the character, stretched right by its height: it reaches the
        # next character of the same line, never the line above or below.
        cv2.rectangle(mask, (x, y + h // 4), (x + w + h, y + h - h // 4 - 1), 255, -1)
    _count, labels = cv2.connectedComponents(mask, connectivity=4)
    rows = boxes[:, 1] + boxes[:, 3] // 2
    cols = boxes[:, 0] + boxes[:, 2] // 2
    owner = labels[rows, cols]
    order = np.argsort(owner, kind="stable")
    owners = owner[order]
    starts = np.flatnonzero(np.diff(owners)) + 1
    return [
        group
        for group in np.split(order, starts)
        if len(group) >= _MIN_MEMBERS and owner[group[0]] != 0
    ]


def _row(boxes: NDArray[np.int32]) -> _Line | None:
    """The regular row the boxes make, or None when they are not evenly spaced."""
    cx = boxes[:, 0] + boxes[:, 2] / 2.0
    cy = boxes[:, 1] + boxes[:, 3] / 2.0
    order = np.argsort(cx)
    cx, cy = cx[order], cy[order]
    height = float(np.percentile(boxes[:, 3], 80))
    steps = np.diff(cx)
    # Characters broken in two give short steps; the median step is still one cell.
    steps = steps[steps > 0.4 * height]
    if len(steps) < _MIN_MEMBERS - 1:
        return None
    pitch = float(np.median(steps))
    if not 0.75 * height <= pitch <= 1.6 * height:
        return None
    return _fit_row(cx, cy, pitch, height)


def _fit_row(cx: FloatArray, cy: FloatArray, pitch: float, height: float) -> _Line | None:
    """Cells numbered along the row, then the pitch and the row fitted to them."""
    # Where the grid lies: the mean phase of the centres on a circle of one pitch, which a
    # stray mark beside the row does not shift the way taking the first centre would.
    angles = cx * (2 * math.pi / pitch)
    phase = math.atan2(float(np.sin(angles).sum()), float(np.cos(angles).sum()))
    first = float(cx.min()) + ((phase / (2 * math.pi) * pitch - cx.min()) % pitch)
    cells = np.rint((cx - first) / pitch)
    on_grid = np.abs(cx - first - cells * pitch) < 0.3 * pitch
    for _round in range(2):
        if np.count_nonzero(on_grid) < _MIN_MEMBERS:
            return None
        pitch_fit, first = np.polyfit(cells[on_grid], cx[on_grid], 1)
        cells = np.rint((cx - first) / pitch_fit)
        on_grid = np.abs(cx - first - cells * pitch_fit) < 0.3 * pitch_fit
        pitch = float(pitch_fit)
    slope, intercept = np.polyfit(cx[on_grid], cy[on_grid], 1)
    residual = np.abs(cy - (slope * cx + intercept))
    on_grid &= residual < 0.3 * height
    # Print in a proportional font falls anywhere; a fixed-pitch row puts nearly every
    # character on its grid.
    if np.count_nonzero(on_grid) < max(_MIN_MEMBERS, _ON_GRID * len(cx)):
        return None
    slope, intercept = np.polyfit(cx[on_grid], cy[on_grid], 1)
    low = int(cells[on_grid].min())
    return _Line(
        slope=float(slope),
        intercept=float(intercept),
        first=float(first + low * pitch),
        pitch=pitch,
        height=height,
    )


def _grid(line: _Line, boxes: NDArray[np.int32]) -> _Grid:
    """The cells of ``line``'s grid that hold a character-sized mark, however far from the
    chain: a blot, a faint glyph or a missing character breaks a chain, never the grid."""
    cx = boxes[:, 0] + boxes[:, 2] / 2.0
    cy = boxes[:, 1] + boxes[:, 3] / 2.0
    heights = boxes[:, 3]
    position = (cx - line.first) / line.pitch
    cells = np.rint(position)
    on_row = (
        (np.abs(cy - (line.slope * cx + line.intercept)) < 0.3 * line.height)
        & (heights > 0.35 * line.height)
        & (heights < 1.5 * line.height)
    )
    on_grid = np.abs(position - cells) < 0.3
    return _Grid(
        line,
        frozenset(cells[on_row & on_grid].astype(int).tolist()),
        tuple(cells[on_row & ~on_grid].astype(int).tolist()),
    )


def _best_mrz(grids: list[_Grid]) -> MrzGeometry | None:
    """The best two or three rows that make an MRZ: parallel, of one pitch, evenly spaced,
    and holding characters in the same run of 30, 36 or 44 cells of one grid."""
    grids = sorted(grids, key=lambda grid: grid.line.y_at(grid.line.first))
    best: tuple[float, MrzGeometry] | None = None
    for (length, count), mrz_format in SHAPES.items():
        for stack in _stacks(grids, count):
            found = _window(stack, length, mrz_format)
            if found is not None and (best is None or found[0] > best[0]):
                best = found
    return None if best is None else best[1]


def _stacks(grids: list[_Grid], count: int) -> list[list[tuple[_Grid, int]]]:
    """Runs of ``count`` rows, each below the last by one line spacing, with the shift of
    each row's cell numbers onto the first row's grid."""

    def follows(upper: _Line, lower: _Line) -> int | None:
        if abs(upper.slope - lower.slope) > 0.02:
            return None
        if not 0.93 < upper.pitch / lower.pitch < 1.07:
            return None
        height = upper.pitch * CAP_PER_PITCH
        gap = lower.y_at(upper.first) - upper.y_at(upper.first)
        if not 1.2 * height < gap < 2.6 * height:
            return None
        # Lines of an MRZ share their grid: one is below the other, not shifted by part of
        # a cell (the tilt moves a line's start by gap * slope along the row).
        offset = (lower.first - upper.first + gap * upper.slope) / upper.pitch
        shift = round(offset)
        return shift if abs(offset - shift) < 0.3 else None

    stacks: list[list[tuple[_Grid, int]]] = []

    def extend(stack: list[tuple[_Grid, int]], start: int) -> None:
        if len(stack) == count:
            stacks.append(stack)
            return
        last, last_shift = stack[-1]
        for index in range(start, len(grids)):
            shift = follows(last.line, grids[index].line)
            if shift is not None:
                extend([*stack, (grids[index], last_shift + shift)], index + 1)

    for index, grid in enumerate(grids):
        extend([(grid, 0)], index + 1)
    return stacks


def _window(
    stack: list[tuple[_Grid, int]], length: int, mrz_format: MrzFormat
) -> tuple[float, MrzGeometry] | None:
    """The run of ``length`` cells the rows fill best, with how well, or None when they do
    not fill one: the MRZ's cells all hold a character, and the cells around it do not."""
    cells = [frozenset(cell + shift for cell in grid.occupied) for grid, shift in stack]
    strays = [cell + shift for grid, shift in stack for cell in grid.stray]
    everything = frozenset().union(*cells)
    best: tuple[float, int] | None = None
    for start in range(min(everything) - 1, max(everything) + 2 - length + 1):
        inside = [sum(1 for cell in row if start <= cell < start + length) for row in cells]
        if min(inside) < 0.7 * length:
            continue
        outside = sum(
            1
            for row in cells
            for cell in (start - 2, start - 1, start + length, start + length + 1)
            if cell in row
        )
        if outside > len(cells):
            continue
        if sum(1 for cell in strays if start <= cell < start + length) > _STRAY * length * len(
            cells
        ):
            continue
        # A line of an MRZ starts and ends with a printed character: its end cells count
        # double, which settles where a row with a missing end character lies.
        ends = sum((start in row) + (start + length - 1 in row) for row in cells)
        score = (sum(inside) + ends) / (len(cells) * (length + 2)) - 0.05 * outside
        if best is None or score > best[0]:
            best = (score, start)
    if best is None:
        return None
    score, start = best
    lines = [grid.line for grid, _shift in stack]
    pitch = float(np.mean([line.pitch for line in lines]))
    slope = float(np.mean([line.slope for line in lines]))
    norm = math.hypot(1.0, slope)
    origins = []
    for grid, shift in stack:
        x = grid.line.first + (start - shift) * grid.line.pitch
        origins.append((x, grid.line.y_at(x)))
    geometry = MrzGeometry(
        mrz_format=mrz_format,
        length=length,
        origins=tuple(origins),
        pitch=pitch * norm,
        direction=(1.0 / norm, slope / norm),
    )
    return score, geometry
