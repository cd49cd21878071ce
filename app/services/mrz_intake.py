"""The person a passport's MRZ names: the one who holds that document, or a new record.

A reader's MRZ is what the intake starts from. If the registry knows the document, its holder
is the applicant. Otherwise the person is registered from the zone itself (names as printed,
the date of birth, sex, nationality, the document), unless someone similar is known already:
then the candidates come back for the clerk to choose (`DuplicateCandidatesError`).
"""

from __future__ import annotations

from sqlalchemy import select

from app.db.models import PersonDocumentRow, PersonRow
from app.domain.changes import NO_CHANGES, Outcome
from app.domain.persons import DocumentKind, NewDocument, Person, PersonData, Sex
from app.domain.users import Actor, Permission
from app.errors import ValidationError
from app.i18n import _
from app.mrz import MrzResult, check_label
from app.mrz.model import structural_error_label
from app.services import persons
from app.services.core import Core


def document_kind(mrz: MrzResult) -> DocumentKind:
    if mrz.document_type.startswith("P"):
        return DocumentKind.PASSPORT
    if mrz.document_type.startswith("I"):
        return DocumentKind.ID_CARD
    return DocumentKind.OTHER


def person_data(mrz: MrzResult) -> tuple[PersonData, NewDocument]:
    sex = Sex(mrz.sex) if mrz.sex in {s.value for s in Sex} else Sex.UNSPECIFIED
    data = PersonData(
        surname=mrz.surname,
        given_names=mrz.given_names,
        birth_date=mrz.birth_date,
        sex=sex,
        nationality=mrz.nationality,
    )
    document = NewDocument(
        document_kind(mrz), mrz.document_number, mrz.issuing_state, expiry_date=mrz.expiry_date
    )
    return data, document


def _holder(core: Core, actor: Actor, mrz: MrzResult) -> Person | None:
    number = persons.normalize_code(mrz.document_number)
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        holder = session.execute(
            select(PersonDocumentRow.person_id)
            .where(
                PersonDocumentRow.number == number,
                PersonDocumentRow.issuing_state == mrz.issuing_state,
            )
            .limit(1)
        ).scalar_one_or_none()
        if holder is None:
            return None
        row = session.get(PersonRow, holder)
    if row is None:
        return None
    return persons.get_person(core, actor, row.id)  # follows a merge to the person kept


def applicant_from_mrz(
    core: Core, actor: Actor, mrz: MrzResult, *, force: bool = False
) -> Outcome[Person]:
    """The document's holder, or the person registered from the zone.

    A zone whose check digits fail is refused: a misread must not become a record.
    """
    if mrz.failed_checks or mrz.structural_errors:
        failing = ", ".join(
            [check_label(name) for name in mrz.failed_checks]
            + [structural_error_label(name) for name in mrz.structural_errors]
        )
        raise ValidationError(
            _(
                "The MRZ was read, but these checks fail: {checks}. Read the document again, "
                "or type the person's data by hand."
            ).format(checks=failing),
            field="mrz",
        )
    holder = _holder(core, actor, mrz)
    if holder is not None:
        return Outcome(holder, NO_CHANGES)
    data, document = person_data(mrz)
    return persons.create_person(core, actor, data, documents=[document], force=force)
