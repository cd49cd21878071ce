"""Which of a service's documents the visitor has brought, and which are still missing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.masterdata import ChecklistItem, Service


@dataclass(frozen=True, slots=True)
class ChecklistState:
    """The service's checklist split by what was received, in the checklist's own order."""

    received: tuple[ChecklistItem, ...]
    missing_required: tuple[ChecklistItem, ...]
    missing_optional: tuple[ChecklistItem, ...]
    # Keys received that the checklist does not know (a checklist changed by newer master
    # data while a draft waited): kept so that nothing the clerk ticked vanishes unseen.
    unknown_keys: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """Every required document is there; optional ones may still be missing."""
        return not self.missing_required


def checklist_state(service: Service, received_keys: Iterable[str]) -> ChecklistState:
    received_set = frozenset(received_keys)
    known = {item.key for item in service.checklist}
    return ChecklistState(
        received=tuple(item for item in service.checklist if item.key in received_set),
        missing_required=tuple(
            item for item in service.checklist if item.required and item.key not in received_set
        ),
        missing_optional=tuple(
            item for item in service.checklist if not item.required and item.key not in received_set
        ),
        unknown_keys=tuple(sorted(received_set - known)),
    )
