"""A new SQLite project gets in one step exactly the schema the migrations build."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from desktop_app.store import schema_sqlite
from desktop_app.store.connecting import schema_head
from desktop_app.store.errors import ProjectError
from desktop_app.store.project import Project
from desktop_app.store.schema_sqlite import HEAD


def _objects(path: Path) -> dict[str, Any]:
    """Everything the file's schema is: each object's SQL (SQLite's own indexes and a
    virtual table's shadow tables included), each table's columns, indexes, index
    columns, foreign keys and triggers, the AUTOINCREMENT marks and the revision."""
    con = sqlite3.connect(path)
    try:
        master = sorted(
            (
                (kind, name, table, _constraints_unordered(sql))
                for kind, name, table, sql in con.execute(
                    "SELECT type, name, tbl_name, sql FROM sqlite_master"
                )
            ),
            key=lambda r: (r[0], r[1]),
        )
        tables = [r[1] for r in master if r[0] == "table"]
        detail = {
            t: (
                con.execute(f"PRAGMA table_xinfo('{t}')").fetchall(),
                sorted(  # without the key's number: see _constraints_unordered
                    fk[1:] for fk in con.execute(f"PRAGMA foreign_key_list('{t}')").fetchall()
                ),
                sorted(  # by name: see _unordered
                    (ix[1:], con.execute(f"PRAGMA index_xinfo('{ix[1]}')").fetchall())
                    for ix in con.execute(f"PRAGMA index_list('{t}')").fetchall()
                ),
            )
            for t in tables
        }
        return {
            "master": master,
            "detail": detail,
            "sequence": con.execute("SELECT name, seq FROM sqlite_sequence").fetchall(),
            "revision": con.execute("SELECT version_num FROM alembic_version").fetchall(),
            "fts": con.execute("SELECT k, v FROM event_fts_config").fetchall(),
            "capture": _unordered(schema_sqlite.capture(con)),
        }
    finally:
        con.close()


def _constraints_unordered(sql: str | None) -> str | None:
    """A table's SQL with its named constraints sorted: a migration that rebuilds a
    table (``batch_alter_table``) writes its foreign keys in an order that changes from
    run to run (seen on ``story_step``), which changes nothing but the text."""
    if not sql or not sql.startswith("CREATE TABLE"):
        return sql
    head, _, rest = sql.partition("(")
    body, close, tail = rest.rpartition(")")
    end = body[len(body.rstrip()) :]  # the newline before the closing bracket
    parts = body.rstrip().split(", \n")
    columns = [p for p in parts if not p.lstrip().startswith("CONSTRAINT")]
    constraints = sorted(p for p in parts if p.lstrip().startswith("CONSTRAINT"))
    return head + "(" + ", \n".join(columns + constraints) + end + close + tail


def _unordered(captured: tuple[tuple[str, ...], tuple[str, ...], str | None]) -> Any:
    """The statements as a sorted list: the migrations themselves create a rebuilt
    table's indexes in an order that changes from run to run (SQLAlchemy keeps a table's
    indexes in a set), which changes nothing but the order SQLite lists them in."""
    statements, sequences, revision = captured
    return sorted(str(_constraints_unordered(s)) for s in statements), sequences, revision


def test_created_schema_is_the_migrated_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = tmp_path / "created.sightline"
    Project.open(created).close()
    with monkeypatch.context() as m:  # the way every file was made before
        m.setattr(Project, "_head_sqlite", lambda _self: False)
        migrated = tmp_path / "migrated.sightline"
        Project.open(migrated).close()
    new, old = _objects(created), _objects(migrated)
    assert new == old
    assert {r[0] for r in old["master"]} == {"table", "index"}  # no trigger or view yet
    # the capture in schema_sqlite.py is the head of the revision scripts
    assert old["capture"] == _unordered(
        (schema_sqlite.STATEMENTS, schema_sqlite.SEQUENCES, schema_head())
    )
    assert schema_head() == schema_sqlite.HEAD


def test_created_project_takes_an_import_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "p.sightline"
    project = Project.open(path)
    assert project.schema_revision() == schema_head()
    project.close()
    again = Project.open(path)  # at the head: nothing to do
    assert again.schema_revision() == schema_head()
    again.close()
    assert not list(tmp_path.glob("*.backup-*"))  # nothing was upgraded


def test_a_foreign_sqlite_file_gets_no_schema(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE mine (x)")
    con.commit()
    con.close()
    with pytest.raises(ProjectError, match="not a Sightline project"):
        Project.open(path)
    con = sqlite3.connect(path)
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_master")]
    con.close()
    assert names == ["mine"]


def test_a_failed_creation_leaves_the_file_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = (*schema_sqlite.STATEMENTS[:3], "CREATE TABLE oops (")
    monkeypatch.setattr(schema_sqlite, "STATEMENTS", broken)
    path = tmp_path / "p.sightline"
    with pytest.raises(sqlite3.OperationalError):
        Project.open(path)
    con = sqlite3.connect(path)
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_master")]
    con.close()
    assert names == []  # one transaction: nothing of it was kept


def test_new_and_head_files_open_without_alembic(tmp_path: Path) -> None:
    path = tmp_path / "p.sightline"
    script = (
        "import sys\n"
        "from desktop_app.store.project import Project\n"
        f"Project.open({str(path)!r}).close()\n"
        f"Project.open({str(path)!r}).close()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
    con.close()
