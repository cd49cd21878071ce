"""SANE's "test" backend for tests that scan through a whole screen: the project's own
configuration (tests/support/sane), optionally slowed down so a Cancel lands mid-scan, and a
stand-in for a scanner unplugged half-way through the feeder."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

SANE_CONFIG_DIR = Path(__file__).resolve().parent / "sane"


def real_scanimage() -> str:
    found = shutil.which("scanimage")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("scanimage is missing: `make test` installs sane-utils")
        pytest.skip("scanimage (sane-utils) is not installed")
    return found


def sane_config(folder: Path, *, read_delay_us: int = 0) -> Path:
    """A copy of the project's SANE configuration; with a delay, every read the frontend makes
    waits ``read_delay_us`` microseconds (a page at 100 dpi is some ten reads)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("dll.conf", "test.conf"):
        shutil.copy(SANE_CONFIG_DIR / name, folder / name)
    if read_delay_us:
        test_conf = folder / "test.conf"
        lines = [
            "read-delay true"
            if line.startswith("read-delay ")
            else f"read-delay-duration {read_delay_us}"
            if line.startswith("read-delay-duration ")
            else line
            for line in test_conf.read_text(encoding="utf-8").splitlines()
        ]
        test_conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def unplugging_scanimage(folder: Path, *, after: int = 2) -> Path:
    """A ``scanimage`` to put first on PATH: the real one scans ``after`` pages of the feeder,
    then the program ends with SANE's I/O error, as when the cable is pulled. (The test
    backend itself cannot lose its device.) Returns the folder to put on PATH."""
    real = real_scanimage()
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "scanimage"
    script.write_text(
        "#!/bin/sh\n"
        f'case " $* " in *" --batch"*) ;; *) exec "{real}" "$@" ;; esac\n'
        f'"{real}" "$@" --batch-count={after} || exit $?\n'
        'echo "scanimage: sane_start: Error during device I/O" >&2\n'
        "exit 9\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return folder
