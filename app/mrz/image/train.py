"""Training the OCR-B classifier from the font itself: ``python -m app.mrz.image.train``.

Blocks of two or three MRZ-like lines of random characters are drawn with the bundled
OCR-B (``resources/fonts/OCRB.ttf``, public domain) at 150 to 400 dpi, made thinner or
bolder, tilted, blurred, noisy, on tinted and patterned paper, some JPEG-compressed, some
with a cell blotted, erased or scribbled over (the class "unreadable"). Each block goes
through the reader's own locator and segmentation, so the classifier learns from cells cut
exactly as the reader cuts them. The network is trained with Adam on the cells, its softmax
temperature fitted on held-out ones, and the result written to
``resources/mrz/ocrb-classifier.npz`` (about half a megabyte). The same seed gives the
same file on the same machine.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from app.mrz.image.classifier import (
    ALPHABET,
    CLASSES,
    UNREADABLE,
    OcrbClassifier,
    model_path,
    save_classifier,
    softmax,
)
from app.mrz.image.locate import find_mrz
from app.mrz.image.segment import FEATURES, cell_patches, straightened
from app.resources import resources_dir

DEFAULT_SEED = 9303
DEFAULT_BLOCKS = 1600
HIDDEN = 256
EPOCHS = 18
BATCH = 256
LEARNING_RATE = 2e-3
WEIGHT_DECAY = 1e-4
HELD_OUT = 0.1

_SUPERSAMPLE = 3  # glyphs are drawn this much larger, then reduced: sub-pixel placement
_SHAPES = ((30, 3), (36, 2), (44, 2))
_OCRB_ADVANCE = 0.723  # of the em
_MM_PER_INCH = 25.4
_PITCH_MM = 2.54

Labels = NDArray[np.int64]
FloatArray = NDArray[np.float32]


def _random_text(rng: random.Random, length: int) -> list[int]:
    """Class numbers of one line: uniform characters with runs of fillers between."""
    filler = ALPHABET.index("<")
    line: list[int] = []
    while len(line) < length:
        if rng.random() < 0.2:
            line.extend([filler] * rng.randint(2, 10))
        else:
            line.append(rng.randrange(len(ALPHABET)))
    return line[:length]


def _damage(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    box: tuple[float, float, float, float],
    paper: int,
) -> None:
    """Spoil one printed cell so that its character can no longer be told."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    cx, cy = (left + right) / 2, (top + bottom) / 2
    kind = rng.choice(("blot", "blot", "erase", "half", "scribble"))
    if kind == "blot":
        corners = rng.randint(5, 12)
        # From a blot inside the cell to one spilling onto its neighbours, which stay legible.
        points = [
            (
                cx + math.cos(a) * width * rng.uniform(0.35, 0.95),
                cy + math.sin(a) * height * rng.uniform(0.35, 0.95),
            )
            for a in np.linspace(0, math.tau, corners, endpoint=False)
        ]
        draw.polygon(points, fill=rng.randint(0, 110))
    elif kind == "erase":
        draw.rectangle(box, fill=paper)
    elif kind == "half":
        if rng.random() < 0.5:
            split = top + height * rng.uniform(0.35, 0.65)
            draw.rectangle(
                (left, top, right, split) if rng.random() < 0.5 else (left, split, right, bottom),
                fill=paper,
            )
        else:
            split = left + width * rng.uniform(0.35, 0.65)
            draw.rectangle(
                (left, top, split, bottom) if rng.random() < 0.5 else (split, top, right, bottom),
                fill=paper,
            )
    else:
        stroke = max(2, round(height * rng.uniform(0.12, 0.25)))
        points = [
            (left + width * rng.uniform(0.0, 1.0), top + height * rng.uniform(0.0, 1.0))
            for _ in range(rng.randint(3, 6))
        ]
        draw.line(points, fill=rng.randint(0, 80), width=stroke)


def render_block(seed: int) -> tuple[NDArray[np.uint8], list[list[int]], tuple[float, float]]:
    """A picture of a random MRZ-like block, the class of each of its cells and where the
    centre of its first cell is."""
    rng = random.Random(seed)
    length, count = rng.choice(_SHAPES)
    dpi = rng.uniform(150, 400)
    pitch = _PITCH_MM / _MM_PER_INCH * dpi * _SUPERSAMPLE
    font = ImageFont.truetype(
        str(resources_dir() / "fonts" / "OCRB.ttf"), round(pitch / _OCRB_ADVANCE)
    )
    ascent = font.getmetrics()[0]
    spacing = pitch * rng.uniform(1.45, 1.75)
    margin = round(pitch * 3)
    width = round(length * pitch + 2 * margin)
    height = round((count - 1) * spacing + pitch + 2 * margin)
    paper = rng.randint(185, 252)
    ink_level = rng.randint(0, 80)
    canvas = Image.new("L", (width, height), paper)
    draw = ImageDraw.Draw(canvas)
    if rng.random() < 0.5:
        # Security printing: faint waves behind the text.
        y, x = np.mgrid[0:height, 0:width].astype(np.float32)
        period = pitch * rng.uniform(0.5, 2.0)
        waves = np.sin(x / period + 2 * np.sin(y / (3 * period)))
        pattern = np.where(np.abs(waves) < 0.15, paper - rng.randint(5, 25), paper)
        canvas = Image.fromarray(pattern.astype(np.uint8), "L")
        draw = ImageDraw.Draw(canvas)
    labels: list[list[int]] = []
    damaged = rng.random() < 0.45
    for number in range(count):
        line = _random_text(rng, length)
        baseline = margin + pitch * 0.98 + number * spacing
        for index, printed in enumerate(line):
            x0 = margin + index * pitch + rng.gauss(0, 0.03) * pitch
            top = baseline - ascent + rng.gauss(0, 0.02) * pitch
            draw.text((x0, top), ALPHABET[printed], font=font, fill=ink_level)
            if damaged and 0 < index < length - 1 and rng.random() < 0.04:
                cell = (x0 + 0.1 * pitch, baseline - 0.98 * pitch, x0 + 0.9 * pitch, baseline)
                _damage(draw, rng, cell, paper)
                line[index] = UNREADABLE
        labels.append(line)
    pixels = np.asarray(canvas, dtype=np.uint8)
    # Thinner or bolder print than the font's own weight.
    weight = rng.choice((-2, -1, 0, 0, 1, 2, 3))
    if weight:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (abs(weight) + 1, abs(weight) + 1))
        pixels = np.asarray(
            cv2.erode(pixels, kernel) if weight > 0 else cv2.dilate(pixels, kernel), dtype=np.uint8
        )
    small = cv2.resize(
        pixels,
        (round(width / _SUPERSAMPLE), round(height / _SUPERSAMPLE)),
        interpolation=cv2.INTER_AREA,
    )
    angle = rng.uniform(-4.0, 4.0)
    centre = (small.shape[1] / 2, small.shape[0] / 2)
    matrix = cv2.getRotationMatrix2D(centre, angle, rng.uniform(0.97, 1.03))
    first_x = (margin + 0.5 * pitch + 0.5) / _SUPERSAMPLE - 0.5
    first_y = (margin + 0.98 * pitch - 0.49 * pitch + 0.5) / _SUPERSAMPLE - 0.5
    first = (
        float(matrix[0, 0] * first_x + matrix[0, 1] * first_y + matrix[0, 2]),
        float(matrix[1, 0] * first_x + matrix[1, 1] * first_y + matrix[1, 2]),
    )
    small = cv2.warpAffine(
        small,
        matrix,
        (small.shape[1], small.shape[0]),
        flags=cv2.INTER_CUBIC,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=paper,
    )
    blur = rng.uniform(0.0, 0.085) * pitch / _SUPERSAMPLE
    if blur > 0.3:
        small = cv2.GaussianBlur(small, (0, 0), blur)
    noisy = small.astype(np.float32)
    noisy += np.random.default_rng(seed).normal(0.0, rng.uniform(0.0, 16.0), noisy.shape)
    result = np.clip(noisy, 0, 255).astype(np.uint8)
    if rng.random() < 0.3:
        ok, encoded = cv2.imencode(".jpg", result, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(35, 90)])
        if ok:
            result = np.asarray(cv2.imdecode(encoded, cv2.IMREAD_GRAYSCALE), dtype=np.uint8)
    return np.ascontiguousarray(result, dtype=np.uint8), labels, first


def block_samples(seed: int) -> tuple[FloatArray, Labels]:
    """The cells of one rendered block as the reader cuts them, with their classes; none
    when the locator does not find the block whole (its cells would be mislabelled)."""
    image, labels, (first_x, first_y) = render_block(seed)
    geometry = find_mrz(image)
    if (
        geometry is None
        or len(geometry.origins) != len(labels)
        or geometry.length != len(labels[0])
        or math.hypot(geometry.origins[0][0] - first_x, geometry.origins[0][1] - first_y)
        > 0.35 * geometry.pitch
    ):
        return np.zeros((0, FEATURES), dtype=np.float32), np.zeros(0, dtype=np.int64)
    patches = cell_patches(straightened(image, geometry), geometry)
    return patches.reshape(len(patches), FEATURES), np.array(
        [label for line in labels for label in line], dtype=np.int64
    )


def build_dataset(blocks: int, seed: int, workers: int) -> tuple[FloatArray, Labels, int]:
    """All cells of ``blocks`` blocks and how many blocks the locator missed."""
    seeds = [seed * 100_003 + number for number in range(blocks)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(block_samples, seeds, chunksize=16))
    missed = sum(1 for samples, _labels in results if len(samples) == 0)
    features = np.concatenate([samples for samples, _labels in results])
    labels = np.concatenate([labels for _samples, labels in results])
    return features, labels, missed


def train(
    features: FloatArray, labels: Labels, seed: int, *, epochs: int = EPOCHS, log: bool = True
) -> OcrbClassifier:
    """A one-hidden-layer network trained with Adam on softmax cross-entropy."""
    rng = np.random.default_rng(seed)
    mean = features.mean(axis=0).astype(np.float32)
    inputs = (features - mean).astype(np.float32)
    weights = [
        (rng.standard_normal((FEATURES, HIDDEN)) * math.sqrt(2 / FEATURES)).astype(np.float32),
        np.zeros(HIDDEN, dtype=np.float32),
        (rng.standard_normal((HIDDEN, CLASSES)) * math.sqrt(1 / HIDDEN)).astype(np.float32),
        np.zeros(CLASSES, dtype=np.float32),
    ]
    moments = [np.zeros_like(w) for w in weights]
    squares = [np.zeros_like(w) for w in weights]
    step = 0
    targets = np.eye(CLASSES, dtype=np.float32)[labels]
    for epoch in range(epochs):
        # Cosine decay: large steps first, fine ones at the end.
        rate = LEARNING_RATE * 0.5 * (1 + math.cos(math.pi * epoch / epochs))
        order = rng.permutation(len(inputs))
        total = 0.0
        for start in range(0, len(order), BATCH):
            batch = order[start : start + BATCH]
            x, t = inputs[batch], targets[batch]
            pre = x @ weights[0] + weights[1]
            hidden = np.maximum(pre, 0.0)
            probabilities = softmax(hidden @ weights[2] + weights[3])
            total += float(-np.log(probabilities[t > 0] + 1e-9).sum())
            delta = (probabilities - t) / len(batch)
            grad_hidden = (delta @ weights[2].T) * (pre > 0)
            grads = [
                x.T @ grad_hidden,
                grad_hidden.sum(axis=0),
                hidden.T @ delta,
                delta.sum(axis=0),
            ]
            step += 1
            for index, raw in enumerate(grads):
                grad = raw + WEIGHT_DECAY * weights[index] if index in (0, 2) else raw
                moments[index] = 0.9 * moments[index] + 0.1 * grad
                squares[index] = 0.999 * squares[index] + 0.001 * grad * grad
                corrected_m = moments[index] / (1 - 0.9**step)
                corrected_v = squares[index] / (1 - 0.999**step)
                weights[index] = (
                    weights[index] - rate * corrected_m / (np.sqrt(corrected_v) + 1e-8)
                ).astype(np.float32)
        if log:
            print(f"  epoch {epoch + 1}/{epochs}: loss {total / len(inputs):.4f}", flush=True)
    return OcrbClassifier(
        hidden_weights=weights[0],
        hidden_bias=weights[1],
        output_weights=weights[2],
        output_bias=weights[3],
        mean=mean,
        temperature=1.0,
    )


def calibrated(classifier: OcrbClassifier, features: FloatArray, labels: Labels) -> OcrbClassifier:
    """The classifier with the softmax temperature that best predicts held-out cells."""
    patches = features.reshape(len(features), FEATURES)

    def loss(temperature: float) -> float:
        trial = OcrbClassifier(
            classifier.hidden_weights,
            classifier.hidden_bias,
            classifier.output_weights,
            classifier.output_bias,
            classifier.mean,
            temperature,
        )
        chosen = trial.probabilities(patches)[np.arange(len(labels)), labels]
        return float(-np.log(chosen + 1e-9).mean())

    best = min((float(t) for t in np.linspace(0.5, 3.0, 51)), key=loss)
    return OcrbClassifier(
        classifier.hidden_weights,
        classifier.hidden_bias,
        classifier.output_weights,
        classifier.output_bias,
        classifier.mean,
        best,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.mrz.image.train",
        description="Train the MRZ reader's OCR-B classifier from the bundled font.",
    )
    parser.add_argument("--out", type=Path, default=model_path())
    parser.add_argument("--blocks", type=int, default=DEFAULT_BLOCKS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    features, labels, missed = build_dataset(args.blocks, args.seed, args.workers)
    print(
        f"{len(labels)} cells from {args.blocks - missed} blocks "
        f"({missed} not found whole) in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    order = np.random.default_rng(args.seed).permutation(len(labels))
    held = order[: round(HELD_OUT * len(order))]
    kept = order[len(held) :]
    classifier = train(features[kept], labels[kept], args.seed, epochs=args.epochs)
    classifier = calibrated(classifier, features[held], labels[held])
    predicted = classifier.probabilities(features[held]).argmax(axis=1)
    errors = predicted != labels[held]
    print(
        f"held-out cells: {100 * (1 - errors.mean()):.2f} % right "
        f"({int(errors.sum())} of {len(held)} wrong); temperature {classifier.temperature:.2f}"
    )
    names = [*ALPHABET, "unreadable"]
    confusions: dict[tuple[str, str], int] = {}
    for truth, guess in zip(labels[held][errors], predicted[errors], strict=True):
        pair = (names[truth], names[guess])
        confusions[pair] = confusions.get(pair, 0) + 1
    for (truth, guess), times in sorted(confusions.items(), key=lambda item: -item[1])[:12]:
        print(f"  {truth} read as {guess}: {times}")
    save_classifier(classifier, args.out)
    print(f"written {args.out} ({args.out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
