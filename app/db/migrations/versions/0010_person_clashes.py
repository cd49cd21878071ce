"""Clashes: a field of a person that two offices changed differently, for a supervisor.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_clashes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("centre_value", sa.JSON(), nullable=True),
        sa.Column("desk_value", sa.JSON(), nullable=True),
        sa.Column("desk_office", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settled_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_clashes")),
    )
    with op.batch_alter_table("person_clashes", schema=None) as batch_op:
        batch_op.create_index("ix_person_clashes_person_id", ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("person_clashes", schema=None) as batch_op:
        batch_op.drop_index("ix_person_clashes_person_id")
    op.drop_table("person_clashes")
