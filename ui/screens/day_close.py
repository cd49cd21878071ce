"""Day close: the supervisor reviews an office day and approves it, which closes it; a closed
day is reopened with a reason. A second tab searches the audit log.

The review shows the applications by state, each submission's fee with its payment
reference, the receipts printed (duplicates marked), the voids, the drafts still open and the
tickets never closed. Only supervisors are offered the actions; the core refuses anyone else.

Keyboard: Ctrl+Enter closes the day shown (after a confirmation); Ctrl+R reopens it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.clock import office_today, office_zone
from app.domain.changes import Changes, Topic
from app.domain.day_close import DayReview, FeeLine, OpenDraft, OpenTicket, ReceiptPrint, Void
from app.domain.users import Permission
from app.i18n import _, current_language
from app.services import day_close
from app.services.day_close import OpenTicketsError
from ui.context import DeskContext
from ui.dialogs.message import ask
from ui.models.table import ColumnSpec, DataclassTableModel, record_table
from ui.ops import describe_error
from ui.screens.audit import AuditScreen
from ui.widgets.forms import error_label, heading, show_error


def _time(value: Any) -> str:
    return str(value.astimezone(office_zone()).strftime("%H:%M"))


@dataclass(frozen=True, slots=True)
class StateLine:
    """One line of "applications by state": a service and a state the day reached."""

    service: str
    state: str
    count: int


def _spec(header: Callable[[], str], value: Callable[[Any], Any]) -> ColumnSpec[Any]:
    return ColumnSpec(header, value)


class StateColumn(Enum):
    SERVICE = _spec(lambda: _("Service"), lambda r: r.service)
    STATE = _spec(lambda: _("State"), lambda r: r.state)
    COUNT = _spec(lambda: _("Applications"), lambda r: r.count)


class FeeColumn(Enum):
    NUMBER = _spec(lambda: _("Number"), lambda r: r.number)
    SERVICE = _spec(lambda: _("Service"), lambda r: r.service_name.in_language(current_language()))
    AMOUNT = _spec(lambda: _("Fee, AZN"), lambda r: f"{r.amount:.2f}")
    METHOD = _spec(lambda: _("Paid by"), lambda r: r.method.label if r.method else _("no fee"))
    REFERENCE = _spec(lambda: _("Payment reference"), lambda r: r.reference)
    CLERK = _spec(lambda: _("Clerk"), lambda r: r.clerk)
    RECEIPT = _spec(lambda: _("Receipt"), lambda r: _("void") if r.receipt_void else "")


class ReceiptColumn(Enum):
    NUMBER = _spec(lambda: _("Number"), lambda r: r.number)
    TIME = _spec(lambda: _("Printed"), lambda r: _time(r.printed_at))
    WHO = _spec(lambda: _("By"), lambda r: r.actor_name)
    COPY = _spec(lambda: _("Copy"), lambda r: _("duplicate") if r.duplicate else _("first"))


class VoidColumn(Enum):
    KIND = _spec(lambda: _("Document"), lambda r: r.kind.label)
    NUMBER = _spec(lambda: _("Number"), lambda r: r.number)
    WHO = _spec(lambda: _("By"), lambda r: r.voided_by)
    REASON = _spec(lambda: _("Reason"), lambda r: r.reason)


class DraftColumn(Enum):
    SERVICE = _spec(lambda: _("Service"), lambda r: r.service_code)
    MADE = _spec(lambda: _("Made"), lambda r: r.channel.label)
    BY = _spec(lambda: _("By"), lambda r: r.created_by)
    WHEN = _spec(
        lambda: _("Started"),
        lambda r: r.created_at.astimezone(office_zone()).strftime("%d.%m.%Y %H:%M"),
    )


class TicketColumn(Enum):
    NUMBER = _spec(lambda: _("Ticket"), lambda r: r.number)
    SERVICE = _spec(lambda: _("Service"), lambda r: r.service_code)
    STATE = _spec(lambda: _("State"), lambda r: r.state.label)
    COUNTER = _spec(lambda: _("Counter"), lambda r: r.counter_number or "")
    CLERK = _spec(lambda: _("Clerk"), lambda r: r.clerk_name or "")


def _confirm(parent: QWidget, text: str) -> bool:
    return ask(parent, _("Close the day"), text, yes=_("Close the day"), no=_("Cancel"))


def _ask_reason(parent: QWidget, title: str, label: str) -> str | None:
    text, accepted = QInputDialog.getText(parent, title, label)
    return text if accepted else None


class DayCloseScreen(QWidget):
    sig_reviewed = Signal(object)  # DayReview
    sig_closed = Signal(object)  # DayReview
    sig_reopened = Signal(object)  # DayReview
    sig_failed = Signal(str)

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.review: DayReview | None = None
        # Asking the person: replaceable, so a test answers without a modal dialog.
        self.confirm: Callable[[QWidget, str], bool] = _confirm
        self.ask_reason: Callable[[QWidget, str, str], str | None] = _ask_reason
        self.header = heading()
        self.day = QDateEdit()
        self.day.setAccessibleName("office day")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd.MM.yyyy")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.close_button = QPushButton()
        self.reopen_button = QPushButton()
        self.error = error_label()
        self.states: DataclassTableModel[StateLine] = DataclassTableModel(StateColumn)
        self.fees: DataclassTableModel[FeeLine] = DataclassTableModel(FeeColumn)
        self.receipts: DataclassTableModel[ReceiptPrint] = DataclassTableModel(ReceiptColumn)
        self.voids: DataclassTableModel[Void] = DataclassTableModel(VoidColumn)
        self.drafts: DataclassTableModel[OpenDraft] = DataclassTableModel(DraftColumn)
        self.tickets: DataclassTableModel[OpenTicket] = DataclassTableModel(TicketColumn)
        self.review_tabs = QTabWidget()
        self._tables: list[tuple[QTableView, DataclassTableModel[Any]]] = [
            (record_table(model, name), model)
            for model, name in (
                (self.states, "applications by state"),
                (self.fees, "fees"),
                (self.receipts, "receipts"),
                (self.voids, "voids"),
                (self.drafts, "open drafts"),
                (self.tickets, "open tickets"),
            )
        ]
        for table, _model in self._tables:
            self.review_tabs.addTab(table, "")
        review = QWidget()
        review_layout = QVBoxLayout(review)
        top = QHBoxLayout()
        top.addWidget(self.day)
        top.addWidget(self.status, 1)
        review_layout.addLayout(top)
        review_layout.addWidget(self.summary)
        review_layout.addWidget(self.review_tabs, 1)
        review_layout.addWidget(self.error)
        actions = QHBoxLayout()
        actions.addWidget(self.close_button)
        actions.addWidget(self.reopen_button)
        actions.addStretch(1)
        review_layout.addLayout(actions)
        self.audit = AuditScreen(context)
        self.tabs = QTabWidget()
        self.tabs.addTab(review, "")
        self.tabs.addTab(self.audit, "")
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)

        self.day.setDate(self._today())
        self.day.dateChanged.connect(lambda _d: self.load())
        self.close_button.clicked.connect(lambda _checked=False: self.close_day())
        self.reopen_button.clicked.connect(lambda _checked=False: self.reopen_day())
        self.tabs.currentChanged.connect(self._on_tab)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), review, lambda _checked=False: self.close_day())
        QShortcut(QKeySequence("Ctrl+R"), review, lambda _checked=False: self.reopen_day())
        context.bus.sig_changed.connect(self._on_changed)
        self.setFocusProxy(self.day)
        self.retranslate()

    def _today(self) -> QDate:
        core = self._context.core
        today = office_today(core.clock) if core is not None else date.today()
        return QDate(today.year, today.month, today.day)

    def retranslate(self) -> None:
        self.header.setText(_("Day close"))
        self.tabs.setTabText(0, _("Review and close"))
        self.tabs.setTabText(1, _("Audit log"))
        self.close_button.setText(_("&Close the day (Ctrl+Enter)"))
        self.reopen_button.setText(_("&Reopen… (Ctrl+R)"))
        for _table, model in self._tables:
            model.retranslate()
        self.audit.retranslate()
        self._show()

    def selected_day(self) -> date:
        value = self.day.date()
        return date(value.year(), value.month(), value.day())

    def _may_close(self) -> bool:
        user = self._context.user
        return user is not None and user.may(Permission.CLOSE_DAY)

    # --- reading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.load()
        if self.tabs.currentIndex() == 1:
            self.audit.refresh()

    def _on_tab(self, index: int) -> None:
        if index == 1:
            self.audit.run_search()

    def load(self) -> None:
        core = self._context.core
        if core is None or self._context.user is None:
            return
        if not self._may_close():
            # Nothing is offered to a clerk: the review and the close are a supervisor's.
            self.review = None
            self._show()
            show_error(self.error, _("Only a supervisor reviews and closes the office's day."))
            return
        self._context.ops.query(
            day_close.day_review, core, self._context.actor, self.selected_day()
        ).success(self._on_review).failure(self._on_failed).run()

    def _on_review(self, review: DayReview) -> None:
        if review.day != self.selected_day():
            return  # an older answer, for a day no longer chosen
        self.review = review
        show_error(self.error, "")
        self._show()
        self.sig_reviewed.emit(review)

    def _on_failed(self, error: BaseException) -> None:
        message = describe_error(error)
        show_error(self.error, message)
        self.sig_failed.emit(message)

    def _show(self) -> None:
        review = self.review
        may = self._may_close()
        self.close_button.setEnabled(may and review is not None and not review.closed)
        self.reopen_button.setEnabled(may and review is not None and review.closed)
        if review is None:
            for _table, model in self._tables:
                model.set_rows([])
            self.status.setText("")
            self.summary.setText("")
            self._title_tabs()
            return
        language = current_language()
        self.states.set_rows(
            [
                StateLine(line.name.in_language(language), state.label, count)
                for line in review.applications
                for state, count in line.states
            ]
        )
        self.fees.set_rows(review.fees)
        self.receipts.set_rows(review.receipts)
        self.voids.set_rows(review.voids)
        self.drafts.set_rows(review.open_drafts)
        self.tickets.set_rows(review.open_tickets)
        self._title_tabs()
        self.status.setText(self._status_text(review))
        methods = ", ".join(
            _("{method}: {amount} AZN").format(
                method=line.method.label if line.method else _("no fee"),
                amount=f"{line.amount:.2f}",
            )
            for line in review.payments
        )
        self.summary.setText(
            _(
                "Submitted: {submitted} · fees {total} AZN ({methods}) · receipts printed: "
                "{receipts}, duplicates: {duplicates} · voids: {voids} · open drafts: {drafts} · "
                "tickets never closed: {tickets}"
            ).format(
                submitted=review.submitted,
                total=f"{review.fees_total:.2f}",
                methods=methods or "—",
                receipts=len(review.receipts),
                duplicates=review.duplicates,
                voids=len(review.voids),
                drafts=len(review.open_drafts),
                tickets=len(review.open_tickets),
            )
        )

    def _title_tabs(self) -> None:
        review = self.review
        titles = (
            (_("Applications by state"), len(review.applications) if review else 0),
            (_("Fees and references"), len(review.fees) if review else 0),
            (_("Receipts"), len(review.receipts) if review else 0),
            (_("Voids"), len(review.voids) if review else 0),
            (_("Open drafts"), len(review.open_drafts) if review else 0),
            (_("Tickets never closed"), len(review.open_tickets) if review else 0),
        )
        for index, (title, count) in enumerate(titles):
            self.review_tabs.setTabText(index, f"{title} ({count})")

    def _status_text(self, review: DayReview) -> str:
        status = review.status
        day = review.day.strftime("%d.%m.%Y")
        if status is None:
            return _("The day {day} is open.").format(day=day)
        when = status.closed_at.astimezone(office_zone()).strftime("%d.%m.%Y %H:%M")
        if status.closed:
            return _("The day {day} was closed by {name} at {when}.").format(
                day=day, name=status.closed_by, when=when
            )
        reopened = (
            status.reopened_at.astimezone(office_zone()).strftime("%d.%m.%Y %H:%M")
            if status.reopened_at
            else ""
        )
        return _("The day {day} was reopened by {name} at {when}: {reason}").format(
            day=day, name=status.reopened_by or "", when=reopened, reason=status.reopen_reason
        )

    # --- changing ------------------------------------------------------------------------------

    def close_day(self, *, force: bool = False) -> None:
        core = self._context.core
        if core is None or self._context.user is None:
            return
        day = self.selected_day()
        if not force and not self.confirm(
            self,
            _(
                "Close the day {day}? Its applications, payments, receipts and tickets can no "
                "longer be changed unless a supervisor reopens it."
            ).format(day=day.strftime("%d.%m.%Y")),
        ):
            return
        show_error(self.error, "")
        self._context.ops.mutate(
            day_close.close_day, core, self._context.actor, day, force=force
        ).success(self._on_closed).failure(self._on_close_failed).run()

    def _on_close_failed(self, error: BaseException) -> None:
        if isinstance(error, OpenTicketsError) and self.confirm(
            self, describe_error(error) + "\n\n" + _("Close the day anyway?")
        ):
            self.close_day(force=True)
            return
        self._on_failed(error)

    def _on_closed(self, review: DayReview) -> None:
        self._on_review(review)
        self.sig_closed.emit(review)

    def reopen_day(self, reason: str | None = None) -> None:
        core = self._context.core
        if core is None or self._context.user is None:
            return
        if reason is None:
            reason = self.ask_reason(
                self, _("Reopen the day"), _("Why is the day reopened? The reason is audited.")
            )
            if reason is None:
                return
        show_error(self.error, "")
        self._context.ops.mutate(
            day_close.reopen_day, core, self._context.actor, self.selected_day(), reason
        ).success(self._on_reopened).failure(self._on_failed).run()

    def _on_reopened(self, review: DayReview) -> None:
        self._on_review(review)
        self.sig_reopened.emit(review)

    def _on_changed(self, changes: Changes) -> None:
        if (
            changes.touches(Topic.DAYS, Topic.APPLICATIONS, Topic.PRINTS, Topic.QUEUE)
            and self.isVisible()
        ):
            self.load()
        if changes.touches(Topic.AUDIT) and self.tabs.currentIndex() == 1 and self.isVisible():
            self.audit.run_search(keep_page=True)
