"""The running text along the foot of the waiting-room display."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

STEP_PX = 2
TICK_MS = 30  # about 65 pixels a second: read comfortably from across a hall


class Marquee(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("running text")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)  # its colours come from a style
        self._text = ""
        self._offset = 0
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._step)
        self.hide()

    def text(self) -> str:
        return self._text

    def set_text(self, text: str) -> None:
        self._text = " ".join(text.split())
        self._offset = 0
        self.setVisible(bool(self._text))
        if self._text:
            self._timer.start()
        else:
            self._timer.stop()

    def sizeHint(self) -> QSize:
        # Asked after the style sheet has set the large font, unlike a height fixed at start.
        return QSize(200, self.fontMetrics().height() + 16)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def _step(self) -> None:
        width = self.fontMetrics().horizontalAdvance(self._text)
        self._offset = (self._offset + STEP_PX) % (width + self.width() + 1)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        del event
        painter = QPainter(self)
        baseline = (self.height() + self.fontMetrics().ascent() - self.fontMetrics().descent()) // 2
        painter.drawText(self.width() - self._offset, baseline, self._text)
        painter.end()
