"""Scanners on Linux (and macOS) through SANE's command line, ``scanimage``.

The command line rather than python-sane: it needs no compiler or SANE headers to install, a
crashing driver takes down a child process instead of the desk, and cancelling is a signal.
``scanimage --batch --batch-print`` writes each page to a private temporary folder and prints
its name once the page is complete (see :mod:`app.scanning.sane_run`), so pages reach the
caller one by one while the feeder goes on, and the pages done before a failure are kept.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from app.i18n import _
from app.scanning import sane_options
from app.scanning.model import (
    MAX_PAGES,
    Availability,
    DeviceCapabilities,
    ScanDevice,
    ScanError,
    ScannedPage,
    ScannerUnavailableError,
    ScanOptions,
    ScanSource,
)
from app.scanning.sane_options import SaneOption
from app.scanning.sane_run import ScanRun, reason_of
from app.tasks import TaskState

log = logging.getLogger(__name__)

BACKEND_NAME = "sane"
# Listing devices probes the network for shared scanners: seconds, rarely more.
LIST_TIMEOUT_SECONDS = 60.0
_FIELD = "\t"


class SaneBackend:
    """SANE devices through ``scanimage``; ``extra_options`` go to every scan (device tuning)."""

    def __init__(
        self,
        *,
        command: str = "scanimage",
        env: Mapping[str, str] | None = None,
        extra_options: Sequence[str] = (),
    ) -> None:
        self._command = command
        # The C locale keeps SANE's messages in English, which is what they are matched in.
        self._env = {**(os.environ if env is None else env), "LC_ALL": "C", "LANGUAGE": ""}
        self._extra_options = tuple(extra_options)

    @property
    def name(self) -> str:
        return BACKEND_NAME

    def availability(self) -> Availability:
        if shutil.which(self._command, path=self._env.get("PATH")) is None:
            return Availability(
                False,
                _(
                    "The SANE scanner tools are not installed on this computer (package "
                    "sane-utils). Ask the administrator to install them."
                ),
            )
        return Availability(True)

    def _run(self, args: Sequence[str]) -> str:
        availability = self.availability()
        if not availability.available:
            raise ScannerUnavailableError(availability.reason)
        try:
            result = subprocess.run(
                [self._command, *args],
                capture_output=True,
                text=True,
                env=self._env,
                timeout=LIST_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise ScanError(
                _("The scanners did not answer in time. Check that they are switched on."),
                detail=repr(error),
            ) from error
        if result.returncode != 0:
            raise ScanError(
                _("The scanner cannot be used: {reason}.").format(
                    reason=reason_of(result.stderr.splitlines())
                ),
                detail=result.stderr.strip(),
            )
        return result.stdout

    def devices(self) -> list[ScanDevice]:
        listing = self._run(
            ["--formatted-device-list", _FIELD.join(("%d", "%v", "%m", "%t")) + "%n"]
        )
        found = []
        for line in listing.splitlines():
            parts = line.split(_FIELD)
            if len(parts) >= 3 and parts[0]:
                found.append(ScanDevice(BACKEND_NAME, parts[0], parts[1], parts[2]))
        return found

    def _options(self, device: ScanDevice) -> dict[str, SaneOption]:
        return sane_options.parse_options(self._run(["--device-name", device.id, "--all-options"]))

    def capabilities(self, device: ScanDevice) -> DeviceCapabilities:
        return sane_options.capabilities_of(self._options(device))

    def scan(
        self, device: ScanDevice, options: ScanOptions, task: TaskState
    ) -> Iterator[ScannedPage]:
        device_options = self._options(device)
        settings = _settings(device_options, options)
        resolution = sane_options.nearest_resolution(
            device_options.get("--resolution"), options.resolution
        )
        if options.source is ScanSource.FLATBED:
            count = 1
        else:
            count = min(options.max_pages or MAX_PAGES, MAX_PAGES)
        with tempfile.TemporaryDirectory(prefix="reception-scan-") as folder:
            args = [
                self._command,
                "--device-name",
                device.id,
                "--format=png",
                "--progress",
                f"--batch={Path(folder) / 'page-%04d.png'}",
                f"--batch-count={count}",
                "--batch-print",
                *settings,
                *_resolution_args(device_options, resolution),
                *self._extra_options,
            ]
            log.info("scanning: %s", " ".join(args))
            run = ScanRun(
                args, self._env, device=device, resolution=resolution, count=count, task=task
            )
            yield from run.pages()


def _settings(device_options: dict[str, SaneOption], options: ScanOptions) -> list[str]:
    """The command-line settings for the source, mode and area, in the device's own words."""
    args: list[str] = []
    source = device_options.get("--source")
    if source is not None and source.active and source.choices:
        choice = sane_options.source_choice(source, options.source)
        if choice is None:
            raise ScanError(
                _("This scanner has no “{source}”.").format(source=options.source.label)
            )
        args.append(f"--source={choice}")
    elif options.source is ScanSource.FEEDER:
        raise ScanError(_("This scanner has no “{source}”.").format(source=options.source.label))
    mode = device_options.get("--mode")
    if mode is not None and mode.active and mode.choices:
        choice = sane_options.mode_choice(mode, options.color_mode)
        if choice is None:
            raise ScanError(
                _("This scanner cannot scan in “{mode}”; it offers: {choices}.").format(
                    mode=options.color_mode.label, choices=", ".join(mode.choices)
                )
            )
        args.append(f"--mode={choice}")
    for name, wanted in (("-x", options.area_mm[0]), ("-y", options.area_mm[1])):
        geometry = device_options.get(name)
        if geometry is not None and geometry.active and geometry.high is not None:
            args += [name, f"{min(wanted, geometry.high):g}"]
    return args


def _resolution_args(device_options: dict[str, SaneOption], resolution: int) -> list[str]:
    option = device_options.get("--resolution")
    return [f"--resolution={resolution}"] if option is not None and option.active else []
