"""Project settings and the full-text search index.

The FTS5 index (SQLite only) is an external-content index over event title and
description. It is filled incrementally: ``setting['fts_indexed_upto']`` holds the
highest event id already indexed, so a big import does not wait for it (see
``store/search.py``). Other databases get no FTS table and search with LIKE.

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
        "setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_setting"),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE event_fts USING fts5("
            "title, description, content='event', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE event_fts")
    op.drop_table("setting")
