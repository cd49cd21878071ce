"""The OCR-B character classifier: a small neural network in numpy, trained by ``train``.

One hidden layer of rectified units over a cell's ``PATCH_HEIGHT`` x ``PATCH_WIDTH`` ink
values, a softmax over the 37 MRZ characters and one more class, "unreadable" (a blot, a
missing or half-erased glyph). The softmax is divided by a temperature fitted on held-out
cells, so that a probability of 0.9 is right about nine times in ten.
"""

from __future__ import annotations

import functools
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from app.errors import DeskError
from app.i18n import _
from app.mrz.checkdigit import MRZ_ALPHABET
from app.mrz.image.segment import FEATURES, Patches
from app.resources import resources_dir

ALPHABET = MRZ_ALPHABET  # 0-9, A-Z, <: the classes 0 to 36
UNREADABLE = len(ALPHABET)  # the class of cells that hold no legible character
CLASSES = len(ALPHABET) + 1
MODEL_FILE = "ocrb-classifier.npz"

FloatArray = NDArray[np.float32]


class MrzReaderUnavailableError(DeskError):
    """The reader's model file is missing or damaged: the installation is incomplete."""


@dataclass(frozen=True, slots=True, eq=False)
class OcrbClassifier:
    hidden_weights: FloatArray  # FEATURES x hidden
    hidden_bias: FloatArray
    output_weights: FloatArray  # hidden x CLASSES
    output_bias: FloatArray
    mean: FloatArray  # subtracted from the inputs, as in training
    temperature: float

    def probabilities(self, patches: Patches) -> FloatArray:
        """For each patch, the probability of each class (rows sum to 1)."""
        inputs = patches.reshape(len(patches), FEATURES) - self.mean
        hidden = np.maximum(inputs @ self.hidden_weights + self.hidden_bias, 0.0)
        return softmax((hidden @ self.output_weights + self.output_bias) / self.temperature)


def softmax(logits: FloatArray) -> FloatArray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float32)


def model_path() -> Path:
    return resources_dir() / "mrz" / MODEL_FILE


def save_classifier(classifier: OcrbClassifier, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as stream:
        np.savez_compressed(
            stream,
            alphabet=np.array(ALPHABET),
            hidden_weights=classifier.hidden_weights.astype(np.float16),
            hidden_bias=classifier.hidden_bias,
            output_weights=classifier.output_weights.astype(np.float16),
            output_bias=classifier.output_bias,
            mean=classifier.mean,
            temperature=np.array(classifier.temperature, dtype=np.float32),
        )


@functools.cache
def load_classifier(path: Path | None = None) -> OcrbClassifier:
    """The classifier from ``path`` (the bundled model by default), loaded once."""
    where = path or model_path()
    try:
        with np.load(where, allow_pickle=False) as data:
            if str(data["alphabet"]) != ALPHABET:
                raise ValueError("the model was trained for another alphabet")
            classifier = OcrbClassifier(
                hidden_weights=np.asarray(data["hidden_weights"], dtype=np.float32),
                hidden_bias=np.asarray(data["hidden_bias"], dtype=np.float32),
                output_weights=np.asarray(data["output_weights"], dtype=np.float32),
                output_bias=np.asarray(data["output_bias"], dtype=np.float32),
                mean=np.asarray(data["mean"], dtype=np.float32),
                temperature=float(data["temperature"]),
            )
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise MrzReaderUnavailableError(
            _(
                "The MRZ reader cannot start: its model file {path} is missing or damaged. "
                "Reinstall the desk."
            ).format(path=where),
            detail=repr(error),
        ) from error
    if classifier.hidden_weights.shape[0] != FEATURES:
        raise MrzReaderUnavailableError(
            _(
                "The MRZ reader cannot start: its model file {path} is missing or damaged. "
                "Reinstall the desk."
            ).format(path=where),
            detail=f"model expects {classifier.hidden_weights.shape[0]} inputs",
        )
    return classifier
