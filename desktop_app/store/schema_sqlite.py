"""A new SQLite project's schema, created in one step instead of by every migration.

Replaying the Alembic migrations on an empty file rebuilds tables one after the other
(``batch_alter_table`` copies them) and loads every migration script: about half a
second of each first import. A new file gets instead the very statements the
migrations leave in ``sqlite_master`` (``STATEMENTS``, in their order), the AUTOINCREMENT
marks they leave in ``sqlite_sequence`` and the head revision in ``alembic_version``.
``tests/test_schema_sqlite.py`` migrates an empty file and checks that it holds exactly
this (every table, index, trigger and virtual table, with its SQL text, and every
revision script's head), so a new migration without a new capture here fails there;
``python -m desktop_app.store.schema_sqlite FILE`` prints the capture of a migrated
file. Older files, and servers, still go through the migrations.
"""

# ruff: noqa: E501  (the captured SQL is kept byte for byte, one statement a line)
from __future__ import annotations

import sqlite3
import sys
from typing import Any

HEAD = "0007_annotations"

STATEMENTS: tuple[str, ...] = (
    "CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)",
    "CREATE TABLE event_actor (\n\tevent_id INTEGER NOT NULL, \n\tactor_id INTEGER NOT NULL, \n\trole SMALLINT NOT NULL, \n\tCONSTRAINT pk_event_actor PRIMARY KEY (event_id, actor_id, role), \n\tCONSTRAINT fk_event_actor_event_id_event FOREIGN KEY(event_id) REFERENCES event (id) ON DELETE CASCADE\n)\n WITHOUT ROWID\n\n",
    "CREATE TABLE event_source (\n\tevent_id INTEGER NOT NULL, \n\tsource_id INTEGER NOT NULL, \n\tCONSTRAINT pk_event_source PRIMARY KEY (event_id, source_id), \n\tCONSTRAINT fk_event_source_event_id_event FOREIGN KEY(event_id) REFERENCES event (id) ON DELETE CASCADE\n)\n WITHOUT ROWID\n\n",
    'CREATE TABLE setting (\n\t"key" VARCHAR(64) NOT NULL, \n\tvalue TEXT NOT NULL, \n\tCONSTRAINT pk_setting PRIMARY KEY ("key")\n)',
    "CREATE VIRTUAL TABLE event_fts USING fts5(title, description, content='event', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    'CREATE TABLE "import_batch" (\n\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n\tfile_name TEXT NOT NULL, \n\tsha256 VARCHAR(64) NOT NULL, \n\timported_at DATETIME NOT NULL, \n\tpreset VARCHAR(32) NOT NULL, \n\tmapping JSON NOT NULL, \n\toptions JSON NOT NULL, \n\trows_read INTEGER NOT NULL, \n\timported INTEGER NOT NULL, \n\tduplicates INTEGER NOT NULL, \n\trejected INTEGER NOT NULL, \n\tunlocated INTEGER NOT NULL, \n\tundone_at DATETIME\n)',
    "CREATE INDEX ix_import_batch_sha256 ON import_batch (sha256)",
    'CREATE TABLE "location" (\n\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n\tname TEXT NOT NULL, \n\tcountry VARCHAR(2), \n\tlatitude FLOAT, \n\tlongitude FLOAT, \n\tgeo_precision VARCHAR(16) NOT NULL, \n\talt_names JSON NOT NULL, \n\tgazetteer_id INTEGER, \n\tattributes JSON, \n\tbatch_id INTEGER, \n\tCONSTRAINT fk_location_batch_id_import_batch FOREIGN KEY(batch_id) REFERENCES import_batch (id) ON DELETE SET NULL\n)',
    "CREATE INDEX ix_location_name ON location (name)",
    'CREATE TABLE "source" (\n\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n\ttitle TEXT NOT NULL, \n\tpublisher TEXT, \n\turl TEXT, \n\tdate TEXT, \n\tnotes TEXT, \n\tbatch_id INTEGER, \n\tCONSTRAINT fk_source_batch_id_import_batch FOREIGN KEY(batch_id) REFERENCES import_batch (id) ON DELETE SET NULL\n)',
    "CREATE INDEX ix_source_title ON source (title)",
    'CREATE TABLE "actor" (\n\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n\tname TEXT NOT NULL, \n\tbatch_id INTEGER, \n\tCONSTRAINT fk_actor_batch_id_import_batch FOREIGN KEY(batch_id) REFERENCES import_batch (id) ON DELETE SET NULL\n)',
    "CREATE UNIQUE INDEX ix_actor_name ON actor (name)",
    'CREATE TABLE "event" (\n\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n\tbatch_id INTEGER, \n\texternal_id TEXT, \n\tfingerprint BIGINT NOT NULL, \n\ttitle TEXT NOT NULL, \n\tdescription TEXT, \n\tstart_s BIGINT NOT NULL, \n\tend_s BIGINT, \n\tprecision SMALLINT NOT NULL, \n\tcategory TEXT, \n\tlocation_id INTEGER, \n\ttags JSON, \n\treliability VARCHAR(1), \n\tcredibility SMALLINT, \n\tattributes JSON, \n\tCONSTRAINT fk_event_batch_id_import_batch FOREIGN KEY(batch_id) REFERENCES import_batch (id) ON DELETE CASCADE\n)',
    "CREATE INDEX ix_event_start_s ON event (start_s)",
    "CREATE UNIQUE INDEX ix_event_fingerprint ON event (fingerprint)",
    'CREATE TABLE "saved_view" (\n\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n\ttitle TEXT NOT NULL, \n\tnote TEXT NOT NULL, \n\tstate JSON NOT NULL, \n\tcreated_at DATETIME NOT NULL, \n\tupdated_at DATETIME NOT NULL\n)',
    'CREATE TABLE "story" (\n\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n\ttitle TEXT NOT NULL, \n\tposition INTEGER NOT NULL, \n\tcreated_at DATETIME NOT NULL\n)',
    'CREATE TABLE "story_step" (\n\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n\tstory_id INTEGER NOT NULL, \n\tview_id INTEGER NOT NULL, \n\tposition INTEGER NOT NULL, \n\tCONSTRAINT fk_story_step_story_id_story FOREIGN KEY(story_id) REFERENCES story (id) ON DELETE CASCADE, \n\tCONSTRAINT fk_story_step_view_id_saved_view FOREIGN KEY(view_id) REFERENCES saved_view (id) ON DELETE CASCADE\n)',
    "CREATE INDEX ix_story_step_view_id ON story_step (view_id)",
    "CREATE INDEX ix_story_step_story_id ON story_step (story_id)",
    "CREATE TABLE annotation (\n\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n\tkind VARCHAR(16) NOT NULL, \n\tlabel TEXT NOT NULL, \n\tgeometry JSON NOT NULL, \n\tstyle JSON NOT NULL, \n\tcreated_at DATETIME NOT NULL, \n\tupdated_at DATETIME NOT NULL\n)",
)

SEQUENCES: tuple[str, ...] = (
    "import_batch",
    "location",
    "source",
    "actor",
    "event",
    "saved_view",
    "story",
    "story_step",
)


def capture(conn: Any) -> tuple[tuple[str, ...], tuple[str, ...], str | None]:
    """What a file's schema is made of: the SQL of each object SQLite did not make
    itself (in creation order), the tables with an AUTOINCREMENT mark (all at 0 in a
    new file), and the schema revision. ``conn`` is a sqlite3 connection."""
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
    ).fetchall()
    virtual = [name for kind, name, sql in rows if sql.upper().startswith("CREATE VIRTUAL")]
    statements = tuple(
        sql
        for kind, name, sql in rows
        if name != "sqlite_sequence" and not any(name.startswith(v + "_") for v in virtual)
    )
    has_sequence = any(name == "sqlite_sequence" for _, name, _ in rows)
    sequences = (
        tuple(r[0] for r in conn.execute("SELECT name FROM sqlite_sequence ORDER BY rowid"))
        if has_sequence
        else ()
    )
    revision = None
    if any(name == "alembic_version" for _, name, _ in rows):
        found = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = found[0] if found else None
    return statements, sequences, revision


def recorded_revision(conn: Any) -> str | None:
    """The schema revision a SQLite file records (None: none), read without Alembic
    (``conn``: a SQLAlchemy connection)."""
    found = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).first()
    if found is None:
        return None
    revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return None if revision is None else str(revision)


def create(conn: Any) -> None:
    """Create the head schema in an empty file, inside the caller's transaction
    (``conn``: a sqlite3 connection or a DB-API one that speaks SQLite)."""
    for statement in STATEMENTS:
        conn.execute(statement)
    for name in SEQUENCES:
        conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, 0)", (name,))
    conn.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (HEAD,))


def _print_capture(path: str) -> None:  # pragma: no cover - a developer's tool
    conn = sqlite3.connect(path)
    statements, sequences, revision = capture(conn)
    conn.close()
    print(f"HEAD = {revision!r}\n")
    print("STATEMENTS: tuple[str, ...] = (")
    for s in statements:
        print(f"    {s!r},")
    print(")\n")
    print(f"SEQUENCES: tuple[str, ...] = {sequences!r}")


if __name__ == "__main__":  # pragma: no cover
    _print_capture(sys.argv[1])
