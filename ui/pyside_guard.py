"""A guard against a reference-count bug of PySide6 6.12 on Python 3.11.

Each ``Signal.emit()`` called from Python returns ``True`` without taking a reference to it,
so every emit takes one of ``True``'s references away. After a few hundred emits (one or two
per operation of the desk) the interpreter frees ``True`` itself and aborts ("bool_dealloc:
deallocating True or False"), or corrupts memory before that. Python 3.12 made ``True``
immortal, where the bug is harmless; signals emitted by Qt itself are not affected.

:func:`protect_booleans` measures the bug once, with a signal of its own, and if it is there
gives ``True`` (and ``False``, should a later release drop that one instead) a reserve of
references that no number of emits in a process's life can use up: what Python 3.12 does for
every interpreter. Drop this module once the desk needs a PySide6 release without the bug, or
Python 3.12.
"""

from __future__ import annotations

import ctypes
import sys

RESERVE = 1 << 40  # references: a thousand emits a second would take 35 years to use them up
_PROBE_EMITS = 8

_protected = False


def _reference_count(value: object) -> ctypes.c_ssize_t:
    # CPython keeps an object's reference count in the first field of its header.
    return ctypes.c_ssize_t.from_address(id(value))


def protect_booleans() -> bool:
    """Make ``True`` and ``False`` safe from the bug if it is present; whether it was."""
    global _protected
    if _protected or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return _protected
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        sig_probe = Signal()

    probe = _Probe()
    before = (sys.getrefcount(True), sys.getrefcount(False))
    for _emit in range(_PROBE_EMITS):
        probe.sig_probe.emit()
    after = (sys.getrefcount(True), sys.getrefcount(False))
    if after == before:
        return False
    for value in (True, False):
        _reference_count(value).value += RESERVE
    _protected = True
    return True
