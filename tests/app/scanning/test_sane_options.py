"""What devices offer, read from ``scanimage --all-options`` as real backends print it."""

from __future__ import annotations

from app.scanning import sane_options
from app.scanning.model import ColorMode, ScanSource

# A sheet-fed document scanner (the layout of SANE's fujitsu backend).
FEEDER_SCANNER = """
All options specific to device `fujitsu:fi-7160:1234':
  Standard:
    --source Flatbed|ADF Front|ADF Back|ADF Duplex [ADF Front]
        Selects the scan source (such as a document-feeder).
    --mode Lineart|Halftone|Gray|Color [Lineart]
        Selects the scan mode (e.g., lineart, monochrome, or color).
    --resolution 50..600dpi (in steps of 1) [600]
        Sets the resolution of the scanned image.
  Geometry:
    -l 0..215.872mm (in steps of 0.0211639) [0]
    -t 0..279.364mm (in steps of 0.0211639) [0]
    -x 0..215.872mm (in steps of 0.0211639) [215.872]
    -y 0..279.364mm (in steps of 0.0211639) [279.364]
    --page-width 0..304.8mm (in steps of 0.0211639) [215.872]
"""

# A network multifunction printer (the layout of SANE's escl backend).
OFFICE_PRINTER = """
All options specific to device `escl:https://192.0.2.7:443':
  Scan mode:
    --mode Gray|Color [Color]
        Selects the scan mode (e.g., lineart, monochrome, or color).
    --resolution 75|100|150|200|300|600dpi [75]
        Sets the resolution of the scanned image.
    --source Flatbed|ADF [Flatbed]
        Selects the scan source (such as a document-feeder).
  Geometry:
    -l 0..215.9mm [0]
    -t 0..297.18mm [0]
    -x 0..215.9mm [215.9]
    -y 0..297.18mm [297.18]
  Enhancement:
    --brightness -3..3 [inactive]
"""


def test_a_feeder_scanner() -> None:
    options = sane_options.parse_options(FEEDER_SCANNER)
    capabilities = sane_options.capabilities_of(options)
    assert capabilities.sources == (ScanSource.FLATBED, ScanSource.FEEDER)
    assert capabilities.color_modes == (ColorMode.COLOR, ColorMode.GRAY, ColorMode.BLACK_WHITE)
    assert capabilities.resolutions == (100, 150, 200, 300, 400, 600)
    assert capabilities.max_area_mm == (215.872, 279.364)
    # The feeder's one-sided source first; black and white is its "Lineart".
    assert sane_options.source_choice(options["--source"], ScanSource.FEEDER) == "ADF Front"
    assert sane_options.mode_choice(options["--mode"], ColorMode.BLACK_WHITE) == "Lineart"
    assert sane_options.nearest_resolution(options["--resolution"], 1200) == 600


def test_a_network_printer_with_fixed_resolutions() -> None:
    options = sane_options.parse_options(OFFICE_PRINTER)
    capabilities = sane_options.capabilities_of(options)
    assert capabilities.sources == (ScanSource.FLATBED, ScanSource.FEEDER)
    assert capabilities.color_modes == (ColorMode.COLOR, ColorMode.GRAY)
    assert capabilities.resolutions == (75, 100, 150, 200, 300, 600)
    assert sane_options.nearest_resolution(options["--resolution"], 250) == 300
    assert sane_options.nearest_resolution(options["--resolution"], 400) == 300
    assert not options["--brightness"].active


def test_a_device_without_a_source_has_its_glass_only() -> None:
    options = sane_options.parse_options("    --mode Color [Color]\n")
    capabilities = sane_options.capabilities_of(options)
    assert capabilities.sources == (ScanSource.FLATBED,)
    assert capabilities.resolutions == ()
