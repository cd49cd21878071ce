"""The central server as the tests run it: a real uvicorn process on a free loopback port.

Its home folder (SQLite database, central key) is a temporary folder; with ``database_url`` it
runs on the test PostgreSQL instead. Commands for the centre (``decide``, ``enroll-code``…) run
the real `reception-server` command line against the same database.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from server import cli as server_cli


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class CentralServer:
    home: Path
    database_url: str | None = None
    workers: int = 1
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'server.db'}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _common(self) -> list[str]:
        common = ["--home", str(self.home)]
        if self.database_url:
            common += ["--db", self.database_url]
        return common

    def command(self, *args: str) -> str:
        """Run a `reception-server` command in this process; its standard output."""
        command, *rest = args
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = server_cli.main([command, *self._common(), *rest])
        if code != 0:
            raise RuntimeError(f"reception-server {' '.join(args)} failed with {code}")
        return out.getvalue()

    def init(self) -> None:
        self.command("init", "--demo")

    def start(self) -> None:
        log = (self.home / "server.log").open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server.cli",
                "run",
                *self._common(),
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
            ],
            stdout=log,
            stderr=log,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError((self.home / "server.log").read_text()[-2000:])
            try:
                if httpx.get(f"{self.url}/v1/time", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("the central server did not start in 30 s")

    def kill(self) -> None:
        """As a power cut would: no clean shutdown."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.process = None

    def enrol_code(self, office: str = "AGS") -> str:
        return self.command("enroll-code", "--office", office).strip()
