"""The person registry: persons, their identity documents and the keys search finds them by.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "persons",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("surname", sa.String(length=200), nullable=False),
        sa.Column("given_names", sa.String(length=200), nullable=False),
        sa.Column("other_spellings", sa.JSON(), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("nationality", sa.String(length=3), nullable=False),
        sa.Column("fin", sa.String(length=7), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("merged_into", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_into"], ["persons.id"], name=op.f("fk_persons_merged_into_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persons")),
    )
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_persons_birth_date"), ["birth_date"], unique=False)

    op.create_table(
        "person_documents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("issuing_state", sa.String(length=3), nullable=False),
        sa.Column("expiry_date", sa.Date(), nullable=True),
        sa.Column("issued_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_person_documents_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_documents")),
    )
    with op.batch_alter_table("person_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_documents_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "person_search_keys",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_person_search_keys_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("kind", "key", "person_id", name=op.f("pk_person_search_keys")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("person_search_keys", schema=None) as batch_op:
        batch_op.create_index("ix_person_search_keys_person_id", ["person_id"], unique=False)
        batch_op.create_index(
            "ix_person_search_keys_kind_birth_year_key",
            ["kind", "birth_year", "key"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("person_search_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_person_search_keys_kind_birth_year_key")
        batch_op.drop_index("ix_person_search_keys_person_id")
    op.drop_table("person_search_keys")
    with op.batch_alter_table("person_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_documents_person_id"))
    op.drop_table("person_documents")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_persons_birth_date"))
    op.drop_table("persons")
