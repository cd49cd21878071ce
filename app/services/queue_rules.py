"""Which waiting ticket a counter calls next: the rules alone, without the database.

In order:
1. an appointment that is due (from ``appointment_early_minutes`` before its booked time),
   the earliest booking first;
2. while both normal and priority tickets wait, the counter's place in the normal:priority
   cycle names the side (2:1: two normal tickets, then one priority); each side in the order
   of first issue, so a transferred ticket keeps its place;
3. aging: on a normal turn, the priority ticket still goes first when it has waited at least
   ``aging_minutes`` longer than the normal ticket the cycle would call. The ratio alone would
   let a priority visitor wait behind a stream of normal arrivals; the normal side cannot starve
   either, since it keeps every turn the aged priority tickets leave it;
4. only one side waiting: its first ticket; the cycle moves only when both sides wait, so it
   stands where it was when the other side comes back;
5. appointments not due yet are called only when nobody else waits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from app.domain.queue import QueuePolicy


@dataclass(frozen=True, slots=True)
class Candidate:
    id: uuid.UUID
    issued_at: datetime
    appointment_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Heads:
    """The first waiting ticket of each kind a counter may call; None where none waits."""

    due_appointment: Candidate | None = None
    priority: Candidate | None = None
    normal: Candidate | None = None
    later_appointment: Candidate | None = None


class Why(Enum):
    APPOINTMENT = "appointment"
    RATIO = "ratio"  # the cycle's turn, both sides waiting
    AGED = "aged"  # a priority ticket ahead of the normal turn by its wait
    ALONE = "alone"  # only one side waits
    EARLY_APPOINTMENT = "early_appointment"


@dataclass(frozen=True, slots=True)
class Choice:
    candidate: Candidate
    why: Why
    next_step: int  # the counter's place in the cycle after this call


def is_priority_turn(step: int, policy: QueuePolicy) -> bool:
    return step % (policy.ratio_normal + policy.ratio_priority) >= policy.ratio_normal


def choose(heads: Heads, step: int, policy: QueuePolicy) -> Choice | None:
    """The ticket to call from ``heads``, for a counter standing at ``step`` of its cycle."""
    if heads.due_appointment is not None:
        return Choice(heads.due_appointment, Why.APPOINTMENT, step)
    priority, normal = heads.priority, heads.normal
    if priority is not None and normal is not None:
        advanced = (step + 1) % (policy.ratio_normal + policy.ratio_priority)
        if is_priority_turn(step, policy):
            return Choice(priority, Why.RATIO, advanced)
        if normal.issued_at - priority.issued_at >= timedelta(minutes=policy.aging_minutes):
            return Choice(priority, Why.AGED, step)  # the normal turn stays owed
        return Choice(normal, Why.RATIO, advanced)
    if priority is not None:
        return Choice(priority, Why.ALONE, step)
    if normal is not None:
        return Choice(normal, Why.ALONE, step)
    if heads.later_appointment is not None:
        return Choice(heads.later_appointment, Why.EARLY_APPOINTMENT, step)
    return None
