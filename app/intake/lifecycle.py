"""The states of an application from the desk's draft to the card in the visitor's hands.

    draft ─► submitted ─► sent ─► approved ─► card_printed ─► handed_over
      │          │          ├──► refused
      └──────────┴──────────┴──► withdrawn

The centre decides; the desk only records its decision. A visitor may withdraw until the
decision comes; after it, the application runs to its end. Refused, handed over and
withdrawn are final.
"""

from __future__ import annotations

from enum import StrEnum

from app.errors import ConflictError
from app.i18n import N_, _, translate_to


class ApplicationState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SENT = "sent"  # to the centre, which decides
    APPROVED = "approved"
    REFUSED = "refused"
    CARD_PRINTED = "card_printed"
    HANDED_OVER = "handed_over"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return _(_STATE_LABELS[self])

    def label_in(self, language: str) -> str:
        """The label in a printout's language, whatever the screen's."""
        return translate_to(language, _STATE_LABELS[self])

    @property
    def is_final(self) -> bool:
        return not ALLOWED_TRANSITIONS[self]


_STATE_LABELS: dict[ApplicationState, str] = {
    ApplicationState.DRAFT: N_("draft"),
    ApplicationState.SUBMITTED: N_("submitted"),
    ApplicationState.SENT: N_("sent to the centre"),
    ApplicationState.APPROVED: N_("approved"),
    ApplicationState.REFUSED: N_("refused"),
    ApplicationState.CARD_PRINTED: N_("card printed"),
    ApplicationState.HANDED_OVER: N_("handed over"),
    ApplicationState.WITHDRAWN: N_("withdrawn"),
}

_S = ApplicationState
ALLOWED_TRANSITIONS: dict[ApplicationState, frozenset[ApplicationState]] = {
    _S.DRAFT: frozenset({_S.SUBMITTED, _S.WITHDRAWN}),
    _S.SUBMITTED: frozenset({_S.SENT, _S.WITHDRAWN}),
    _S.SENT: frozenset({_S.APPROVED, _S.REFUSED, _S.WITHDRAWN}),
    _S.APPROVED: frozenset({_S.CARD_PRINTED}),
    # A reprint keeps the card printed: it is not a change of state. A card whose only print
    # job the print service failed did not come out after all: back to approved.
    _S.CARD_PRINTED: frozenset({_S.HANDED_OVER, _S.APPROVED}),
    _S.REFUSED: frozenset(),
    _S.HANDED_OVER: frozenset(),
    _S.WITHDRAWN: frozenset(),
}


def can_transition(current: ApplicationState, target: ApplicationState) -> bool:
    return target in ALLOWED_TRANSITIONS[current]


def transition(current: ApplicationState, target: ApplicationState) -> ApplicationState:
    """``target`` when the table allows the move; ConflictError, translated, when not."""
    if can_transition(current, target):
        return target
    allowed = ALLOWED_TRANSITIONS[current]
    if allowed:
        what_next = _("From “{current}” it can become: {allowed}.").format(
            current=current.label,
            allowed=", ".join(f"“{state.label}”" for state in ApplicationState if state in allowed),
        )
    else:
        what_next = _("“{current}” is final.").format(current=current.label)
    raise ConflictError(
        _("An application that is “{current}” cannot become “{target}”.").format(
            current=current.label, target=target.label
        )
        + " "
        + what_next
    )
