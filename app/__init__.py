"""Reception Desk: the core of the desk. Nothing below this package imports Qt."""

from __future__ import annotations

__version__ = "0.1.0"
