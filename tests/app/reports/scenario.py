"""A scripted office day for the summary's tests, made through the real services: two clerks
at two counters, tickets served, not come, transferred and left waiting, and applications of
four services with their fees, one withdrawn, one sent, one left a draft.

The figures the day must give are written out in `DAY`; the tests also count them in the
database directly.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Final

from app.clock import ManualClock, office_zone
from app.domain.applications import Application, ApplicationForm, PaymentMethod
from app.domain.persons import DocumentKind, NewDocument, PersonData, Sex
from app.domain.queue import Ticket
from app.domain.users import Actor, Role
from app.intake.lifecycle import ApplicationState
from app.services import applications, persons, queue, setup, users
from app.services.core import Core
from tests.support.actors import demo_actor
from tests.support.intake import all_documents, valid_values

DAY: Final = date(2026, 11, 24)
NEXT_DAY: Final = date(2026, 11, 25)
A = "registration_stay"  # counter 1 (and 2)
B = "stay_extension"  # counter 1
C = "temp_residence"  # counter 2
E = "work_permit"  # counter 3
CLERK_NAME: Final = "Aynur Məmmədova"  # the demo office's clerk
SECOND_CLERK: Final = "clerk2"
SECOND_CLERK_NAME: Final = "Orxan Quliyev"


def at(day: date, hour: int, minute: int) -> datetime:
    """A moment of an office day, on the office's clock (Baku)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=office_zone()).astimezone(
        UTC
    )


@dataclass(frozen=True)
class Expected:
    visitors: int
    legs: int
    called: int
    served: int
    no_shows: int
    transferred: int
    waiting: int
    within_target: int
    waits: tuple[float, ...]
    service_times: tuple[float, ...]
    submitted: int
    fees: Decimal
    by_method: dict[str | None, tuple[int, Decimal]]
    states: dict[str, int]
    clerks: dict[str, tuple[int, int, int, int, Decimal]]  # called, served, no-shows, apps, fees


DAY_FIGURES: Final = Expected(
    visitors=8,
    legs=9,
    called=7,
    served=4,
    no_shows=2,
    transferred=1,
    waiting=2,
    within_target=2,
    waits=(600, 1080, 1200, 1620, 60, 1020, 2160),
    service_times=(480, 360, 240, 900, 1260),
    submitted=5,
    fees=Decimal("880.00"),
    by_method={
        "asanpay": (3, Decimal("860.00")),
        "bank": (1, Decimal("20.00")),
        None: (1, Decimal("0.00")),
    },
    states={"draft": 1, "submitted": 5, "sent": 1, "withdrawn": 1},
    clerks={
        CLERK_NAME: (4, 2, 1, 3, Decimal("180.00")),
        SECOND_CLERK_NAME: (3, 2, 1, 2, Decimal("700.00")),
    },
)


@dataclass(frozen=True)
class People:
    clerk: Actor
    clerk2: Actor
    supervisor: Actor
    admin: Actor


def people(core: Core) -> People:
    """The demo office's users and a second clerk."""
    identity = setup.initialize_demo(core).value.identity
    users.create_user(
        core,
        Actor.system("setup"),
        office_id=identity.office.id,
        username=SECOND_CLERK,
        full_name=SECOND_CLERK_NAME,
        role=Role.CLERK,
        password="Second-clerk-password-2026",
    )
    return People(
        clerk=demo_actor(core, "clerk"),
        clerk2=demo_actor(core, SECOND_CLERK),
        supervisor=demo_actor(core, "supervisor"),
        admin=demo_actor(core, "admin"),
    )


# Each applicant a new person, with a passport of their own, across every desk of a test run.
_people = itertools.count(1)


class Desk:
    """The day driven minute by minute on the office's clock."""

    def __init__(self, core: Core, clock: ManualClock, day: date) -> None:
        self.core, self.clock, self.day = core, clock, day

    def time(self, hour: int, minute: int) -> None:
        self.clock.set(at(self.day, hour, minute))

    def issue(self, code: str, hour: int, minute: int) -> Ticket:
        self.time(hour, minute)
        return queue.issue_ticket(self.core, queue.KIOSK, code).value

    def call(self, clerk: Actor, counter: int, hour: int, minute: int, number: str) -> Ticket:
        self.time(hour, minute)
        called = queue.call_next(self.core, clerk, counter).value
        assert called is not None and called.number == number, called
        return called

    def start(self, clerk: Actor, ticket: Ticket, hour: int, minute: int) -> None:
        self.time(hour, minute)
        queue.start_service(self.core, clerk, ticket.id)

    def end(self, clerk: Actor, ticket: Ticket, hour: int, minute: int) -> None:
        self.time(hour, minute)
        queue.end_service(self.core, clerk, ticket.id)

    def no_show(self, clerk: Actor, ticket: Ticket, hour: int, minute: int) -> None:
        self.time(hour, minute)
        queue.mark_no_show(self.core, clerk, ticket.id)

    def submit(
        self,
        clerk: Actor,
        code: str,
        hour: int,
        minute: int,
        *,
        method: PaymentMethod | None = None,
        draft: bool = False,
        **choices: str,
    ) -> Application:
        """An application of ``code`` with every document, for a new person; paid by
        ``method`` when a fee is due."""
        self.time(hour, minute)
        number = next(_people)
        person = persons.create_person(
            self.core,
            clerk,
            PersonData(
                surname=f"QULIYEVA{'X' * (number % 10)}",
                given_names="LEYLA",
                birth_date=date(1990, 5, 1),
                sex=Sex.FEMALE,
                nationality="TUR",
            ),
            documents=[
                NewDocument(
                    DocumentKind.PASSPORT,
                    f"U{number:08d}",
                    "TUR",
                    expiry_date=date(2032, 1, 1),
                )
            ],
            force=True,
        ).value
        service = next(s for s in applications.services(self.core, clerk) if s.code == code)
        form = ApplicationForm(
            service_code=code,
            person_id=person.id,
            values={**valid_values(service, self.day), **choices},
            received=all_documents(service),
            payment_method=method,
            payment_reference=f"REF-{self.day:%Y%m%d}-{number:04d}" if method else "",
        )
        if draft:
            return applications.save_draft(self.core, clerk, form).value
        return applications.submit_application(self.core, clerk, form).value

    def change(
        self,
        clerk: Actor,
        application: Application,
        state: ApplicationState,
        hour: int,
        minute: int,
    ) -> None:
        self.time(hour, minute)
        applications.change_state(
            self.core, clerk, application.id, state, note="The visitor asked for it."
        )


def script_day(core: Core, clock: ManualClock, who: People) -> None:
    """The 24th of November: see `DAY_FIGURES` for what it adds up to."""
    desk = Desk(core, clock, DAY)
    clerk, clerk2 = who.clerk, who.clerk2
    # Counter 1 (the first clerk) serves registrations and extensions; counter 3 (the second
    # clerk) work permits.
    desk.issue(A, 9, 0)  # A001
    desk.issue(A, 9, 2)  # A002
    desk.issue(B, 9, 4)  # B001
    desk.issue(E, 9, 5)  # E001
    desk.issue(E, 9, 6)  # E002
    e1 = desk.call(clerk2, 3, 9, 6, "E001")  # waited 1 min
    desk.start(clerk2, e1, 9, 7)
    desk.issue(A, 9, 8)  # A003
    desk.issue(E, 9, 10)  # E003
    a1 = desk.call(clerk, 1, 9, 10, "A001")  # waited 10 min
    desk.start(clerk, a1, 9, 11)
    desk.submit(clerk, A, 9, 18)  # free
    desk.end(clerk, a1, 9, 19)  # 8 min
    desk.submit(clerk2, E, 9, 20, method=PaymentMethod.ASANPAY)  # 350.00
    a2 = desk.call(clerk, 1, 9, 20, "A002")  # waited 18 min
    desk.end(clerk2, e1, 9, 22)  # 15 min
    e2 = desk.call(clerk2, 3, 9, 23, "E002")  # waited 17 min
    desk.no_show(clerk, a2, 9, 23)
    desk.start(clerk2, e2, 9, 24)
    b1 = desk.call(clerk, 1, 9, 24, "B001")  # waited 20 min
    desk.start(clerk, b1, 9, 25)
    desk.submit(clerk, B, 9, 30, method=PaymentMethod.BANK, working_days="3")  # 20.00
    desk.end(clerk, b1, 9, 31)  # 6 min
    a3 = desk.call(clerk, 1, 9, 35, "A003")  # waited 27 min
    desk.start(clerk, a3, 9, 36)
    withdrawn = desk.submit(clerk2, E, 9, 40, method=PaymentMethod.ASANPAY)  # 350.00
    desk.time(9, 40)  # 4 min at counter 1, then on to temporary residence, where it waits
    queue.transfer(core, clerk, a3.id, to_service=C)
    desk.end(clerk2, e2, 9, 45)  # 21 min
    desk.issue(A, 9, 45)  # A004: never called
    e3 = desk.call(clerk2, 3, 9, 46, "E003")  # waited 36 min
    desk.no_show(clerk2, e3, 9, 50)
    temporary = desk.submit(
        clerk,
        C,
        10,
        30,
        method=PaymentMethod.ASANPAY,
        duration_months="12",
        working_days="15",
    )  # 160.00
    desk.change(clerk2, withdrawn, ApplicationState.WITHDRAWN, 11, 0)
    desk.change(clerk, temporary, ApplicationState.SENT, 12, 0)
    desk.submit(clerk, C, 12, 30, draft=True)


def script_next_day(core: Core, clock: ManualClock, who: People) -> None:
    """The 25th: a quiet morning, and a submission at 00:30 in Baku, which is still the 24th
    in UTC: it belongs to the 25th."""
    # Late in the evening of the 24th in Baku: still the 24th.
    Desk(core, clock, DAY).submit(
        who.clerk2, B, 23, 30, method=PaymentMethod.BANK, working_days="3"
    )  # 20.00
    desk = Desk(core, clock, NEXT_DAY)
    desk.submit(who.clerk, B, 0, 30, method=PaymentMethod.ASANPAY, working_days="1")  # 40.00
    desk.issue(A, 9, 0)
    desk.issue(B, 9, 1)
    first = desk.call(who.clerk, 1, 9, 5, "A001")
    desk.start(who.clerk, first, 9, 6)
    desk.end(who.clerk, first, 9, 20)
    second = desk.call(who.clerk, 1, 9, 21, "B001")
    desk.no_show(who.clerk, second, 9, 25)


NEXT_DAY_FEES: Final = Decimal("40.00")
LATE_SUBMISSION_FEE: Final = Decimal("20.00")
