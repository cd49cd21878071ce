"""Day close and voids: the office days a supervisor approved, and receipts or cards voided.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "day_closes",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("office_id", sa.Uuid(), nullable=True),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(length=100), nullable=False),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened_by", sa.String(length=100), nullable=True),
        sa.Column("reopen_reason", sa.Text(), nullable=True),
        sa.Column("totals", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_day_closes")),
    )
    op.create_table(
        "voids",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=True),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("voided_by", sa.String(length=100), nullable=False),
        sa.Column("desk_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voids")),
        sa.UniqueConstraint("kind", "number", name="uq_voids_kind_number"),
    )
    with op.batch_alter_table("voids", schema=None) as batch_op:
        batch_op.create_index("ix_voids_record_id", ["record_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("voids", schema=None) as batch_op:
        batch_op.drop_index("ix_voids_record_id")
    op.drop_table("voids")
    op.drop_table("day_closes")
