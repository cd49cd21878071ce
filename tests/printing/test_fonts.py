"""The bundled fonts: present with their licences, covering every letter the desk prints."""

from __future__ import annotations

import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.i18n import translations_dir
from printing.fonts import Face, MissingGlyphsError, font, fonts_dir, missing_glyphs, require_glyphs

AZERBAIJANI = "AaBbCcÇçDdEeƏəFfGgĞğHhXxIıİiJjKkQqLlMmNnOoÖöPpRrSsŞşTtUuÜüVvYyZz"
RUSSIAN = "АаБбВвГгДдЕеЁёЖжЗзИиЙйКкЛлМмНнОоПпРрСсТтУуФфХхЦцЧчШшЩщЪъЫыЬьЭэЮюЯя"
PUNCTUATION = "0123456789 .,:;-–—/()«»„“”'’№…•"
MRZ_ALPHABET = string.ascii_uppercase + string.digits + "<"
TEXT_FACES = (Face.SANS, Face.SANS_BOLD, Face.MONO)
ROOT = Path(__file__).resolve().parents[2]
DEBIAN_OCR_B = Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf")


def test_every_face_is_bundled_with_its_licence() -> None:
    folder = fonts_dir()
    for face in Face:
        assert (folder / face.file_name).is_file(), face
    assert "Bitstream Vera" in (folder / "LICENSE-DejaVu.txt").read_text(encoding="utf-8")
    assert "public domain" in (folder / "LICENSE-OCR-B.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("face", TEXT_FACES)
def test_text_faces_cover_azerbaijani_russian_and_punctuation(face: Face) -> None:
    assert missing_glyphs(AZERBAIJANI + RUSSIAN + PUNCTUATION, face) == frozenset()


def test_ocr_b_covers_the_mrz_alphabet_and_is_monospaced() -> None:
    assert missing_glyphs(MRZ_ALPHABET, Face.OCR_B) == frozenset()
    widths = {font(Face.OCR_B).stringWidth(char, 10) for char in MRZ_ALPHABET}
    assert len(widths) == 1


def test_a_character_the_font_lacks_is_found_and_refused() -> None:
    assert missing_glyphs("Məmmədov 漢字", Face.SANS) == frozenset("漢字")
    assert missing_glyphs("MAMMADOV<ə", Face.OCR_B) == frozenset("ə")
    with pytest.raises(MissingGlyphsError) as refused:
        require_glyphs("Əliyev 漢", Face.SANS_BOLD)
    assert refused.value.missing == frozenset("漢")
    assert "漢" in str(refused.value) and "U+6F22" in refused.value.detail


def test_every_translated_message_can_be_printed() -> None:
    """Labels come from the catalogues: whatever a translator writes must have glyphs."""
    for po_path in sorted(translations_dir().glob("*/LC_MESSAGES/reception.po")):
        with po_path.open("rb") as stream:
            catalogue = read_po(stream)
        texts = "".join(
            "".join(m.string) if isinstance(m.string, tuple) else (m.string or "")
            for m in catalogue
        )
        # Line breaks are never drawn: the layout breaks lines itself.
        assert missing_glyphs(texts.replace("\n", ""), Face.SANS) == frozenset(), po_path


def test_a_face_is_loaded_once() -> None:
    assert font(Face.SANS) is font(Face.SANS)


def test_the_bundled_ocr_b_is_what_the_conversion_makes(tmp_path: Path) -> None:
    if not DEBIAN_OCR_B.is_file():
        pytest.skip("Debian's fonts-ocr-b is not installed: nothing to convert")
    converted = tmp_path / "OCRB.ttf"
    subprocess.run(
        [sys.executable, "-m", "printing.tools.convert_ocrb", str(DEBIAN_OCR_B), str(converted)],
        check=True,
        cwd=ROOT,
    )
    assert converted.read_bytes() == (fonts_dir() / Face.OCR_B.file_name).read_bytes()
