"""The pages of a document being scanned: a strip of thumbnails in their order, and a large
preview of the chosen page.

The strip keeps the :class:`~ui.scan_jobs.PageEntry` of each row beside the row itself, so the
order on screen is the order of the PDF; dragging is off, so every change goes through the
methods here (turn, move, replace, remove), which the screen binds to keys and buttons.
"""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from ui.scan_jobs import THUMBNAIL_SIZE, PageEntry


def to_qimage(image: Image.Image) -> QImage:
    """A Qt copy of a grey or colour picture (Qt cannot share Pillow's memory safely)."""
    if image.mode != "L":
        image = image.convert("RGB")
    grey = image.mode == "L"
    line = image.width if grey else image.width * 3
    kind = QImage.Format.Format_Grayscale8 if grey else QImage.Format.Format_RGB888
    return QImage(image.tobytes(), image.width, image.height, line, kind).copy()


class PageList(QListWidget):
    """Thumbnails, top to bottom in the document's order, numbered."""

    def __init__(self) -> None:
        super().__init__()
        self._entries: list[PageEntry] = []
        self.setAccessibleName("pages")
        self.setIconSize(QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        self.setSpacing(4)
        self.setMinimumWidth(THUMBNAIL_SIZE + 120)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)

    @property
    def entries(self) -> list[PageEntry]:
        return list(self._entries)

    def entry(self, index: int) -> PageEntry | None:
        return self._entries[index] if 0 <= index < len(self._entries) else None

    def insert_entry(self, index: int, entry: PageEntry) -> None:
        index = max(0, min(index, len(self._entries)))
        self._entries.insert(index, entry)
        self.insertItem(index, QListWidgetItem())
        self._paint(index)
        self._renumber(index + 1)

    def replace_entry(self, index: int, entry: PageEntry) -> None:
        self._entries[index] = entry
        self._paint(index)

    def remove_entry(self, index: int) -> None:
        del self._entries[index]
        self.takeItem(index)
        self._renumber(index)

    def move_entry(self, index: int, delta: int) -> int:
        """Move the page ``delta`` places; returns where it is now."""
        target = max(0, min(index + delta, len(self._entries) - 1))
        if target == index:
            return index
        self._entries.insert(target, self._entries.pop(index))
        self.insertItem(target, self.takeItem(index))
        self._renumber(min(index, target))
        self.setCurrentRow(target)
        return target

    def clear_entries(self) -> None:
        self._entries.clear()
        self.clear()

    def retranslate(self) -> None:
        self._renumber(0)

    def _paint(self, index: int) -> None:
        item = self.item(index)
        entry = self._entries[index]
        item.setIcon(QPixmap.fromImage(to_qimage(entry.thumbnail)))
        item.setToolTip(entry.page.origin)
        item.setText(self._label(index))

    def _label(self, index: int) -> str:
        return _("Page {number}").format(number=index + 1)

    def _renumber(self, start: int) -> None:
        for index in range(start, self.count()):
            self.item(index).setText(self._label(index))


class PagePreview(QLabel):
    """The chosen page as large as the room allows, kept to its proportions."""

    def __init__(self) -> None:
        super().__init__()
        self._pixmap: QPixmap | None = None
        self.setAccessibleName("page preview")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setMinimumSize(320, 320)
        # Ignored: a big picture must not push the rest of the screen away.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setStyleSheet("QLabel { background: #eceff1; }")

    def show_image(self, image: Image.Image | None, empty_text: str = "") -> None:
        self._pixmap = QPixmap.fromImage(to_qimage(image)) if image is not None else None
        if self._pixmap is None:
            self.clear()
            self.setText(empty_text)
        else:
            self._fit()

    def has_image(self) -> bool:
        return self._pixmap is not None

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._pixmap is not None:
            self._fit()

    def _fit(self) -> None:
        assert self._pixmap is not None
        self.setPixmap(
            self._pixmap.scaled(
                self.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )


class PagesPanel(QWidget):
    """The page list, its buttons and the preview: everything done to pages already there.

    The keys work wherever the focus is on the screen, except Del, which works in the list
    only (in a list of devices it must not drop a page).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._locked = False  # while pages arrive: looking at them is fine, changing is not
        self.list = PageList()
        self.preview = PagePreview()
        self.buttons = {name: QPushButton() for name in ("left", "right", "up", "down", "delete")}
        edits = QGridLayout()
        for index, name in enumerate(("left", "right", "up", "down")):
            edits.addWidget(self.buttons[name], index // 2, index % 2)
        edits.addWidget(self.buttons["delete"], 2, 0, 1, 2)
        column = QVBoxLayout()
        column.addWidget(self.list, 1)
        column.addLayout(edits)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(column)
        layout.addWidget(self.preview, 1)
        actions: dict[str, tuple[str, Callable[[], object]]] = {
            "left": ("Ctrl+Shift+R", lambda: self.turn_page(clockwise=False)),
            "right": ("Ctrl+R", lambda: self.turn_page(clockwise=True)),
            "up": ("Ctrl+Up", lambda: self.move_page(-1)),
            "down": ("Ctrl+Down", lambda: self.move_page(1)),
        }
        for name, (keys, slot) in actions.items():
            self.buttons[name].clicked.connect(slot)
            QShortcut(QKeySequence(keys), self, slot)
        self.buttons["delete"].clicked.connect(self.delete_page)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_page)
        self.list.currentRowChanged.connect(lambda _row: self.show_current())

    def retranslate(self) -> None:
        texts = {
            "left": (_("Turn &left"), _("Turn the chosen page to the left (Ctrl+Shift+R)")),
            "right": (_("Turn ri&ght"), _("Turn the chosen page to the right (Ctrl+R)")),
            "up": (_("Move u&p"), _("Move the chosen page up (Ctrl+Up)")),
            "down": (_("Move dow&n"), _("Move the chosen page down (Ctrl+Down)")),
            "delete": (_("&Delete page"), _("Delete the chosen page (Del in the list)")),
        }
        for name, (text, tip) in texts.items():
            self.buttons[name].setText(text)
            self.buttons[name].setToolTip(tip)
        self.list.retranslate()
        self.show_current()

    def set_locked(self, locked: bool) -> None:
        self._locked = locked
        for button in self.buttons.values():
            button.setEnabled(not locked)

    def current(self) -> PageEntry | None:
        return self.list.entry(self.list.currentRow())

    def page_count(self) -> int:
        return self.list.count()

    def put(self, index: int, entry: PageEntry, *, replacing: bool) -> None:
        """A page that arrived: in place of the page at ``index``, or before it."""
        if replacing:
            self.list.replace_entry(index, entry)
        else:
            self.list.insert_entry(index, entry)
        self.list.setCurrentRow(index)
        self.show_current()

    def turn_page(self, *, clockwise: bool) -> None:
        index, entry = self.list.currentRow(), self.current()
        if entry is not None and not self._locked:
            self.list.replace_entry(index, entry.turned(clockwise=clockwise))
            self.show_current()

    def move_page(self, delta: int) -> None:
        if self.list.currentRow() >= 0 and not self._locked:
            self.list.move_entry(self.list.currentRow(), delta)

    def delete_page(self) -> None:
        index = self.list.currentRow()
        if index >= 0 and not self._locked:
            self.list.remove_entry(index)
            self.list.setCurrentRow(min(index, self.list.count() - 1))
            self.show_current()

    def clear_pages(self) -> None:
        self.list.clear_entries()
        self.show_current()

    def show_current(self) -> None:
        entry = self.current()
        self.preview.show_image(
            entry.preview if entry else None,
            _("No pages yet: scan them (Ctrl+S) or import files (Ctrl+O)."),
        )
