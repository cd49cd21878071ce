"""Pages from picture and PDF files; damaged, protected, huge and foreign files refused."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from app.scanning.files import MAX_PAGE_PIXELS, PDF_DPI, import_files, read_file
from app.scanning.model import MAX_FILE_BYTES, FileRefusedError
from app.tasks import TaskState
from tests.support.pages import a4_page


def _pdf(path: Path, pages: int, **options: object) -> Path:
    document = canvas.Canvas(str(path), pagesize=A4, **options)  # type: ignore[arg-type]
    for number in range(1, pages + 1):
        document.setFont("Helvetica", 24)
        document.drawString(72, 720, f"Page {number}")
        document.showPage()
    document.save()
    return path


def test_png_keeps_its_resolution(tmp_path: Path) -> None:
    path = tmp_path / "form.png"
    a4_page(150).save(path, dpi=(150, 150))
    [page] = read_file(path)
    assert page.dpi == 150
    assert page.image.mode == "L"
    assert page.size_mm == pytest.approx((210, 297), abs=0.5)
    assert page.origin == "form.png"


def test_jpeg_without_a_resolution_counts_as_300_dpi(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    a4_page(100).convert("RGB").save(path, quality=80)
    [page] = read_file(path)
    assert page.dpi == 300
    assert page.image.mode == "RGB"


def test_a_phone_photo_is_turned_upright(tmp_path: Path) -> None:
    path = tmp_path / "sideways.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    Image.new("RGB", (400, 300), "white").save(path, exif=exif.tobytes())
    [page] = read_file(path)
    assert page.image.size == (300, 400)


def test_every_page_of_a_tiff(tmp_path: Path) -> None:
    path = tmp_path / "feeder.tiff"
    first, *others = [a4_page(100, seed=seed) for seed in range(3)]
    first.save(path, save_all=True, append_images=others, dpi=(100, 100), compression="tiff_lzw")
    pages = read_file(path)
    assert len(pages) == 3
    assert [page.origin for page in pages] == [f"feeder.tiff, page {n}" for n in (1, 2, 3)]
    assert all(page.dpi == 100 for page in pages)


def test_sixteen_bit_grey_is_kept_grey(tmp_path: Path) -> None:
    path = tmp_path / "deep.png"
    values = np.full((50, 50), 40000, dtype=np.uint16)
    Image.fromarray(values).save(path)
    [page] = read_file(path)
    assert page.image.mode == "L"
    assert np.asarray(page.image)[0, 0] == 40000 >> 8  # not clipped to white


def test_pdf_pages_are_rendered(tmp_path: Path) -> None:
    pages = read_file(_pdf(tmp_path / "letter.pdf", pages=2))
    assert len(pages) == 2
    assert all(page.dpi == PDF_DPI for page in pages)
    assert pages[0].size_mm == pytest.approx((210, 297), abs=0.5)
    assert pages[1].origin == "letter.pdf, page 2"
    assert np.asarray(pages[0].image.convert("L")).min() < 100  # the text is there


def test_a_pdf_named_like_a_picture_is_read_as_a_pdf(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "scan.pdf", pages=1).rename(tmp_path / "scan.jpg")
    assert len(read_file(path)) == 1  # the first bytes decide, not the name


def test_a_password_protected_pdf_is_refused_clearly(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "locked.pdf", pages=1, encrypt="secret")
    with pytest.raises(FileRefusedError) as refused:
        read_file(path)
    assert str(refused.value) == (
        "The PDF locked.pdf is protected by a password. Ask for a copy without one, or print "
        "and scan it."
    )


def test_a_truncated_picture_is_called_damaged(tmp_path: Path) -> None:
    whole = io.BytesIO()
    a4_page(100).save(whole, "PNG")
    path = tmp_path / "cut.png"
    path.write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])
    with pytest.raises(FileRefusedError) as refused:
        read_file(path)
    assert str(refused.value) == (
        "The file cut.png is damaged or incomplete and cannot be read. Ask for the file again, "
        "or scan the paper."
    )


def test_a_damaged_pdf_is_called_damaged(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    with pytest.raises(FileRefusedError, match=r"broken\.pdf is damaged or incomplete"):
        read_file(path)


def test_a_file_of_another_kind_is_named(tmp_path: Path) -> None:
    path = tmp_path / "notes.png"
    path.write_text("not a picture at all", encoding="utf-8")
    with pytest.raises(FileRefusedError) as refused:
        read_file(path)
    assert str(refused.value) == (
        "The file notes.png is not a picture or a PDF that the desk reads (PNG, JPEG, TIFF, "
        "BMP, WebP, PDF)."
    )


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.touch()
    with pytest.raises(FileRefusedError, match=r"^The file empty.pdf is empty\.$"):
        read_file(path)


def test_a_huge_file_is_refused_with_the_limit_named(tmp_path: Path) -> None:
    path = tmp_path / "huge.tiff"
    with path.open("wb") as stream:  # sparse: the size without the disk space
        stream.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(FileRefusedError) as refused:
        read_file(path)
    assert str(refused.value) == (
        "The file huge.tiff is 50.0 MB: files over 50 MB are not imported. Scan the paper at "
        "a lower resolution, or split the file."
    )


def test_a_picture_of_too_many_pixels_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "poster.png"
    side = int(MAX_PAGE_PIXELS**0.5) + 10
    Image.new("1", (side, side), 1).save(path)  # small on the disk, huge in memory
    with pytest.raises(FileRefusedError, match=r"more than a document scan needs \(at most 80"):
        read_file(path)


def test_import_goes_on_past_a_refused_file(tmp_path: Path) -> None:
    good = tmp_path / "good.png"
    a4_page(100).save(good, dpi=(100, 100))
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 broken")
    pdf = _pdf(tmp_path / "two.pdf", pages=2)
    result = import_files([good, bad, pdf], TaskState())
    assert len(result.pages) == 3
    assert len(result.problems) == 1 and "bad.jpg" in result.problems[0]
    assert not result.cancelled


def test_import_stops_when_cancelled(tmp_path: Path) -> None:
    paths = []
    for number in range(3):
        path = tmp_path / f"{number}.png"
        a4_page(50).save(path)
        paths.append(path)
    task = TaskState()
    task.cancel()
    result = import_files(paths, task)
    assert result.cancelled and result.pages == ()
