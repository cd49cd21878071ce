"""How well and how fast the desk reads MRZs from pictures, beside PassportEye on the same ones.

Run: ``python bench/bench_mrz_image.py [--count N]``. The pictures are generated
(``tests/support/passport_images.py``): passports' data pages (TD3), identity cards' backs
(TD1) and a few TD2 cards, at 200 and 300 dpi, turned up to 3 degrees either way, some
blurred, some noisy, saved as PNG files. Each reader gets the file's path, so decoding the
file counts in its time. A read is exact when every character of every line is right (the
target's measure); the document's fields without the names (number, dates, nationality,
issuing state, sex) are also compared on their own, which is kinder to a reader that
stumbles over the fillers after a name.
A read the reader calls valid but is not exact would be the worst outcome, and is counted
apart. PassportEye (Tesseract's stock English model) runs only where it is installed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.mrz import parse_mrz
from app.mrz.image import NoMrzFoundError, read_mrz_image
from tests.support.passport_images import DocumentImage, benchmark_set

EXACT_TARGET = 95.0  # per cent
MEDIAN_TARGET_MS = 300.0
DEFAULT_COUNT = 48


Fields = tuple[str, ...]  # number, birth, expiry, nationality, state, sex, surname, given
_NAMES = 6  # where the names start in Fields


@dataclass(frozen=True, slots=True)
class Reading:
    lines: tuple[str, ...] | None  # None: no MRZ found
    fields: Fields | None
    valid: bool  # what the reader itself says


@dataclass(frozen=True, slots=True)
class Outcome:
    exact: bool
    fields_right: bool
    valid: bool
    ms: float


def _truth(document: DocumentImage) -> Fields:
    result = parse_mrz(document.lines)
    return (
        result.document_number,
        result.birth_date_raw,
        result.expiry_date_raw,
        result.nationality,
        result.issuing_state,
        result.sex,
        result.surname,
        result.given_names,
    )


def _desk(path: Path) -> Reading:
    try:
        read = read_mrz_image(path)
    except NoMrzFoundError:
        return Reading(None, None, False)
    result = read.result
    fields = (
        result.document_number,
        result.birth_date_raw,
        result.expiry_date_raw,
        result.nationality,
        result.issuing_state,
        result.sex,
        result.surname,
        result.given_names,
    )
    return Reading(read.lines, fields, read.valid)


def _passport_eye() -> Callable[[Path], Reading] | None:
    try:
        from passporteye import read_mrz
    except ImportError:
        return None

    def read(path: Path) -> Reading:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mrz = read_mrz(str(path))
        if mrz is None:
            return Reading(None, None, False)
        text = str(mrz.aux.get("text", ""))
        lines = tuple(line.strip() for line in text.splitlines() if line.strip())

        def clean(value: object) -> str:
            return " ".join(str(value).replace("<", " ").split())

        fields = (
            clean(mrz.number).replace(" ", ""),
            clean(mrz.date_of_birth),
            clean(mrz.expiration_date),
            clean(mrz.nationality),
            clean(mrz.country),
            {"<": "X", "": "X"}.get(clean(mrz.sex), clean(mrz.sex)),
            clean(mrz.surname),
            clean(mrz.names),
        )
        return Reading(lines, fields, bool(mrz.valid))

    return read


def _run(
    reader: Callable[[Path], Reading], files: list[tuple[DocumentImage, Path]]
) -> list[Outcome]:
    reader(files[0][1])  # warm up: imports, the model, Tesseract's first start
    outcomes = []
    for document, path in files:
        started = time.perf_counter()
        reading = reader(path)
        ms = (time.perf_counter() - started) * 1000
        outcomes.append(
            Outcome(
                exact=reading.lines == document.lines,
                fields_right=reading.fields is not None
                and reading.fields[:_NAMES] == _truth(document)[:_NAMES],
                valid=reading.valid,
                ms=ms,
            )
        )
    return outcomes


def _summary(name: str, outcomes: list[Outcome], files: list[tuple[DocumentImage, Path]]) -> None:
    exact = 100 * sum(o.exact for o in outcomes) / len(outcomes)
    fields = 100 * sum(o.fields_right for o in outcomes) / len(outcomes)
    median = statistics.median(o.ms for o in outcomes)
    false_valid = sum(o.valid and not o.exact for o in outcomes)
    groups: dict[str, list[bool]] = {}
    for outcome, (document, _path) in zip(outcomes, files, strict=True):
        key = f"{document.mrz_format.value} {document.dpi} dpi"
        groups.setdefault(key, []).append(outcome.exact)
    detail = ", ".join(f"{key} {sum(v)}/{len(v)}" for key, v in sorted(groups.items()))
    print(
        f"{name}: {exact:.1f} % read exactly (target: at least {EXACT_TARGET:g} %), "
        f"median {median:.0f} ms per image (target: at most {MEDIAN_TARGET_MS:g} ms), "
        f"{false_valid} called valid but wrong"
    )
    print(f"  number, dates, codes and sex right (names aside): {fields:.1f} %")
    print(f"  {detail}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--skip-passporteye", action="store_true")
    args = parser.parse_args(argv)
    documents = benchmark_set(args.count)
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for number, document in enumerate(documents):
            path = Path(folder) / f"document-{number:02d}.png"
            document.image.save(path, dpi=(document.dpi, document.dpi))
            files.append((document, path))
        print(f"{len(files)} generated pictures: TD3, TD1 and TD2, 200 and 300 dpi, ±3°")
        _summary("mrz image read (desk)", _run(_desk, files), files)
        passport_eye = None if args.skip_passporteye else _passport_eye()
        if args.skip_passporteye:
            print("PassportEye skipped")
        elif passport_eye is None:
            print("PassportEye not installed")
        else:
            try:
                _summary("PassportEye", _run(passport_eye, files), files)
            except Exception as error:  # Tesseract missing or failing: say so, go on
                print(f"PassportEye could not run: {error}")


if __name__ == "__main__":
    main()
