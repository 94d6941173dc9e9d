"""Ids are never reused: a deleted row's id is never given to a new row.

SQLite hands out max(rowid) + 1 for a table without AUTOINCREMENT, so deleting the
newest event and then creating or importing one gave the new row the old id (undo of
the delete then failed, and saved story steps pointed at a different event). The
tables whose rows are referenced by id are rebuilt with ``AUTOINCREMENT``, whose
high-water mark (``sqlite_sequence``) also counts ids written explicitly by the bulk
writer. PostgreSQL tables already take ids from sequences, but imports used to write
max(id) + 1 without advancing them: each sequence is moved past every id in its table.

The rebuild needs foreign keys off (dropping the old table would otherwise cascade to
the link tables); ``Project`` runs the upgrade that way and checks every foreign key
before committing.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# parents first; every table whose ids something else refers to (undo, stories, the CLI)
TABLES = (
    "import_batch",
    "location",
    "source",
    "actor",
    "event",
    "saved_view",
    "story",
    "story_step",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for table in TABLES:
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
            ):
                pass
    elif bind.dialect.name == "postgresql":
        for table in TABLES:
            # is_called=false when empty: the next id is 1
            op.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce(max(id), 0) + 1, false) FROM {table}"
            )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for table in reversed(TABLES):
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_autoincrement": False}
            ):
                pass
