"""Pages from files: pictures (PNG, JPEG, TIFF with its pages, BMP, WebP) and PDF documents.

A file is checked before it is decoded: its size against ``MAX_FILE_BYTES``, its kind by its
first bytes (not its name), the picture's pixel count against ``MAX_PAGE_PIXELS``. PDF pages
are rendered to pictures at ``PDF_DPI`` by PDFium, so that every page, scanned or imported,
is previewed, turned, cleaned and compressed the same way. Each refusal says which file and
why, in words a clerk can act on.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from app.i18n import _, ngettext
from app.scanning.model import (
    DEFAULT_RESOLUTION,
    MAX_FILE_BYTES,
    MAX_PAGES,
    FileRefusedError,
    ScannedPage,
    dpi_of,
    normalised,
)
from app.tasks import TaskState

if TYPE_CHECKING:
    import pypdfium2 as pdfium

log = logging.getLogger(__name__)

PICTURE_FORMATS = ("PNG", "JPEG", "TIFF", "BMP", "WEBP")
SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".pdf"})
PDF_DPI = 200  # PDFs are mostly born digital: their text is sharp at this resolution
# An A3 page at 600 dpi is 70 megapixels; anything beyond is not a document scan.
MAX_PAGE_PIXELS = 80_000_000
_PDF_MAGIC = b"%PDF-"
_MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ImportResult:
    pages: tuple[ScannedPage, ...]
    problems: tuple[str, ...]  # one message for each file refused, naming it
    cancelled: bool = False


def import_files(paths: Sequence[Path], task: TaskState) -> ImportResult:
    """The pages of several files in order; a refused file is named and the others go on."""
    pages: list[ScannedPage] = []
    problems: list[str] = []
    for number, path in enumerate(paths, start=1):
        if task.cancelled:
            return ImportResult(tuple(pages), tuple(problems), cancelled=True)
        task.set_progress(
            (number - 1) / len(paths),
            _("Reading {name} ({number} of {total})").format(
                name=path.name, number=number, total=len(paths)
            ),
        )
        try:
            pages.extend(read_file(path, task, limit=MAX_PAGES - len(pages)))
        except FileRefusedError as error:
            log.warning("file refused: %s (%s)", path, error.detail or error.message)
            problems.append(error.message)
    task.set_progress(
        1.0,
        ngettext("{count} page read", "{count} pages read", len(pages)).format(count=len(pages)),
    )
    return ImportResult(tuple(pages), tuple(problems), cancelled=task.cancelled)


def read_file(
    path: Path, task: TaskState | None = None, *, limit: int = MAX_PAGES
) -> list[ScannedPage]:
    """Every page of one file, or :class:`FileRefusedError` saying why not."""
    head = _check_file(path)
    if head.startswith(_PDF_MAGIC):
        return _pdf_pages(path, task, limit)
    return _picture_pages(path, task, limit)


def _check_file(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FileRefusedError(
                _(
                    "The file {name} is {size} MB: files over {limit} MB are not imported. "
                    "Scan the paper at a lower resolution, or split the file."
                ).format(name=path.name, size=_megabytes(size), limit=MAX_FILE_BYTES // _MB)
            )
        if size == 0:
            raise FileRefusedError(_("The file {name} is empty.").format(name=path.name))
        with path.open("rb") as stream:
            return stream.read(len(_PDF_MAGIC))
    except OSError as error:
        raise FileRefusedError(
            _("The file {name} cannot be opened: {problem}.").format(
                name=path.name, problem=error.strerror or error
            ),
            detail=repr(error),
        ) from error


def _megabytes(size: int) -> str:
    return f"{size / _MB:.1f}"


def _unreadable(path: Path, error: BaseException) -> FileRefusedError:
    return FileRefusedError(
        _(
            "The file {name} is damaged or incomplete and cannot be read. Ask for the file "
            "again, or scan the paper."
        ).format(name=path.name),
        detail=repr(error),
    )


def _too_many_pages(path: Path, limit: int) -> FileRefusedError:
    return FileRefusedError(
        _(
            "The file {name} has more pages than one import takes ({limit}). Split it, or "
            "import fewer files at once."
        ).format(name=path.name, limit=limit)
    )


def _check_pixels(path: Path, width: int, height: int) -> None:
    if width * height > MAX_PAGE_PIXELS:
        raise FileRefusedError(
            _(
                "A page of {name} is {width} × {height} pixels, more than a document scan "
                "needs (at most {limit} megapixels). Save it at a lower resolution."
            ).format(name=path.name, width=width, height=height, limit=MAX_PAGE_PIXELS // 1_000_000)
        )


def _picture_pages(path: Path, task: TaskState | None, limit: int) -> list[ScannedPage]:
    pages: list[ScannedPage] = []
    try:
        with warnings.catch_warnings():
            # Our own pixel limit speaks first; Pillow's bomb warning would only repeat it.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path, formats=PICTURE_FORMATS) as opened:
                count = getattr(opened, "n_frames", 1)
                if count > limit:
                    raise _too_many_pages(path, limit)
                for number, frame in enumerate(ImageSequence.Iterator(opened), start=1):
                    if task is not None and task.cancelled:
                        break
                    _check_pixels(path, *frame.size)
                    pages.append(_picture_page(path, frame, number, count))
    except UnidentifiedImageError as error:
        raise FileRefusedError(
            _(
                "The file {name} is not a picture or a PDF that the desk reads (PNG, JPEG, "
                "TIFF, BMP, WebP, PDF)."
            ).format(name=path.name),
            detail=repr(error),
        ) from error
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise _unreadable(path, error) from error
    return pages


def _picture_page(path: Path, frame: Image.Image, number: int, count: int) -> ScannedPage:
    frame.load()
    info = dict(frame.info)
    # Phone photos are stored sideways with a note saying how to turn them.
    image = normalised(ImageOps.exif_transpose(frame.copy()))
    image.info = info
    origin = (
        path.name
        if count == 1
        else _("{name}, page {number}").format(name=path.name, number=number)
    )
    return ScannedPage(image, dpi_of(image, DEFAULT_RESOLUTION), origin)


def _pdf_pages(path: Path, task: TaskState | None, limit: int) -> list[ScannedPage]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise FileRefusedError(
                _(
                    "The PDF {name} is protected by a password. Ask for a copy without one, "
                    "or print and scan it."
                ).format(name=path.name),
                detail=repr(error),
            ) from error
        raise _unreadable(path, error) from error
    try:
        if len(document) > limit:
            raise _too_many_pages(path, limit)
        if len(document) == 0:
            raise _unreadable(path, ValueError("no pages"))
        return list(_render(path, document, task))
    finally:
        document.close()


def _render(
    path: Path, document: pdfium.PdfDocument, task: TaskState | None
) -> Iterator[ScannedPage]:
    import pypdfium2 as pdfium

    for index in range(len(document)):
        if task is not None and task.cancelled:
            return
        try:
            page = document[index]
            width_pt, height_pt = page.get_size()
            scale = PDF_DPI / 72
            _check_pixels(path, round(width_pt * scale), round(height_pt * scale))
            image = page.render(scale=scale).to_pil()
            page.close()
        except pdfium.PdfiumError as error:
            raise _unreadable(path, error) from error
        origin = _("{name}, page {number}").format(name=path.name, number=index + 1)
        yield ScannedPage(normalised(image), PDF_DPI, origin)
