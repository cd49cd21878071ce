"""Scan: a visitor's document into the application's checklist, as one PDF.

Pages come from a scanner (one from the glass, or as many as the feeder holds) or from files,
straightened and cut to the paper as they arrive, blank ones left out. The clerk turns, orders,
deletes or scans a page again, then attaches the pages to an item of the application's
checklist, which is then received. The screen opens for an application from the Applications
screen (Ctrl+D there), through ``open_record``.

When this computer has a folder that network scanners save into (set on the Supervisor screen),
it is a device of the list: while it is chosen and the screen is shown, the folder is looked at
every few seconds off the UI thread, and the pages of each file finished there join the list as
imported files' do. The device and its settings chosen are kept in this computer's settings.

Keyboard: Ctrl+S scans (or imports, when "Import files…" is the device); Ctrl+O imports files;
Ctrl+Shift+S scans the chosen page again; Ctrl+R / Ctrl+Shift+R turn it right / left;
Ctrl+Up / Ctrl+Down move it; Del (in the list) deletes it; Esc cancels a scan, keeping the pages
scanned; Ctrl+Enter attaches; F5 looks for scanners again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.config import Config, save_setting
from app.i18n import _, ngettext
from app.mrz.image import MrzImageRead, read_mrz_image
from app.scanning.backends import backend_for_platform
from app.scanning.model import DeviceCapabilities, ScanDevice, ScannerBackend
from app.scanning.watch import SETTLE_SECONDS, Arrival, WatchedFolder
from app.services.permits import PHOTO_ITEM
from app.tasks import Progress
from ui.context import DeskContext
from ui.ops import describe_error
from ui.scan_jobs import Acquired, Acquisition, PageEntry, list_devices
from ui.widgets.forms import error_label, heading, show_error
from ui.widgets.scan_pages import PagesPanel
from ui.widgets.scan_settings import Remembered, ScanSettings
from ui.widgets.scan_target import TargetChooser

if TYPE_CHECKING:
    from app.domain.attachments import Attachment
    from app.scanning.pdf import ScanPdf

log = logging.getLogger(__name__)

PDF = "application/pdf"
_FILE_PATTERNS = "*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.bmp *.webp"


class ScanScreen(QWidget):
    sig_devices_listed = Signal(int)  # how many scanners were found
    sig_page_added = Signal(int)  # the number of pages now in the list
    sig_acquired = Signal(object)  # Acquired: a scan or an import ended
    sig_attached = Signal(object)  # Attachment
    sig_failed = Signal(str)  # a message shown in the error line
    sig_passport_read = Signal(object)  # MrzImageRead, valid: sent to the Intake form

    # How often the scan folder is looked at, and how long a file must stay unchanged there.
    FOLDER_POLL_MS = 2500
    FOLDER_SETTLE_SECONDS = SETTLE_SECONDS

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        # SANE or WIA: found once; tests point SANE at its test backend through the environment.
        self.backend: ScannerBackend = backend_for_platform()
        self._job: Acquisition | None = None
        self._busy = False
        self._insert_at = 0  # where the next page arriving goes
        self._replacing = False  # the next page arriving takes the place of the one there
        self._listed_folder = ""  # the scan folder setting when the devices were listed
        self._watched: WatchedFolder | None = None
        self._polling = False  # a look at the folder is under way
        # Files already taken from the folder (moved away there), waiting for a scan to end.
        self._arrived: list[Arrival] = []
        self._poll_timer = QTimer(self)
        self._poll_timer.timeout.connect(self._poll_folder)
        self._saving = False  # the choices are being written to the settings file
        self._unsaved: Remembered | None = None

        self.header = heading()
        self.target = TargetChooser(context)
        self.settings = ScanSettings(Remembered.of(context.config.scanner))
        self.pages = PagesPanel()
        self.progress = QProgressBar()
        self.progress.setAccessibleName("progress")
        self.status = QLabel()
        self.status.setAccessibleName("scan status")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("message")
        self.error = error_label()
        names = ("scan", "rescan", "import", "find", "read", "cancel", "attach")
        self.buttons = {name: QPushButton() for name in names}
        self._build_layout()
        self._connect()
        self.setFocusProxy(self.buttons["scan"])
        self._set_busy(False)
        self.retranslate()

    def _build_layout(self) -> None:
        left = QVBoxLayout()
        left.addWidget(self.settings)
        for name in ("scan", "rescan", "import", "find", "read"):
            left.addWidget(self.buttons[name])
        left.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(left)
        body.addWidget(self.pages, 1)
        running = QHBoxLayout()
        running.addWidget(self.progress, 1)
        running.addWidget(self.status, 2)
        running.addWidget(self.buttons["cancel"])
        bottom = QHBoxLayout()
        bottom.addWidget(self.buttons["attach"])
        bottom.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.target)
        layout.addLayout(body, 1)
        layout.addLayout(running)
        layout.addWidget(self.message)
        layout.addWidget(self.error)
        layout.addLayout(bottom)

    def _connect(self) -> None:
        actions: dict[str, tuple[str, Callable[[], object]]] = {
            "scan": ("Ctrl+S", self.scan),
            "rescan": ("Ctrl+Shift+S", self.rescan_page),
            "import": ("Ctrl+O", self.choose_files),
            "find": ("F5", self.find_devices),
            "read": ("F6", self.read_passport),
            "cancel": ("Esc", self.cancel),
            "attach": ("Ctrl+Return", self.attach),
        }
        for name, (keys, slot) in actions.items():
            self.buttons[name].clicked.connect(slot)
            QShortcut(QKeySequence(keys), self, slot)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.attach)  # the keypad's Enter
        self.settings.sig_device_chosen.connect(self._on_device_chosen)
        self.settings.sig_remembered.connect(self._save_choices)
        self.target.sig_failed.connect(self._fail)

    def retranslate(self) -> None:
        self.header.setText(_("Scan documents"))
        texts = {
            "scan": (_("&Scan (Ctrl+S)"), _("Scan with the chosen scanner, or import files")),
            "rescan": (
                _("R&escan page (Ctrl+Shift+S)"),
                _("Scan the chosen page again; the new scan takes its place"),
            ),
            "import": (_("&Import files… (Ctrl+O)"), _("Add pages from pictures or PDF files")),
            "find": (_("Find scanners (F5)"), _("Look for scanners again, after plugging one in")),
            "read": (
                _("&Read passport (F6)"),
                _("Read the machine-readable lines of the chosen page and fill the Intake form"),
            ),
            "cancel": (_("&Cancel (Esc)"), _("Stop the scan; the pages scanned are kept")),
            "attach": (
                _("A&ttach (Ctrl+Enter)"),
                _("Join the pages into one PDF and attach it to the checklist item"),
            ),
        }
        for name, (text, tip) in texts.items():
            self.buttons[name].setText(text)
            self.buttons[name].setToolTip(tip)
        self.settings.retranslate()
        self.pages.retranslate()
        self.target.retranslate()

    # --- devices -------------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.settings.device.count() == 0:
            self.find_devices()

    def find_devices(self) -> None:
        if self._busy:
            return
        self._context.ops.io(list_devices, self.backend).success(self._on_devices).failure(
            lambda error: self._on_devices(([], describe_error(error)))
        ).run()

    def _on_devices(self, found: tuple[list[ScanDevice], str]) -> None:
        if isValid(self):
            self._listed_folder = self._context.config.scan_folder
            self.settings.set_devices(*found, folder=bool(self._listed_folder))
            self.sig_devices_listed.emit(len(found[0]))

    def _on_device_chosen(self, device: ScanDevice | None) -> None:
        self._update_watching()
        if device is None:
            return
        chosen = device

        def found(capabilities: DeviceCapabilities) -> None:
            if isValid(self):
                self.settings.set_capabilities(chosen, capabilities)

        def failed(error: BaseException) -> None:
            if isValid(self):
                self._fail(describe_error(error))

        self._context.ops.io(self.backend.capabilities, chosen).success(found).failure(failed).run()

    def _save_choices(self, remembered: Remembered) -> None:
        self._unsaved = remembered
        if not self._saving:
            self._save_next()

    def _save_next(self) -> None:
        # One write at a time, the latest choices last: two writers would race on the file.
        remembered, self._unsaved = self._unsaved, None
        self._saving = remembered is not None
        if remembered is None:
            return
        self._context.ops.io(
            save_setting, self._context.config, "scanner", remembered.table()
        ).success(self._on_choices_saved).failure(self._on_choices_not_saved).run()

    def _on_choices_saved(self, config: Config) -> None:
        # Only this key: the config passed to the worker may predate other screens' changes.
        self._context.config = replace(self._context.config, scanner=config.scanner)
        if isValid(self):
            self._save_next()

    def _on_choices_not_saved(self, error: BaseException) -> None:
        # The choices still hold until the desk closes; the clerk need not stop for this.
        log.warning("scan settings not saved: %s", describe_error(error))
        if isValid(self):
            self._save_next()

    # --- the scan folder -----------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.settings.device.count() and self._listed_folder != self._context.config.scan_folder:
            self.find_devices()  # the folder was set or changed on the Supervisor screen
        self._update_watching()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._update_watching()

    def _update_watching(self) -> None:
        """Look at the folder while it is the device chosen and the screen is shown."""
        folder = self._listed_folder
        if not (folder and self.settings.folder_chosen() and self.isVisible()):
            self._poll_timer.stop()
            return
        if self._watched is None or self._watched.folder != Path(folder):
            self._watched = WatchedFolder(Path(folder), settle_seconds=self.FOLDER_SETTLE_SECONDS)
        if not self._poll_timer.isActive():
            self._poll_timer.start(self.FOLDER_POLL_MS)
            self._poll_folder()

    def _poll_folder(self) -> None:
        self._take_arrived()
        watched = self._watched
        if self._polling or self._busy or watched is None:
            return
        self._polling = True
        self._context.ops.io(watched.poll).success(self._on_polled).failure(
            self._on_poll_failed
        ).run()

    def _on_polled(self, arrivals: list[Arrival]) -> None:
        self._polling = False
        if not isValid(self):
            return
        self._arrived.extend(arrivals)
        self._take_arrived()

    def _on_poll_failed(self, error: BaseException) -> None:
        self._polling = False
        if not isValid(self):
            return
        # Said once, not every few seconds; the folder is looked at again (a share comes back).
        message = describe_error(error)
        if self.error.text() != message or not self.error.isVisible():
            self._fail(message)

    def _take_arrived(self) -> None:
        if self._busy or not self._arrived:
            return
        arrivals, self._arrived = self._arrived, []
        job = self._start_job(self.pages.page_count(), replacing=False, cancellable=False)
        self._run(job.take_arrivals, arrivals)

    # --- getting pages -------------------------------------------------------------------------

    def scan(self) -> None:
        device = self.settings.current_device()
        if device is None:
            self.choose_files()
        elif not self._busy and self.settings.ready_to_scan():
            job = self._start_job(self.pages.page_count(), replacing=False)
            self._run(job.scan, self.backend, device, self.settings.options())

    def rescan_page(self) -> None:
        index = self.pages.list.currentRow()
        device = self.settings.current_device()
        if self._busy or index < 0:
            return
        if device is None:
            self._choose_files(replacing=index)
        elif self.settings.ready_to_scan():
            job = self._start_job(index, replacing=True)
            options = replace(self.settings.options(), max_pages=1)
            self._run(job.scan, self.backend, device, options)

    def choose_files(self) -> None:
        self._choose_files(replacing=None)

    def _choose_files(self, *, replacing: int | None) -> None:
        if self._busy:
            return
        kinds = _("Pictures and PDF files") + f" ({_FILE_PATTERNS})"
        names, _chosen = QFileDialog.getOpenFileNames(self, _("Import files"), "", kinds)
        if names:
            self.import_paths([Path(name) for name in names], replacing=replacing)

    def import_paths(self, paths: list[Path], *, replacing: int | None = None) -> None:
        """Add the pages of these files (at the end, or in place of the page ``replacing``)."""
        if self._busy or not paths:
            return
        at = self.pages.page_count() if replacing is None else replacing
        job = self._start_job(at, replacing=replacing is not None)
        self._run(job.import_files, paths)

    def _start_job(self, at: int, *, replacing: bool, cancellable: bool = True) -> Acquisition:
        job = self._job = Acquisition()
        job.relay.sig_page_arrived.connect(self._on_page_arrived)
        job.relay.sig_progress.connect(self._on_progress)
        self._insert_at, self._replacing = at, replacing
        self._set_busy(True, cancellable=cancellable)
        return job

    def _run(self, function: Callable[..., Acquired], *args: Any) -> None:
        self._context.ops.io(function, *args).success(self._on_acquired).failure(
            self._on_job_failed
        ).run()

    def _on_page_arrived(self, entry: PageEntry) -> None:
        self.pages.put(self._insert_at, entry, replacing=self._replacing)
        self._replacing = False
        self._insert_at += 1
        self.sig_page_added.emit(self.pages.page_count())

    def _on_progress(self, progress: Progress) -> None:
        if progress.fraction is None:
            self.progress.setRange(0, 0)  # a feeder does not say how many pages it holds
        else:
            self.progress.setRange(0, 100)
            self.progress.setValue(round(progress.fraction * 100))
        self.status.setText(progress.message)

    def cancel(self) -> None:
        if self._job is not None and self.buttons["cancel"].isEnabled():
            self._job.task.cancel()
            self.buttons["cancel"].setEnabled(False)
            self.status.setText(_("Stopping…"))

    def stop_work(self) -> None:
        """The desk closes: a scan stops at once (an attachment being saved finishes)."""
        self._poll_timer.stop()
        self.cancel()

    def _on_acquired(self, result: Acquired) -> None:
        if not isValid(self):
            return
        self._job = None
        self._set_busy(False)
        parts = []
        if result.pages:
            parts.append(
                ngettext("{count} page added.", "{count} pages added.", result.pages).format(
                    count=result.pages
                )
            )
        if result.dropped:
            parts.append(
                ngettext(
                    "{count} blank page was left out.",
                    "{count} blank pages were left out.",
                    result.dropped,
                ).format(count=result.dropped)
            )
        if result.cancelled:
            parts.append(_("The scan was cancelled; the pages scanned before are kept."))
        if not parts and not result.problems:
            parts.append(_("No page was added."))
        self.message.setText(" ".join(parts))
        show_error(self.error, "\n".join(result.problems))
        if result.pages:
            self.pages.list.setFocus()
        self.sig_acquired.emit(result)

    def _on_job_failed(self, error: BaseException) -> None:
        if isValid(self):
            self._job = None
            self._set_busy(False)
            self._fail(describe_error(error))

    def read_passport(self) -> None:
        """The chosen page's MRZ, read off the UI thread, to the Intake form."""
        image = self.current_page_image()
        if image is None:
            self._fail(_("Scan or import the passport's data page first."))
            return
        self._context.ops.io(read_mrz_image, image).success(self._on_passport_read).failure(
            lambda error: self._fail(describe_error(error))
        ).run()

    def _on_passport_read(self, read: MrzImageRead) -> None:
        if not read.valid:
            # Never half-trust a read: a wrong digit would make another person's record.
            self._fail(
                _(
                    "The passport's lines were read, but their check digits do not agree. "
                    "Scan the page again, or use the passport reader at Intake."
                )
            )
            return
        self.sig_passport_read.emit(read)
        target, core, face = self.target.target, self._context.core, read.face_png()
        if target is None or core is None:
            self._context.bus.sig_open.emit("intake", read)  # a new visitor: fill the form
            return
        # Scanning for an application: the passport's portrait becomes its card photo.
        wants_photo = PHOTO_ITEM in {item.key for item in target.checklist}
        if face is None or not target.takes_documents or not wants_photo:
            self.message.setText(_("The passport was read; there is no photo to attach here."))
            return
        from app.filestore import FileStore
        from app.services import attachments

        self._context.ops.mutate(
            attachments.store,
            core,
            self._context.actor,
            FileStore.of(self._context.config),
            face,
            media_type="image/png",
            pages=1,
            application_id=target.application.id,
            checklist_key=PHOTO_ITEM,
        ).success(self._on_photo_attached).failure(
            lambda error: self._fail(describe_error(error))
        ).run()

    def _on_photo_attached(self, attachment: object) -> None:
        self.message.setText(_("The photo from the passport is attached for the permit card."))
        self.sig_attached.emit(attachment)

    def current_page_image(self) -> Image.Image | None:
        """The chosen page's full picture, as it will be attached (cleaned, turned)."""
        entry = self.pages.current()
        return entry.page.image if entry is not None else None

    # --- attaching -----------------------------------------------------------------------------

    def open_record(self, record: object) -> None:
        """Open for an application: its id, or its id and the key of a checklist item."""
        application_id, key = record if isinstance(record, tuple) else (record, None)
        if isinstance(application_id, uuid.UUID):
            self.target.load(application_id, key)

    def attach(self) -> None:
        if self._busy:
            return
        entries = self.pages.list.entries
        target = self.target.target
        problem = ""
        if not entries:
            problem = _("There are no pages to attach: scan them or import files first.")
        elif target is None:
            problem = _("Choose the application first: on the Applications screen, Ctrl+D.")
        elif self.target.item_key() is None:
            problem = _("This application's service has no checklist to attach documents to.")
        if problem:
            self._fail(problem)
            return
        from app.scanning.pdf import pages_to_pdf

        # Not cancellable: the document is made and stored whole, or not at all.
        job = self._start_job(self.pages.page_count(), replacing=False, cancellable=False)
        self._context.ops.io(pages_to_pdf, [e.page for e in entries], job.task).success(
            self._on_pdf_made
        ).failure(self._on_job_failed).run()

    def _on_pdf_made(self, pdf: ScanPdf) -> None:
        from app.filestore import FileStore
        from app.services import attachments

        target, core, key = self.target.target, self._context.core, self.target.item_key()
        if not isValid(self) or target is None or core is None or key is None:
            return
        self.status.setText(_("Saving the document…"))
        self._context.ops.mutate(
            attachments.store,
            core,
            self._context.actor,
            FileStore.of(self._context.config),
            pdf.data,
            media_type=PDF,
            pages=pdf.page_count,
            application_id=target.application.id,
            checklist_key=key,
        ).success(self._on_attached).failure(self._on_job_failed).run()

    def _on_attached(self, attachment: Attachment) -> None:
        if not isValid(self):
            return
        self._job = None
        self._set_busy(False)
        self.pages.clear_pages()
        self.buttons["scan"].setFocus()  # the next document
        self.message.setText(
            ngettext(
                "The document ({count} page) was attached as “{item}”.",
                "The document ({count} pages) was attached as “{item}”.",
                attachment.pages,
            ).format(count=attachment.pages, item=self.target.item_text())
        )
        self.sig_attached.emit(attachment)

    # --- state ---------------------------------------------------------------------------------

    def _set_busy(self, busy: bool, *, cancellable: bool = False) -> None:
        self._busy = busy
        if not busy and self._arrived:
            # Files the folder gave during the scan: their pages follow it straight away.
            QTimer.singleShot(0, self, self._take_arrived)
        for name, button in self.buttons.items():
            button.setEnabled(cancellable if name == "cancel" else not busy)
        for widget in (self.settings, self.target):
            widget.setEnabled(not busy)
        self.pages.set_locked(busy)
        for shown in (self.progress, self.status, self.buttons["cancel"]):
            shown.setVisible(busy)
        if busy:
            self.progress.setRange(0, 100)
            self.progress.setValue(0)
            self.status.setText("")
            show_error(self.error, "")

    def _fail(self, message: str) -> None:
        show_error(self.error, message)
        self.sig_failed.emit(message)
