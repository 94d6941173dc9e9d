"""PostgreSQL: the link tables' cascade from events by one statement-level trigger.

A foreign key checks every inserted row with a query that also locks the event row it
points at (``FOR KEY SHARE``), which rewrites each just-inserted event once more: COPYing
the ~3 links per event of a big import took three times as long as the links themselves.
The bulk writer makes every link point at an event of the same transaction (the
``event_id`` comes from the ids it gave the events), so on PostgreSQL the links carry no
foreign key, like ``actor_id``/``source_id`` already do on both backends, and deleting
events deletes their links through an ``AFTER DELETE ... FOR EACH STATEMENT`` trigger
(one set-based delete per statement, using the transition table of deleted rows).
SQLite keeps its foreign keys (its checks cost nothing comparable).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

LINKS = {
    "event_actor": "fk_event_actor_event_id_event",
    "event_source": "fk_event_source_event_id_event",
}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table, constraint in LINKS.items():
        bind.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}")
    bind.exec_driver_sql("""
CREATE FUNCTION sightline_delete_event_links() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    DELETE FROM event_actor WHERE event_id IN (SELECT id FROM deleted_events);
    DELETE FROM event_source WHERE event_id IN (SELECT id FROM deleted_events);
    RETURN NULL;
END
$body$""")
    bind.exec_driver_sql(
        "CREATE TRIGGER event_links_cascade AFTER DELETE ON event "
        "REFERENCING OLD TABLE AS deleted_events FOR EACH STATEMENT "
        "EXECUTE FUNCTION sightline_delete_event_links()"
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    bind.exec_driver_sql("DROP TRIGGER event_links_cascade ON event")
    bind.exec_driver_sql("DROP FUNCTION sightline_delete_event_links()")
    for table, constraint in LINKS.items():
        bind.exec_driver_sql(
            f"ALTER TABLE {table} ADD CONSTRAINT {constraint} FOREIGN KEY (event_id) "
            "REFERENCES event (id) ON DELETE CASCADE"
        )
