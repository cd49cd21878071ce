"""A private CUPS scheduler for the test session, with PDF queues whose output can be read.

``cupsd`` runs in the foreground on a socket in a temporary folder, with its own
configuration, spool, cache, state and logs there: it touches neither the machine's CUPS
nor port 631. Queues use the cups-pdf backend, which writes each job as a PDF (after
Ghostscript has re-rendered it, as a real printer's filter chain would).

cups-pdf only reads its configuration from /etc/cups, but it reads a separate file per
instance: a queue whose device is ``cups-pdf:/INSTANCE`` reads ``cups-pdf-INSTANCE.conf``.
Each queue gets such a file, named for this session, pointing its output into the temporary
folder; the files are removed when the scheduler stops. cups-pdf insists on running as
root, so the whole fixture needs root.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

CUPS_PDF_BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
CUPS_PDF_PPD = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"
CUPS_PDF_CONFIG_DIR = Path("/etc/cups")  # compiled into cups-pdf
START_TIMEOUT_SECONDS = 15.0
TAG_PREFIX = "desktest"  # names this fixture's cups-pdf instances
ROOT_MARK = "# private cups: "


class CupsUnavailableError(RuntimeError):
    """The private scheduler cannot run here; the message says why."""


def _tool(name: str) -> str | None:
    # cupsd and lpadmin live in sbin, which an ordinary PATH may leave out.
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")


def missing_requirements() -> str:
    """Why the private scheduler cannot start here, or "" when it can."""
    if os.name != "posix" or os.geteuid() != 0:
        return "the private CUPS scheduler needs root (cups-pdf refuses to run otherwise)"
    absent = [
        name for name in ("cupsd", "lpadmin", "lp", "lpstat", "cupsdisable") if not _tool(name)
    ]
    if absent:
        return f"CUPS tools missing: {', '.join(absent)} (Debian: cups cups-bsd cups-client)"
    if not CUPS_PDF_BACKEND.exists():
        return "the cups-pdf backend is missing (Debian: printer-driver-cups-pdf)"
    if not shutil.which("gs"):
        return "Ghostscript is missing (Debian: ghostscript)"
    if not os.access(CUPS_PDF_CONFIG_DIR, os.W_OK):
        return f"{CUPS_PDF_CONFIG_DIR} is not writable for cups-pdf's per-queue configuration"
    return ""


@dataclass
class PdfQueue:
    name: str
    output: Path  # where cups-pdf writes this queue's jobs

    def printed_file(self, job_id: str) -> Path | None:
        number = job_id.rpartition("-")[2]
        found = sorted(self.output.glob(f"*job_{number}.pdf"))
        return found[0] if found else None


@dataclass
class PrivateCups:
    root: Path
    process: subprocess.Popen[bytes]
    tag: str
    instance_configs: list[Path] = field(default_factory=list)

    @property
    def socket(self) -> Path:
        return self.root / "cups.sock"

    @property
    def server(self) -> str:
        """What ``CUPS_SERVER`` must say to reach this scheduler."""
        return str(self.socket)

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        """Run a CUPS command-line tool against this scheduler; fails the test on error."""
        env = dict(os.environ, CUPS_SERVER=self.server, LC_ALL="C")
        executable = _tool(command[0]) or command[0]
        return subprocess.run(
            [executable, *command[1:]],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )

    def add_pdf_queue(self, name: str, *, output: Path | None = None, **options: str) -> PdfQueue:
        """A queue printing to PDF files in its own folder. ``options`` go to ``lpadmin -o``;
        ``output`` may name a folder that cannot be created, to make the backend fail."""
        instance = f"{self.tag}-{name}".lower()
        queue = PdfQueue(name, output or self.root / "out" / name)
        config = CUPS_PDF_CONFIG_DIR / f"cups-pdf-{instance}.conf"
        config.write_text(
            f"{ROOT_MARK}{self.root}\n"  # a comment to cups-pdf
            f"Out {queue.output}\n"
            f"AnonDirName {queue.output}\n"
            f"Spool {self.root / 'cups-pdf-spool'}\n"
        )
        self.instance_configs.append(config)
        extra = [arg for key, value in options.items() for arg in ("-o", f"{key}={value}")]
        self.run(
            "lpadmin", "-p", name, "-E", "-v", f"cups-pdf:/{instance}", "-m", CUPS_PDF_PPD, *extra
        )
        return queue

    def add_failing_queue(self, name: str) -> PdfQueue:
        """A queue that takes every job and then fails it: its cups-pdf cannot make its output
        folder (below a plain file), and the error policy aborts the job rather than stop the
        printer, as a printer that errs on a document would."""
        blocker = self.root / f"{name}.not-a-folder"
        blocker.write_text("")
        return self.add_pdf_queue(
            name, output=blocker / "out", **{"printer-error-policy": "abort-job"}
        )

    def remove_queue(self, name: str) -> None:
        self.run("lpadmin", "-x", name)

    def wait_for_output(self, queue: PdfQueue, job_id: str, timeout: float = 30.0) -> Path:
        """The file the job became, once CUPS has finished it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pending = self.run("lpstat", "-W", "not-completed", "-o", queue.name).stdout
            printed = queue.printed_file(job_id)
            if printed is not None and job_id not in pending.split():
                return printed
            time.sleep(0.2)
        raise TimeoutError(f"{job_id} printed nothing in {timeout:g} s; log:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        log = self.root / "log" / "error_log"
        return (
            "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""
        )

    def stop(self) -> None:
        try:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        finally:
            for config in self.instance_configs:
                config.unlink(missing_ok=True)
            shutil.rmtree(self.root, ignore_errors=True)


def _write_config(root: Path) -> tuple[Path, Path]:
    for folder in ("conf", "cache", "state", "spool", "spool/tmp", "log", "out", "cups-pdf-spool"):
        (root / folder).mkdir(mode=0o755, exist_ok=True)
    cupsd_conf = root / "conf" / "cupsd.conf"
    cupsd_conf.write_text(
        f"Listen {root / 'cups.sock'}\n"
        "Browsing No\n"
        "WebInterface No\n"
        "DefaultAuthType None\n"
        "LogLevel info\n"
        "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Location /admin>\n  Order allow,deny\n  Allow all\n</Location>\n"
    )
    files_conf = root / "conf" / "cups-files.conf"
    files_conf.write_text(
        f"ServerRoot {root / 'conf'}\n"
        f"CacheDir {root / 'cache'}\n"
        f"StateDir {root / 'state'}\n"
        f"RequestRoot {root / 'spool'}\n"
        f"TempDir {root / 'spool' / 'tmp'}\n"
        f"AccessLog {root / 'log' / 'access_log'}\n"
        f"ErrorLog {root / 'log' / 'error_log'}\n"
        f"PageLog {root / 'log' / 'page_log'}\n"
        "SystemGroup root\n"
        "FileDevice No\n"
    )
    return cupsd_conf, files_conf


def _remove_stale_instance_configs() -> None:
    """Per-queue files left by a session that was killed: their output folder is gone."""
    for config in CUPS_PDF_CONFIG_DIR.glob(f"cups-pdf-{TAG_PREFIX}*.conf"):
        first_line = (config.read_text().splitlines() or [""])[0]
        root = first_line.removeprefix(ROOT_MARK)
        if not first_line.startswith(ROOT_MARK) or not Path(root).exists():
            config.unlink(missing_ok=True)


def start_private_cups() -> PrivateCups:
    """Start the scheduler and wait until it answers; raises CupsUnavailableError if it cannot."""
    reason = missing_requirements()
    if reason:
        raise CupsUnavailableError(reason)
    _remove_stale_instance_configs()
    root = Path(tempfile.mkdtemp(prefix="desk-cups-"))
    # Filters run as the lp user and must reach the spool and temp folders inside.
    root.chmod(0o755)
    cupsd_conf, files_conf = _write_config(root)
    with (root / "log" / "cupsd.stderr").open("wb") as stderr:
        process = subprocess.Popen(
            [_tool("cupsd") or "cupsd", "-f", "-c", str(cupsd_conf), "-s", str(files_conf)],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    cups = PrivateCups(root, process, tag=f"{TAG_PREFIX}{secrets.token_hex(3)}")
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if cups.socket.exists():
            try:
                if "is running" in cups.run("lpstat", "-r").stdout:
                    return cups
            except subprocess.CalledProcessError:
                pass
        time.sleep(0.1)
    stderr = (root / "log" / "cupsd.stderr").read_text(errors="replace")
    log = cups.log_tail()
    cups.stop()
    raise CupsUnavailableError(f"cupsd did not start: {stderr}\n{log}".strip())
