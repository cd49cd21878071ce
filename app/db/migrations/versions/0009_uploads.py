"""Resumable uploads of scans and the history's time index.

The attachment keeps the address of its upload at the centre, so that an upload cut by a lost
link resumes where it stopped, even after a restart. Reports count application history by
time: the index spares them a scan of the whole history.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("upload_url", sa.String(length=300), nullable=True))
    with op.batch_alter_table("application_history", schema=None) as batch_op:
        batch_op.create_index("ix_application_history_at", ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("application_history", schema=None) as batch_op:
        batch_op.drop_index("ix_application_history_at")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_column("upload_url")
