"""Recognises a machine-readable zone typed into a text box by a passport reader.

Desk readers type the MRZ as keyboard input, line by line with Enter between the lines; a
clerk may also paste it whole. The collector keeps the lines a reader has typed so far and
hands over the parsed result once a whole zone has arrived.
"""

from __future__ import annotations

import re

from app.mrz import MrzFormatError, MrzResult, parse_mrz

_MRZ_LINE = re.compile(r"[A-Z0-9<]{30}|[A-Z0-9<]{36}|[A-Z0-9<]{44}")
_LINES_PER_WIDTH = {30: 3, 36: 2, 44: 2}


def looks_like_mrz_line(text: str) -> bool:
    return _MRZ_LINE.fullmatch(text.strip().upper()) is not None and "<" in text


class MrzCollector:
    def __init__(self) -> None:
        self._lines: list[str] = []

    @property
    def collecting(self) -> bool:
        return bool(self._lines)

    def reset(self) -> None:
        self._lines.clear()

    def feed_line(self, text: str) -> MrzResult | MrzFormatError | None:
        """Take one line the reader ended with Enter: the parsed zone when it is whole,
        the error when a whole zone does not parse, None while more lines are due."""
        line = text.strip().upper()
        if self._lines and len(line) != len(self._lines[0]):
            self._lines.clear()  # a new document started: the old half is of no use
        self._lines.append(line)
        if len(self._lines) < _LINES_PER_WIDTH.get(len(line), 2):
            return None
        lines, self._lines = self._lines, []
        try:
            return parse_mrz(lines)
        except MrzFormatError as error:
            return error

    @staticmethod
    def whole_zone(text: str) -> MrzResult | None:
        """A pasted zone (its lines run together in a one-line box), or None if it is not one."""
        compact = "".join(text.split()).upper()
        if len(compact) not in (88, 72, 90) or "<<" not in compact:
            return None
        try:
            return parse_mrz(compact)
        except MrzFormatError:
            return None
