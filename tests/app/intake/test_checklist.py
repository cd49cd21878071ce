"""The documents a visitor brought against the service's checklist."""

from __future__ import annotations

from app.domain.masterdata import ChecklistItem, Service
from app.intake.checklist import checklist_state


def keys(items: tuple[ChecklistItem, ...]) -> list[str]:
    return [item.key for item in items]


def test_nothing_received(services: dict[str, Service]) -> None:
    state = checklist_state(services["temp_residence"], [])
    assert not state.complete
    assert state.received == ()
    assert keys(state.missing_required) == [
        "application_form",
        "passport_copy",
        "medical_certificate",
        "proof_of_means",
        "photos",
        "housing_consent",
        "fee_receipt",
    ]
    assert keys(state.missing_optional) == ["children_consent"]


def test_complete_without_the_optional_document(services: dict[str, Service]) -> None:
    service = services["temp_residence"]
    required = [item.key for item in service.checklist if item.required]
    state = checklist_state(service, reversed(required))
    assert state.complete
    assert keys(state.received) == required  # in the checklist's order, not the clerk's
    assert keys(state.missing_optional) == ["children_consent"]


def test_one_missing_document_and_an_unknown_key(services: dict[str, Service]) -> None:
    state = checklist_state(
        services["registration_stay"], {"application_form", "passport_copy", "old_form"}
    )
    assert not state.complete
    assert keys(state.missing_required) == ["housing_document"]
    assert state.unknown_keys == ("old_form",)


def test_a_service_with_only_optional_documents_left(services: dict[str, Service]) -> None:
    state = checklist_state(services["refugee_status"], ["application_form"])
    assert state.complete
    assert keys(state.missing_optional) == ["identity_document"]
