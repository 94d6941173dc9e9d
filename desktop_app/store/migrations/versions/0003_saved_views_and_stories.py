"""Saved views and stories (ordered lists of saved views) for briefings.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
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
        "saved_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_saved_view"),
    )
    op.create_table(
        "story",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_story"),
    )
    op.create_table(
        "story_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("view_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["story_id"], ["story.id"], name="fk_story_step_story_id_story", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["view_id"],
            ["saved_view.id"],
            name="fk_story_step_view_id_saved_view",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_story_step"),
    )
    op.create_index("ix_story_step_story_id", "story_step", ["story_id"])
    op.create_index("ix_story_step_view_id", "story_step", ["view_id"])


def downgrade() -> None:
    op.drop_index("ix_story_step_view_id", table_name="story_step")
    op.drop_index("ix_story_step_story_id", table_name="story_step")
    op.drop_table("story_step")
    op.drop_table("story")
    op.drop_table("saved_view")
