"""``reception-admin print``: the demo documents written as PDF files by a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.printing import reading


def _admin(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "RECEPTION_LANGUAGE": "en"},
    )


@pytest.mark.parametrize(
    ("arguments", "pages", "expected"),
    [
        (["card"], 2, "Şükürova"),
        (["receipt", "--paper", "roll_80", "--document-language", "ru"], 1, "Гусейнов"),
        (["ticket", "--document-language", "az"], 1, "A017"),
    ],
)
def test_print_demo_documents(
    tmp_path: Path, arguments: list[str], pages: int, expected: str
) -> None:
    out = tmp_path / "document.pdf"
    result = _admin("print", *arguments, "--demo", "--out", str(out))
    assert result.returncode == 0, result.stderr
    pdf = out.read_bytes()
    assert len(reading.page_sizes_mm(pdf)) == pages
    assert expected in reading.text(pdf)


def test_print_without_demo_says_what_to_do(tmp_path: Path) -> None:
    result = _admin("print", "card", "--out", str(tmp_path / "card.pdf"))
    assert result.returncode == 2
    assert "--demo" in result.stderr
    assert not (tmp_path / "card.pdf").exists()
