"""Verify: is this permit or receipt genuine? Checked offline against the desk's own lists.

A 2D barcode reader types the code's text into the focused box as fast keystrokes ending with
Enter; a clerk may also paste the text, or read the code from a photo or scan (Ctrl+O). The
verdict shows as a coloured banner with its title and message, and, once the signature is
proven, the holder's data from the code.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.clock import office_zone
from app.domain.changes import Changes, Topic
from app.i18n import N_, _, current_language
from app.security.qr_codec import (
    MAX_TEXT_LENGTH,
    Claim,
    QrKind,
    VerdictStatus,
    date_from_compact,
)
from app.services.trust import CheckedCode, check_code
from ui.context import DeskContext
from ui.ops import describe_error
from ui.widgets.forms import heading

# Text and background of the banner: green for genuine, red for forged or withdrawn, orange
# for a signer the desk does not know, amber for dates, grey for what is not a code at all.
# The title says it in words too, for whoever does not tell the colours apart.
_RED = ("#b71c1c", "#ffebee")
_AMBER = ("#7a5c00", "#fff8e1")
BANNER_COLOURS: dict[VerdictStatus, tuple[str, str]] = {
    VerdictStatus.VALID: ("#1b5e20", "#e8f5e9"),
    VerdictStatus.INVALID_SIGNATURE: _RED,
    VerdictStatus.REVOKED: _RED,
    VerdictStatus.UNKNOWN_KEY: ("#bf360c", "#fff3e0"),
    VerdictStatus.EXPIRED: _AMBER,
    VerdictStatus.NOT_YET_VALID: _AMBER,
    VerdictStatus.MALFORMED: ("#37474f", "#eceff1"),
}

_KIND_NAMES = {
    QrKind.PERMIT: N_("Permit"),
    QrKind.RECEIPT: N_("Receipt"),
    QrKind.EU_DCC: N_("EU digital certificate"),
}

_IMAGE_FILTER = N_("Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff)")


def _office_date(moment: datetime) -> str:
    return moment.astimezone(office_zone()).strftime("%d.%m.%Y")


def _birth_date(value: Any) -> str:
    """A compact birth date as people write it; an unknown day or month is left out."""
    if isinstance(value, bool) or not isinstance(value, int):
        return ""
    try:
        known = date_from_compact(value)
    except ValueError:
        return ""
    if known is not None:
        return known.strftime("%d.%m.%Y")
    year, rest = divmod(value, 10000)
    month = rest // 100
    return f"{month:02d}.{year}" if month else str(year)


def _amount(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        return ""
    manat, qepik = divmod(value, 100)
    return f"{manat}.{qepik:02d} AZN"


def holder_lines(checked: CheckedCode, language: str) -> list[tuple[str, str]]:
    """The document's data as (label, value) rows; none until the signature is proven."""
    verdict = checked.verdict
    claims = verdict.claims
    if not claims or verdict.kind is None:
        return []

    def text(key: Claim) -> str:
        value = claims.get(key)
        return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""

    rows = [(_("Document"), _(_KIND_NAMES[verdict.kind]))]
    if not verdict.kind.is_ours:
        return rows  # a foreign document's layout is its own: the verdict is what we vouch for
    name = " ".join(part for part in (text(Claim.SURNAME), text(Claim.GIVEN_NAMES)) if part)
    office = text(Claim.OFFICE)
    if checked.office is not None:
        office = f"{checked.office.in_language(language)} ({office})"
    if verdict.kind is QrKind.PERMIT:
        rows += [
            (_("Name"), name),
            (_("Date of birth"), _birth_date(claims.get(Claim.BIRTH_DATE))),
            (_("Nationality"), text(Claim.NATIONALITY)),
            (_("Permit number"), text(Claim.DOCUMENT_NUMBER)),
            (_("Permit type"), text(Claim.DOCUMENT_TYPE)),
        ]
    else:
        service = text(Claim.DOCUMENT_TYPE)
        if checked.service is not None:
            service = checked.service.in_language(language)
        rows += [
            (_("Application number"), text(Claim.DOCUMENT_NUMBER)),
            (_("Amount"), _amount(claims.get(Claim.AMOUNT))),
            (_("Service"), service),
            (_("Name"), name),
        ]
    if verdict.issued_at is not None:
        rows.append((_("Issued on"), _office_date(verdict.issued_at)))
    if verdict.expires_at is not None:
        # The code ends at the end of its last day: that day is what the card says.
        rows.append((_("Valid until"), _office_date(verdict.expires_at - timedelta(seconds=1))))
    rows.append((_("Issuing office"), office))
    return [(label, value) for label, value in rows if value]


# The texts themselves are translated and escaped; only the markup around them is literal.
def _banner_html(title: str, message: str) -> str:
    return (
        f"<span style='font-size: 18pt; font-weight: bold'>{html.escape(title)}</span>"
        f"<br>{html.escape(message)}"
    )


def _table_html(rows: list[tuple[str, str]]) -> str:
    if not rows:
        return ""
    cells = "".join(
        f"<tr><td>{html.escape(label)}</td><td><b>{html.escape(value)}</b></td></tr>"
        for label, value in rows
    )
    return f"<table cellpadding='4'>{cells}</table>"


class VerifyScreen(QWidget):
    sig_verified = Signal(object)  # CheckedCode, once it is on screen
    sig_failed = Signal(str)  # the message shown when a code could not even be read

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._shown: CheckedCode | None = None
        self._asked = ""  # the text of the latest check asked for; older answers are dropped
        self._length = 0
        self.header = heading()
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.input = QLineEdit()
        self.input.setAccessibleName("code")
        self.input.setMaxLength(MAX_TEXT_LENGTH)
        self.input.setClearButtonEnabled(True)
        self.verify_button = QPushButton()
        self.image_button = QPushButton()
        self.clear_button = QPushButton()
        self.banner = QLabel()
        self.banner.setAccessibleName("verdict")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.hide()
        self.details = QLabel()
        self.details.setAccessibleName("document")
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QHBoxLayout()
        for button in (self.verify_button, self.image_button, self.clear_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.hint)
        layout.addWidget(self.input)
        layout.addLayout(buttons)
        layout.addWidget(self.banner)
        layout.addWidget(self.details, 1)

        self.input.returnPressed.connect(self.verify_input)
        self.input.textEdited.connect(self._on_text_edited)
        self.verify_button.clicked.connect(self.verify_input)
        self.image_button.clicked.connect(self.choose_image)
        self.clear_button.clicked.connect(self.clear)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.clear)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        image = QShortcut(QKeySequence("Ctrl+O"), self, self.choose_image)
        image.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        context.bus.sig_changed.connect(self._on_changed)
        self.setFocusProxy(self.input)
        self.retranslate()

    def retranslate(self) -> None:
        self.header.setText(_("Verify a document"))
        self.hint.setText(
            _(
                "Scan the QR code of a permit card or a receipt with the reader, paste its "
                "text, or read it from a picture. No network is needed."
            )
        )
        self.input.setPlaceholderText(_("The code's text, e.g. AZP1:…"))
        self.verify_button.setText(_("&Verify (Enter)"))
        self.image_button.setText(_("Read from an &image… (Ctrl+O)"))
        self.clear_button.setText(_("C&lear (Esc)"))
        if self._shown is not None:
            self._show(self._shown)

    # --- input -------------------------------------------------------------------------------

    def _on_text_edited(self, text: str) -> None:
        # A reader types one character a keystroke and ends with Enter; a paste brings the
        # whole code at once, and is checked straight away.
        grew = len(text) - self._length
        self._length = len(text)
        if grew > 1 and any(kind.prefix in text for kind in QrKind):
            self.verify_text(text)

    def verify_input(self) -> None:
        self.verify_text(self.input.text())

    def verify_text(self, text: str) -> None:
        core = self._context.core
        text = text.strip()
        if core is None or not text:
            return
        self._asked = text
        self._context.ops.query(check_code, core, text).success(self._on_checked).failure(
            self._on_failed
        ).run()

    def choose_image(self) -> None:
        name, _selected = QFileDialog.getOpenFileName(
            self, _("Read a QR code from a picture"), "", _(_IMAGE_FILTER)
        )
        if name:
            self.read_image(Path(name))

    def read_image(self, path: Path) -> None:
        """Decode the code in an image file (off the UI thread), then verify it."""
        from app.security.qr_image import read_qr_text

        self._context.ops.io(read_qr_text, path).success(self._on_image_read).failure(
            self._on_failed
        ).run()

    def _on_image_read(self, text: str) -> None:
        self.input.setText(text)
        self._length = len(text)
        self.verify_text(text)

    def clear(self) -> None:
        self._shown = None
        self._asked = ""
        self._length = 0
        self.input.clear()
        self.banner.hide()
        self.details.clear()
        self.input.setFocus()

    # --- results -----------------------------------------------------------------------------

    def _on_checked(self, checked: CheckedCode) -> None:
        if checked.text != self._asked:
            return  # overtaken by a newer scan
        self._show(checked)
        if checked.text == self.input.text().strip():
            self.input.setFocus()
            self.input.selectAll()  # the next scan replaces this code
        self.sig_verified.emit(checked)

    def _on_failed(self, error: BaseException) -> None:
        message = describe_error(error)
        self._shown = None
        self._paint_banner(_("Not checked"), message, VerdictStatus.MALFORMED)
        self.details.clear()
        self.sig_failed.emit(message)

    def _show(self, checked: CheckedCode) -> None:
        self._shown = checked
        verdict = checked.verdict
        self._paint_banner(verdict.status.title, verdict.message, verdict.status)
        self.details.setText(_table_html(holder_lines(checked, current_language())))

    def _paint_banner(self, title: str, message: str, status: VerdictStatus) -> None:
        text, background = BANNER_COLOURS[status]
        self.banner.setStyleSheet(
            f"QLabel {{ color: {text}; background: {background}; border: 2px solid {text}; "
            "border-radius: 6px; padding: 12px; font-size: 13pt; }"
        )
        self.banner.setText(_banner_html(title, message))
        self.banner.show()

    def _on_changed(self, changes: Changes) -> None:
        # New trusted keys or revocations may change the verdict on screen: check it again.
        if changes.touches(Topic.MASTER_DATA) and self._shown is not None:
            self.verify_text(self._shown.text)
