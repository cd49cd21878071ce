"""Whole-name search keys: each person is also found by surname and given names together.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BATCH = 5_000


def upgrade() -> None:
    # The keys come from the search's own code: a later change to how names are keyed brings
    # its own migration that rebuilds them again.
    from app.services.persons import KEY_NAME, name_keys

    connection = op.get_bind()
    persons = sa.table(
        "persons",
        sa.column("id", sa.Uuid()),
        sa.column("surname", sa.String()),
        sa.column("given_names", sa.String()),
        sa.column("birth_date", sa.Date()),
        sa.column("merged_into", sa.Uuid()),
    )
    keys = sa.table(
        "person_search_keys",
        sa.column("kind", sa.String()),
        sa.column("key", sa.String()),
        sa.column("person_id", sa.Uuid()),
        sa.column("birth_year", sa.Integer()),
    )
    # A registry of a million persons is read in batches, never held in memory at once.
    batches = connection.execute(
        sa.select(persons.c.id, persons.c.surname, persons.c.given_names, persons.c.birth_date)
        .where(persons.c.merged_into.is_(None))
        .order_by(persons.c.id)
        .execution_options(yield_per=BATCH)
    ).partitions()
    for batch in batches:
        new_keys = []
        for person_id, surname, given_names, birth_date in batch:
            field_keys = name_keys(surname, "", ()) | name_keys("", given_names, ())
            for key in name_keys(surname, given_names, ()) - field_keys:
                new_keys.append(
                    {
                        "kind": KEY_NAME,
                        "key": key,
                        "person_id": person_id,
                        "birth_year": birth_date.year if birth_date else None,
                    }
                )
        if new_keys:
            # Other spellings may already hold the same whole name: those keys stay as they are.
            existing = set(
                tuple(row)
                for row in connection.execute(
                    sa.select(keys.c.key, keys.c.person_id).where(
                        keys.c.kind == KEY_NAME,
                        keys.c.person_id.in_({row["person_id"] for row in new_keys}),
                    )
                )
            )
            fresh = [row for row in new_keys if (row["key"], row["person_id"]) not in existing]
            if fresh:
                connection.execute(sa.insert(keys), fresh)


def downgrade() -> None:
    # The extra keys only speed searches up; older code ranks and finds with them as well.
    pass
