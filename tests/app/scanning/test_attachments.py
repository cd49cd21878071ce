"""Documents stored by their SHA-256 with their row, opened only when the hash still holds,
and attached to an application's checklist item, which then shows as received."""

from __future__ import annotations

import io
import stat
import sys
import uuid
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from sqlalchemy import select

from app.bootstrap import Started
from app.config import Config
from app.db.models import AttachmentRow, AuditRow, OutboxRow
from app.domain.applications import ApplicationForm
from app.domain.changes import Topic
from app.domain.users import Actor
from app.errors import ConflictError, NotFoundError, StorageError, ValidationError
from app.filestore import FileStore, TamperedFileError, sha256_of
from app.intake.lifecycle import ApplicationState
from app.scanning.backends import scan_pages
from app.scanning.cleanup import clean_page
from app.scanning.model import MAX_FILE_BYTES, ScanDevice, ScanOptions, ScanSource
from app.scanning.pdf import pages_to_pdf
from app.scanning.sane import SaneBackend
from app.services import applications, attachments, audit
from app.services.setup import DemoSetup
from app.tasks import TaskState
from tests.support.actors import demo_actor
from tests.support.pages import a4_page

SERVICE = "registration_stay"  # its checklist: application_form, passport_copy, housing_document
PDF = "application/pdf"


@pytest.fixture
def clerk(started: Started, demo: DemoSetup) -> Actor:
    return demo_actor(started.core, "clerk")


@pytest.fixture
def files(config: Config) -> FileStore:
    return FileStore.of(config)


@pytest.fixture(scope="module")
def document() -> bytes:
    from app.scanning.model import ScannedPage

    return pages_to_pdf([ScannedPage(a4_page(100), 100, "test")]).data


def _draft(started: Started, clerk: Actor) -> uuid.UUID:
    form = ApplicationForm(service_code=SERVICE, received=("application_form",))
    return applications.save_draft(started.core, clerk, form).value.id


def test_a_document_is_stored_under_its_hash_for_this_user_only(
    started: Started, clerk: Actor, files: FileStore, document: bytes
) -> None:
    outcome = attachments.store(started.core, clerk, files, document, media_type=PDF, pages=1)
    stored = outcome.value
    assert stored.sha256 == sha256_of(document)
    assert stored.size == len(document) and stored.pages == 1
    assert stored.created_by == "clerk" and stored.application_id is None
    path = files.path_of(stored.sha256)
    assert path.parent.name == stored.sha256[:2] and path.read_bytes() == document
    if sys.platform != "win32":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert outcome.changes.touches(Topic.ATTACHMENTS)
    with started.core.reading() as session:
        entry = session.execute(
            select(AuditRow).where(AuditRow.entity_id == str(stored.id))
        ).scalar_one()
        assert entry.action == "attachment.store" and entry.after is not None
        assert entry.after["sha256"] == stored.sha256
        assert session.execute(
            select(OutboxRow).where(OutboxRow.entity == "attachment")
        ).scalar_one().payload["size"] == len(document)
        assert audit.verify_chain(session).intact


def test_the_same_bytes_twice_take_the_room_once(
    started: Started, clerk: Actor, files: FileStore, document: bytes
) -> None:
    first = attachments.store(started.core, clerk, files, document, media_type=PDF, pages=1)
    second = attachments.store(started.core, clerk, files, document, media_type=PDF, pages=1)
    assert first.value.id != second.value.id
    assert first.value.sha256 == second.value.sha256
    assert len(list(files.root.rglob("*"))) == 2  # one folder, one file


def test_opening_checks_the_hash(
    started: Started, clerk: Actor, files: FileStore, document: bytes
) -> None:
    stored = attachments.store(started.core, clerk, files, document, media_type=PDF, pages=1)
    opened = attachments.open_attachment(started.core, clerk, files, stored.value.id)
    assert opened.data == document and opened.attachment == stored.value


def test_a_tampered_file_is_refused(
    started: Started, clerk: Actor, files: FileStore, document: bytes
) -> None:
    stored = attachments.store(started.core, clerk, files, document, media_type=PDF, pages=1)
    path = files.path_of(stored.value.sha256)
    path.write_bytes(document.replace(b"/Type", b"/Tipe", 1))  # one letter changed on disk
    with pytest.raises(TamperedFileError) as refused:
        attachments.open_attachment(started.core, clerk, files, stored.value.id)
    assert str(refused.value) == (
        "The stored file of this document was changed or damaged after it was saved (its "
        "SHA-256 fingerprint no longer matches), so it is not opened. Ask the administrator "
        "to restore it from a backup."
    )
    # Storing the true bytes again repairs the file.
    attachments.store(started.core, clerk, files, document, media_type=PDF, pages=1)
    assert attachments.open_attachment(started.core, clerk, files, stored.value.id).data == document


def test_a_missing_file_is_named(
    started: Started, clerk: Actor, files: FileStore, document: bytes
) -> None:
    stored = attachments.store(started.core, clerk, files, document, media_type=PDF, pages=1)
    files.path_of(stored.value.sha256).unlink()
    with pytest.raises(StorageError, match="The stored file of this document is missing from"):
        attachments.open_attachment(started.core, clerk, files, stored.value.id)


def test_attaching_marks_the_checklist_item_received(
    started: Started, clerk: Actor, files: FileStore, document: bytes
) -> None:
    application_id = _draft(started, clerk)
    stored = attachments.store(started.core, clerk, files, document, media_type=PDF, pages=1)
    outcome = attachments.attach_to_application(
        started.core, clerk, stored.value.id, application_id, "passport_copy"
    )
    assert outcome.value.application_id == application_id
    assert outcome.value.checklist_key == "passport_copy"
    assert outcome.changes.touches(Topic.APPLICATIONS) and outcome.changes.touches(
        Topic.ATTACHMENTS
    )
    application = applications.get_application(started.core, clerk, application_id)
    assert application.received == ("application_form", "passport_copy")
    assert attachments.attachments_of(started.core, clerk, application_id) == [outcome.value]
    with started.core.reading() as session:
        actions = list(
            session.execute(
                select(AuditRow.action).where(AuditRow.entity_id == str(application_id))
            ).scalars()
        )
        assert actions[-1] == "application.document_received"
        assert audit.verify_chain(session).intact


def test_storing_straight_into_an_application(
    started: Started, clerk: Actor, files: FileStore, document: bytes
) -> None:
    application_id = _draft(started, clerk)
    stored = attachments.store(
        started.core,
        clerk,
        files,
        document,
        media_type=PDF,
        pages=1,
        application_id=application_id,
        checklist_key="housing_document",
    )
    assert stored.value.application_id == application_id
    received = applications.get_application(started.core, clerk, application_id).received
    assert "housing_document" in received


def test_an_item_received_already_changes_only_the_attachment(
    started: Started, clerk: Actor, files: FileStore, document: bytes
) -> None:
    application_id = _draft(started, clerk)
    before = applications.get_application(started.core, clerk, application_id)
    stored = attachments.store(started.core, clerk, files, document, media_type=PDF, pages=1)
    outcome = attachments.attach_to_application(
        started.core, clerk, stored.value.id, application_id, "application_form"
    )
    assert not outcome.changes.touches(Topic.APPLICATIONS)
    after = applications.get_application(started.core, clerk, application_id)
    assert after.received == before.received and after.updated_at == before.updated_at


def test_wrong_attachments_are_refused(
    started: Started, clerk: Actor, files: FileStore, document: bytes
) -> None:
    application_id = _draft(started, clerk)
    stored = attachments.store(started.core, clerk, files, document, media_type=PDF, pages=1)
    with pytest.raises(ValidationError, match="“diploma” is not a document on this service"):
        attachments.attach_to_application(
            started.core, clerk, stored.value.id, application_id, "diploma"
        )
    with pytest.raises(NotFoundError, match="no such application"):
        attachments.attach_to_application(
            started.core, clerk, stored.value.id, uuid.uuid4(), "passport_copy"
        )
    attachments.attach_to_application(
        started.core, clerk, stored.value.id, application_id, "passport_copy"
    )
    other = _draft(started, clerk)
    with pytest.raises(ConflictError, match="attached to another application"):
        attachments.attach_to_application(
            started.core, clerk, stored.value.id, other, "passport_copy"
        )


def test_a_closed_application_takes_no_documents(
    started: Started, clerk: Actor, files: FileStore, document: bytes
) -> None:
    application_id = _draft(started, clerk)
    applications.change_state(
        started.core, clerk, application_id, ApplicationState.WITHDRAWN, note="visitor's request"
    )
    stored = attachments.store(started.core, clerk, files, document, media_type=PDF, pages=1)
    with pytest.raises(ConflictError, match="“withdrawn”: documents can no longer be added"):
        attachments.attach_to_application(
            started.core, clerk, stored.value.id, application_id, "passport_copy"
        )


def test_bad_files_are_refused_before_anything_is_written(
    started: Started, clerk: Actor, files: FileStore
) -> None:
    with pytest.raises(ValidationError, match=r"at most 50 MB is kept"):
        attachments.store(
            started.core, clerk, files, b"\0" * (MAX_FILE_BYTES + 1), media_type=PDF, pages=1
        )
    with pytest.raises(ValidationError, match="not as “text/html”"):
        attachments.store(started.core, clerk, files, b"<html>", media_type="text/html", pages=1)
    with pytest.raises(ValidationError, match="document is empty"):
        attachments.store(started.core, clerk, files, b"", media_type=PDF, pages=1)
    assert not any(files.root.rglob("*"))
    with started.core.reading() as session:
        assert session.execute(select(AttachmentRow)).first() is None


def test_from_the_scanner_to_the_application(
    started: Started,
    clerk: Actor,
    files: FileStore,
    sane_env: dict[str, str],
    test_device: ScanDevice,
) -> None:
    """The whole way: the feeder scans, the pages are cleaned and compressed, the PDF is
    stored and attached, and it opens again with its pages."""
    scanner = SaneBackend(env=sane_env)
    options = ScanOptions(source=ScanSource.FEEDER, resolution=150, max_pages=3)
    result = scan_pages(scanner, test_device, options, TaskState())
    assert len(result.pages) == 3
    cleaned = [clean_page(page) for page in result.pages]
    pdf = pages_to_pdf([page.page for page in cleaned])
    application_id = _draft(started, clerk)
    stored = attachments.store(
        started.core,
        clerk,
        files,
        pdf.data,
        media_type=PDF,
        pages=pdf.page_count,
        application_id=application_id,
        checklist_key="passport_copy",
    )
    opened = attachments.open_attachment(started.core, clerk, files, stored.value.id)
    document = pdfium.PdfDocument(io.BytesIO(opened.data))
    try:
        assert len(document) == 3
    finally:
        document.close()
    assert (
        "passport_copy"
        in applications.get_application(started.core, clerk, application_id).received
    )


def test_files_live_in_the_data_folder(config: Config) -> None:
    assert FileStore.of(config).root == config.data_dir / "scans"
    assert Path(config.scans_dir).is_dir()
