"""What an operation changed, so the screens that show it can refresh and the rest need not."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class Topic(StrEnum):
    """Kinds of records a screen may show; one change notice names the topics it touched."""

    OFFICE = "office"
    USERS = "users"
    MASTER_DATA = "master_data"
    SETTINGS = "settings"
    AUDIT = "audit"
    OUTBOX = "outbox"
    SESSION = "session"  # who is logged in, the lock state
    PERSONS = "persons"  # the person registry and identity documents
    APPLICATIONS = "applications"  # applications, their states and payments
    DRAFTS = "drafts"  # the intake form scratchpad of this desk
    QUEUE = "queue"  # tickets, counters' states and pauses
    PRINTS = "prints"  # the print log: receipts, cards and tickets sent to printers
    ATTACHMENTS = "attachments"  # scanned documents stored and attached to applications
    SYNC = "sync"  # the enrolment with the centre, the last sync, quarantined records
    PERMITS = "permits"  # permits signed by the centre, waiting for their card
    DAYS = "days"  # office days closed and reopened by a supervisor, documents voided


@dataclass(frozen=True, slots=True)
class Changes:
    topics: frozenset[Topic] = frozenset()

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.topics | other.topics)

    def touches(self, *topics: Topic) -> bool:
        return any(topic in self.topics for topic in topics)

    def __bool__(self) -> bool:
        return bool(self.topics)


NO_CHANGES = Changes()


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """A service's answer: the plain domain value and what the call changed."""

    value: T
    changes: Changes
