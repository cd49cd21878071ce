"""The desk's PySide6 user interface."""

from ui.pyside_guard import protect_booleans

# Before any screen emits a signal: see ui.pyside_guard (PySide6 6.12 on Python 3.11).
protect_booleans()
