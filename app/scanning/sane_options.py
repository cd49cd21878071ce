"""Reading what a SANE device offers from ``scanimage --all-options``, and choosing its values.

Each backend names its options in its own words ("ADF Front", "Automatic Document Feeder",
"Lineart", "Binary"...), so the desk's few choices are matched to them by pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.scanning.model import COMMON_RESOLUTIONS, ColorMode, DeviceCapabilities, ScanSource

# "    --resolution 75|150|300dpi [75]", "    -x 0..215.9mm (in steps of 1) [215.9]"
_OPTION_LINE = re.compile(r"^ {2,6}(--?[\w-]+)(?:\[=\([^)]*\)\])?(?: (.*?))? \[(.*)\]$")
_RANGE = re.compile(r"^(-?[\d.]+)\.\.(-?[\d.]+)[a-z%]*(?: \(in steps of [\d.]+\))?$")
_NUMBER_WITH_UNIT = re.compile(r"^(-?[\d.]+)(?:dpi|mm|%)?$")

_SOURCE_PATTERNS = {
    ScanSource.FLATBED: re.compile(r"flatbed|platen|document table|^normal$", re.IGNORECASE),
    ScanSource.FEEDER: re.compile(r"adf|feeder|automatic", re.IGNORECASE),
}
_DUPLEX = re.compile(r"duplex|back", re.IGNORECASE)
_MODE_PATTERNS = {
    ColorMode.COLOR: re.compile(r"^colou?r", re.IGNORECASE),
    ColorMode.GRAY: re.compile(r"^gr[ae]y", re.IGNORECASE),
    ColorMode.BLACK_WHITE: re.compile(r"lineart|binary|black|monochrome|halftone", re.IGNORECASE),
}


@dataclass(frozen=True, slots=True)
class SaneOption:
    name: str  # as on the command line: "--mode", "-x"
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    default: str = ""

    @property
    def active(self) -> bool:
        return self.default != "inactive"


def parse_options(text: str) -> dict[str, SaneOption]:
    """The options of ``scanimage -d DEVICE --all-options``, by their command-line name."""
    options: dict[str, SaneOption] = {}
    for line in text.splitlines():
        match = _OPTION_LINE.match(line)
        if match is None:
            continue
        name, spec, default = match.group(1), (match.group(2) or "").strip(), match.group(3)
        span = _RANGE.match(spec)
        if span is not None:
            option = SaneOption(name, (), float(span.group(1)), float(span.group(2)), default)
        elif "|" in spec:
            choices = tuple(_strip_unit(choice) for choice in spec.split("|"))
            option = SaneOption(name, choices, None, None, default)
        else:
            option = SaneOption(name, (), None, None, default)
        options[name] = option
    return options


def _strip_unit(choice: str) -> str:
    match = _NUMBER_WITH_UNIT.match(choice.strip())
    return match.group(1) if match else choice.strip()


def capabilities_of(options: dict[str, SaneOption]) -> DeviceCapabilities:
    source = options.get("--source")
    if source is not None and source.active and source.choices:
        sources = tuple(kind for kind in ScanSource if source_choice(source, kind) is not None)
    else:
        sources = (ScanSource.FLATBED,)  # a device without the option has only its glass
    mode = options.get("--mode")
    if mode is not None and mode.active and mode.choices:
        modes = tuple(kind for kind in ColorMode if mode_choice(mode, kind) is not None)
    else:
        modes = (ColorMode.GRAY,)
    return DeviceCapabilities(
        sources=sources or (ScanSource.FLATBED,),
        color_modes=modes or (ColorMode.GRAY,),
        resolutions=offered_resolutions(options.get("--resolution")),
        max_area_mm=_max_area(options),
    )


def source_choice(option: SaneOption, source: ScanSource) -> str | None:
    """The device's own name for a source; for the feeder, its simplex one first."""
    matching = [choice for choice in option.choices if _SOURCE_PATTERNS[source].search(choice)]
    simplex = [choice for choice in matching if not _DUPLEX.search(choice)]
    return next(iter(simplex or matching), None)


def mode_choice(option: SaneOption, mode: ColorMode) -> str | None:
    pattern = _MODE_PATTERNS[mode]
    return next((choice for choice in option.choices if pattern.search(choice)), None)


def offered_resolutions(option: SaneOption | None) -> tuple[int, ...]:
    if option is None or not option.active:
        return ()
    if option.choices:
        return tuple(
            sorted({round(float(choice)) for choice in option.choices if _is_number(choice)})
        )
    if option.low is not None and option.high is not None:
        low, high = option.low, option.high
        return tuple(value for value in COMMON_RESOLUTIONS if low <= value <= high)
    return ()


def nearest_resolution(option: SaneOption | None, wanted: int) -> int:
    """The device's resolution nearest to the one asked for."""
    if option is None:
        return wanted
    if option.low is not None and option.high is not None:
        return round(min(max(float(wanted), option.low), option.high))
    values = [round(float(choice)) for choice in option.choices if _is_number(choice)]
    return min(values, key=lambda value: (abs(value - wanted), -value)) if values else wanted


def _max_area(options: dict[str, SaneOption]) -> tuple[float, float] | None:
    width, height = options.get("-x"), options.get("-y")
    if width is None or height is None or width.high is None or height.high is None:
        return None
    return width.high, height.high


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
