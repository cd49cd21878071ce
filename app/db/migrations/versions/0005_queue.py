"""The queue: tickets and their legs, counters' states, clerks' pauses, the change counter.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "queue_tickets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("number", sa.String(length=8), nullable=False),
        sa.Column("leg", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("service_code", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=True),
        sa.Column("appointment_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("booking_reference", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("people_ahead", sa.Integer(), nullable=False),
        sa.Column("estimated_wait_minutes", sa.Integer(), nullable=False),
        sa.Column("target_counter", sa.Integer(), nullable=True),
        sa.Column("counter_number", sa.Integer(), nullable=True),
        sa.Column("clerk_id", sa.Uuid(), nullable=True),
        sa.Column("clerk_name", sa.String(length=100), nullable=True),
        sa.Column("first_called_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("called_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recalls", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("issued_by", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_queue_tickets_office_id_offices")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["queue_tickets.id"],
            name=op.f("fk_queue_tickets_parent_id_queue_tickets"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_queue_tickets_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_tickets")),
        sa.UniqueConstraint("office_id", "day", "number", "leg", name="uq_queue_tickets_number"),
    )
    with op.batch_alter_table("queue_tickets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_queue_tickets_office_id_day_state_issued_at",
            ["office_id", "day", "state", "issued_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_queue_tickets_office_id_day_state_appointment_at",
            ["office_id", "day", "state", "appointment_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_queue_tickets_service_code_ended_at", ["service_code", "ended_at"], unique=False
        )
    op.create_table(
        "queue_counter_states",
        sa.Column("office_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("clerk_id", sa.Uuid(), nullable=True),
        sa.Column("clerk_name", sa.String(length=100), nullable=True),
        sa.Column("pause_reason", sa.String(length=16), nullable=True),
        sa.Column("pause_note", sa.String(length=200), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ratio_step", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_queue_counter_states_office_id_offices")
        ),
        sa.PrimaryKeyConstraint("office_id", "number", name=op.f("pk_queue_counter_states")),
    )
    op.create_table(
        "queue_pauses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("counter_number", sa.Integer(), nullable=False),
        sa.Column("clerk_id", sa.Uuid(), nullable=True),
        sa.Column("clerk_name", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_queue_pauses_office_id_offices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_pauses")),
    )
    with op.batch_alter_table("queue_pauses", schema=None) as batch_op:
        batch_op.create_index("ix_queue_pauses_office_id_day", ["office_id", "day"], unique=False)
    op.create_table(
        "queue_versions",
        sa.Column("office_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_queue_versions_office_id_offices")
        ),
        sa.PrimaryKeyConstraint("office_id", name=op.f("pk_queue_versions")),
    )


def downgrade() -> None:
    op.drop_table("queue_versions")
    with op.batch_alter_table("queue_pauses", schema=None) as batch_op:
        batch_op.drop_index("ix_queue_pauses_office_id_day")
    op.drop_table("queue_pauses")
    op.drop_table("queue_counter_states")
    with op.batch_alter_table("queue_tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_queue_tickets_service_code_ended_at")
        batch_op.drop_index("ix_queue_tickets_office_id_day_state_appointment_at")
        batch_op.drop_index("ix_queue_tickets_office_id_day_state_issued_at")
    op.drop_table("queue_tickets")
