"""Reading MRZs from pictures: generated passports and identity cards in OCR-B, scanned at 200
and 300 dpi, tilted, blurred and noisy, read exactly; damaged ones never called valid."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from app.cli import run
from app.mrz import MrzFormat, generate_td1, parse_mrz
from app.mrz.image import NoMrzFoundError, read_mrz_image
from app.scanning.model import FileRefusedError, ScannedPage
from tests.app.test_cli import _run
from tests.support.pages import a4_page
from tests.support.passport_images import (
    MM_PER_INCH,
    document_page,
    random_lines,
    sample,
    scanned,
)


@pytest.mark.parametrize(
    ("seed", "mrz_format", "dpi", "scan"),
    [
        # scan: turned by degrees, Gaussian blur in pixels, noise's standard deviation
        (1, MrzFormat.TD3, 300, (0.0, 0.0, 0.0)),
        (2, MrzFormat.TD3, 200, (-2.6, 1.0, 8.0)),
        (3, MrzFormat.TD3, 300, (3.0, 1.4, 12.0)),
        (4, MrzFormat.TD1, 300, (2.2, 1.0, 6.0)),
        (5, MrzFormat.TD1, 200, (-3.0, 1.4, 10.0)),
        (6, MrzFormat.TD2, 200, (1.5, 0.6, 4.0)),
    ],
)
def test_generated_documents_are_read_exactly(
    seed: int, mrz_format: MrzFormat, dpi: int, scan: tuple[float, float, float]
) -> None:
    angle, blur, noise = scan
    document = sample(seed, mrz_format, dpi, angle=angle, blur=blur, noise=noise)

    read = read_mrz_image(document.image)

    assert read.lines == document.lines
    assert read.valid
    assert read.result == parse_mrz(document.lines)
    assert 0.0 < read.confidence <= 1.0
    assert read.unreadable == ()
    assert abs(read.skew_degrees - angle) < 0.5
    assert len(read.char_confidence) == len(document.lines)


def test_a_page_upside_down_is_turned_and_read() -> None:
    document = sample(7, MrzFormat.TD3, 200, angle=1.0, noise=4.0)

    read = read_mrz_image(document.image.rotate(180))

    assert read.lines == document.lines
    assert read.page_turn_degrees == 180
    # The corners are those of the picture as given: the MRZ lies at its top, upside down.
    assert max(y for _x, y in read.mrz_corners) < document.image.height / 2


def test_a_smudged_check_digit_is_never_valid() -> None:
    # The composite check digit of a passport and the date of birth's of an identity card,
    # each under a blot of ink.
    for seed, mrz_format, cell in ((11, MrzFormat.TD3, (1, 43)), (12, MrzFormat.TD1, (1, 6))):
        document = sample(seed, mrz_format, 300, angle=1.0, blur=0.6, smudges=(cell,))

        read = read_mrz_image(document.image)

        assert not read.valid
        assert read.confidence <= 0.5


def test_a_wrong_check_digit_is_read_as_printed_and_fails() -> None:
    lines = random_lines(random.Random(21), MrzFormat.TD3)
    wrong = str((int(lines[1][19]) + 1) % 10)  # the date of birth's check digit
    printed = (lines[0], lines[1][:19] + wrong + lines[1][20:])
    page = document_page(MrzFormat.TD3, printed, 300, seed=21)

    read = read_mrz_image(scanned(page, angle=-1.0, blur=0.6, noise=4.0))

    assert read.lines == printed
    assert not read.valid
    assert "birth_date" in read.result.failed_checks
    assert read.confidence <= 0.5


def test_confusable_characters_are_settled_by_position_and_check_digits() -> None:
    # A document number of letters and digits that look alike in print, next to dates,
    # names and codes where only digits or only letters may stand.
    number = "O0I1B8S5Z"
    printed = generate_td1(
        document_type="ID",
        issuing_state="BOL",
        surname="OZBIZ",
        given_names="SOLI",
        document_number=number,
        nationality="ISL",
        birth_date=date(1980, 1, 10),
        sex="F",
        expiry_date=date(2030, 8, 25),
        optional_data="Z2O0",
        optional_data_2="B8S5",
    )
    page = document_page(MrzFormat.TD1, printed, 200, seed=31)

    read = read_mrz_image(scanned(page, angle=2.0, blur=1.0, noise=6.0))

    assert read.lines == printed
    assert read.valid
    assert read.result.document_number == number


def test_a_page_without_an_mrz_says_so() -> None:
    lines = random_lines(random.Random(41), MrzFormat.TD3)
    without = scanned(document_page(MrzFormat.TD3, lines, 200, seed=41, with_mrz=False))
    for picture in (without, a4_page(150, lines=12)):
        with pytest.raises(NoMrzFoundError, match="No machine-readable zone was found"):
            read_mrz_image(picture)


def test_files_are_checked_before_reading(tmp_path: Path) -> None:
    document = sample(51, MrzFormat.TD1, 200, angle=-1.0, noise=4.0)
    good = tmp_path / "card.png"
    document.image.save(good, dpi=(200, 200))
    assert read_mrz_image(good).lines == document.lines
    read = read_mrz_image(ScannedPage(document.image, 200, "scanner page 1"))
    assert read.origin == "scanner page 1"

    damaged = tmp_path / "damaged.png"
    damaged.write_bytes(good.read_bytes()[:2000])
    with pytest.raises(FileRefusedError, match="damaged or incomplete"):
        read_mrz_image(damaged)

    huge = tmp_path / "huge.png"
    with huge.open("wb") as stream:  # sparse: takes no room on the disk
        stream.truncate(51 * 1024 * 1024)
    with pytest.raises(FileRefusedError, match="over 50 MB"):
        read_mrz_image(huge)

    with pytest.raises(FileRefusedError, match="cannot be opened"):
        read_mrz_image(tmp_path / "missing.png")


def test_a_pdf_is_read_page_by_page(tmp_path: Path) -> None:
    document = sample(61, MrzFormat.TD3, 300, angle=0.5, noise=4.0)
    pdf = tmp_path / "scan.pdf"
    blank = Image.new("L", document.image.size, 240)
    blank.save(pdf, resolution=300, save_all=True, append_images=[document.image])

    read = read_mrz_image(pdf)

    assert read.lines == document.lines
    assert "page 2" in read.origin


def test_the_portrait_is_cut_beside_a_passport_mrz_and_none_from_a_card_back() -> None:
    passport = sample(71, MrzFormat.TD3, 300, angle=-2.0, blur=0.6, noise=6.0)
    card = sample(72, MrzFormat.TD1, 300, angle=1.0)

    face = read_mrz_image(passport.image).face
    assert face is not None
    # ICAO portraits are about 35 x 45 mm; this one is printed 32 x 41 mm.
    width_mm = face.width / passport.dpi * MM_PER_INCH
    height_mm = face.height / passport.dpi * MM_PER_INCH
    assert 0.7 < face.width / face.height < 0.85
    assert 25 < width_mm < 42 and 32 < height_mm < 52
    assert read_mrz_image(card.image).face is None
    assert read_mrz_image(passport.image, with_face=False).face is None


def test_reception_admin_mrz_read(tmp_path: Path) -> None:
    document = sample(81, MrzFormat.TD3, 300, angle=1.5, blur=1.0, noise=6.0)
    picture = tmp_path / "passport.png"
    document.image.save(picture, dpi=(300, 300))
    face = tmp_path / "face.png"

    result = _run("mrz", "read", str(picture), "--json", "--face-out", str(face))

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["valid"] is True
    assert answer["lines"] == list(document.lines)
    assert answer["format"] == "TD3"
    assert answer["document_number"] == parse_mrz(document.lines).document_number
    assert 0 < answer["confidence"] <= 1
    assert answer["face_file"] == str(face)
    with Image.open(face) as portrait:
        assert portrait.format == "PNG"


def test_reception_admin_mrz_read_in_words_and_without_an_mrz(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = sample(82, MrzFormat.TD1, 200, angle=-1.0, noise=4.0)
    picture = tmp_path / "card.png"
    document.image.save(picture, dpi=(200, 200))

    assert run(["--language", "en", "mrz", "read", str(picture)]) == 0
    shown = capsys.readouterr().out
    assert document.lines[2] in shown
    assert "Every check digit matches." in shown

    empty = tmp_path / "form.png"
    a4_page(100, lines=5).save(empty)
    assert run(["--language", "en", "mrz", "read", str(empty), "--json"]) == 2
    answer = capsys.readouterr()
    assert json.loads(answer.out)["error"] == "no_mrz"
    assert len(answer.err.strip().splitlines()) == 1
    assert "No machine-readable zone was found in form.png" in answer.err

    assert run(["--language", "en", "mrz", "read", str(tmp_path / "none.png")]) == 2
    assert "cannot be opened" in capsys.readouterr().err


def test_the_result_is_a_frozen_value() -> None:
    read = read_mrz_image(sample(91, MrzFormat.TD1, 200).image)
    with pytest.raises(AttributeError):
        read.valid = False  # type: ignore[misc]
    assert replace(read, valid=False).valid is False


def test_a_missing_model_file_is_named(tmp_path: Path) -> None:
    from app.mrz.image import MrzReaderUnavailableError
    from app.mrz.image.classifier import load_classifier

    broken = tmp_path / "model.npz"
    broken.write_bytes(b"not a model")
    for path in (tmp_path / "none.npz", broken):
        with pytest.raises(MrzReaderUnavailableError, match=r"model file .* is missing or damaged"):
            load_classifier(path)
