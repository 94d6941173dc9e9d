"""The tests' new project (helpers.new_project_file, which the ``project`` fixtures and
the import tests start from) is what ``Project.open`` makes of a new file: the same
tables, indexes, triggers, rows, schema version and file settings, and it opens without
a migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from helpers import new_project_file

from desktop_app.store.project import Project

SETTINGS = ("journal_mode", "user_version", "application_id", "page_size", "auto_vacuum")


def _everything(path: Path) -> dict[str, Any]:
    conn = sqlite3.connect(path)
    try:
        schema = sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
        tables = [name for kind, name, _, _ in schema if kind == "table"]
        rows = {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}
        settings = {s: conn.execute(f"PRAGMA {s}").fetchone() for s in SETTINGS}
    finally:
        conn.close()
    return {"schema": schema, "rows": rows, "settings": settings}


def test_the_copy_is_what_opening_a_new_file_makes(tmp_path: Path) -> None:
    Project.open(tmp_path / "new.sightline").close()
    copy = new_project_file(tmp_path / "copy.sightline")
    made = _everything(tmp_path / "new.sightline")
    assert made["schema"] and "alembic_version" in made["rows"]
    assert _everything(copy) == made
    opened = Project.open(copy)
    try:
        assert opened.backup_path is None  # at the head already: nothing was migrated
    finally:
        opened.close()
    assert _everything(copy)["rows"] == made["rows"]
