"""Cold start to the login window, from source and from the bundle, and memory at idle after
login. Each figure is printed beside its target."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 9
ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "RECEPTION_LANGUAGE": "en"}


def _demo_data() -> tuple[Path, str]:
    folder = Path(tempfile.mkdtemp(prefix="bench-desk-"))
    made = subprocess.run(
        [sys.executable, "-m", "app.cli", "--data-dir", str(folder), "init", "--demo"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=ENV,
    )
    clerk = next(
        line.split()[-1] for line in made.stdout.splitlines() if line.strip().startswith("clerk")
    )
    return folder, clerk


def _time_to_login_window(command: list[str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=ENV, stderr=subprocess.DEVNULL
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    elapsed = time.perf_counter() - started
    process.wait(30)
    if line.strip() != "shown":
        raise RuntimeError(f"the desk did not show its login window: {line!r}")
    return elapsed


def cold_start(label: str, command: list[str], target: float) -> None:
    _time_to_login_window(command)  # warm the file cache once: "cold" means a new process
    times = sorted(_time_to_login_window(command) for _ in range(RUNS))
    median = statistics.median(times)
    print(
        f"cold start to login window ({label}): median {median:.3f} s, "
        f"best {times[0]:.3f} s, worst {times[-1]:.3f} s (target: at most {target} s)"
    )


def idle_memory(folder: Path, password: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ui.app", "--data-dir", str(folder), "--probe", "idle-memory"],
        input=f"clerk\n{password}\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=ENV,
        timeout=120,
        check=True,
    )
    rss = float(result.stdout.split()[-1])
    print(f"memory at idle after login: {rss:.0f} MB RSS (target: at most 120 MB)")


def main() -> None:
    folder, password = _demo_data()
    cold_start(
        "source",
        [sys.executable, "-m", "ui.app", "--data-dir", str(folder), "--probe", "startup"],
        0.5,
    )
    bundle = ROOT / "dist" / "reception-desk" / "reception-desk"
    if bundle.exists():
        cold_start("bundle", [str(bundle), "--data-dir", str(folder), "--probe", "startup"], 0.6)
    else:
        print(
            "cold start to login window (bundle): not measured, run `make bundle` first "
            "(target: at most 0.6 s)"
        )
    idle_memory(folder, password)


if __name__ == "__main__":
    main()
