"""Applications with their history, daily counters for numbers, the intake form scratchpad.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daily_counters",
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "day", name=op.f("pk_daily_counters")),
    )
    op.create_table(
        "applications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=True),
        sa.Column("office_id", sa.Uuid(), nullable=True),
        sa.Column("service_code", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("received", sa.JSON(), nullable=False),
        sa.Column("full_time_student", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=True),
        sa.Column("fee_amount", sa.String(length=16), nullable=True),
        sa.Column("working_days", sa.Integer(), nullable=True),
        sa.Column("duration_months", sa.Integer(), nullable=True),
        sa.Column("payment_method", sa.String(length=16), nullable=True),
        sa.Column("payment_reference", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_due", sa.Date(), nullable=True),
        sa.Column("external_ref", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_applications_office_id_offices")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_applications_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint("number", name=op.f("uq_applications_number")),
        sa.UniqueConstraint("external_ref", name=op.f("uq_applications_external_ref")),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index("ix_applications_person_id", ["person_id"], unique=False)
        batch_op.create_index(
            "ix_applications_state_updated_at", ["state", "updated_at"], unique=False
        )
    op.create_table(
        "application_history",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_name", sa.String(length=100), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_history_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_history")),
    )
    with op.batch_alter_table("application_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_history_application_id"), ["application_id"], unique=False
        )
    op.create_table(
        "form_drafts",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_form_drafts_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_form_drafts")),
    )


def downgrade() -> None:
    op.drop_table("form_drafts")
    with op.batch_alter_table("application_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_history_application_id"))
    op.drop_table("application_history")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_state_updated_at")
        batch_op.drop_index("ix_applications_person_id")
    op.drop_table("applications")
    op.drop_table("daily_counters")
