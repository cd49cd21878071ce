"""Application states: the moves the table allows and the message when it does not."""

from __future__ import annotations

import pytest

from app.errors import ConflictError
from app.intake.lifecycle import (
    ALLOWED_TRANSITIONS,
    ApplicationState,
    can_transition,
    transition,
)

S = ApplicationState
ALLOWED = {
    (S.DRAFT, S.SUBMITTED),
    (S.DRAFT, S.WITHDRAWN),
    (S.SUBMITTED, S.SENT),
    (S.SUBMITTED, S.WITHDRAWN),
    (S.SENT, S.APPROVED),
    (S.SENT, S.REFUSED),
    (S.SENT, S.WITHDRAWN),
    (S.APPROVED, S.CARD_PRINTED),
    (S.CARD_PRINTED, S.HANDED_OVER),
    (S.CARD_PRINTED, S.APPROVED),  # the card's print job failed after all
}


def test_the_table_is_exactly_the_intended_one() -> None:
    assert set(ALLOWED_TRANSITIONS) == set(ApplicationState)
    table = {(here, there) for here, targets in ALLOWED_TRANSITIONS.items() for there in targets}
    assert table == ALLOWED


@pytest.mark.parametrize("move", sorted(ALLOWED))
def test_allowed(move: tuple[ApplicationState, ApplicationState]) -> None:
    assert transition(*move) is move[1]


@pytest.mark.parametrize(
    "move",
    [
        (here, there)
        for here in ApplicationState
        for there in ApplicationState
        if (here, there) not in ALLOWED
    ],
)
def test_forbidden(move: tuple[ApplicationState, ApplicationState]) -> None:
    assert not can_transition(*move)
    with pytest.raises(ConflictError):
        transition(*move)


def test_the_whole_way_of_a_permit() -> None:
    state = S.DRAFT
    for target in (S.SUBMITTED, S.SENT, S.APPROVED, S.CARD_PRINTED, S.HANDED_OVER):
        state = transition(state, target)
    assert state.is_final


def test_the_message_names_both_states_and_what_is_possible() -> None:
    with pytest.raises(ConflictError) as raised:
        transition(S.SUBMITTED, S.APPROVED)
    assert str(raised.value) == (
        "An application that is “submitted” cannot become “approved”. "
        "From “submitted” it can become: “sent to the centre”, “withdrawn”."
    )
    with pytest.raises(ConflictError) as raised:
        transition(S.HANDED_OVER, S.WITHDRAWN)
    assert str(raised.value) == (
        "An application that is “handed over” cannot become “withdrawn”. “handed over” is final."
    )


def test_final_states_and_labels() -> None:
    assert {state for state in S if state.is_final} == {S.REFUSED, S.HANDED_OVER, S.WITHDRAWN}
    assert S.CARD_PRINTED.label == "card printed"
    assert S.SENT.label == "sent to the centre"
    assert S("card_printed") is S.CARD_PRINTED
