"""Ids are never reused: a deleted row's id never goes to a new row, on any backend.

Today's bug (issue 10, finding 2): delete the newest event, import or create one, and
the new one got the deleted id; undoing the delete then failed with a UNIQUE error and
saved story steps silently showed a different event. These tests run on the backend the
``project`` fixture gives (SQLite, or PostgreSQL with SIGHTLINE_TEST_DATABASE_URL).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from desktop_app.domain.dates import Precision
from desktop_app.ingest.pipeline import import_file
from desktop_app.store import editing
from desktop_app.store.batches import undo_batch
from desktop_app.store.editing import EventFields, LocationFields, SourceFields
from desktop_app.store.project import Project, schema_head
from desktop_app.store.views_repo import ViewsRepository

START = 1_684_108_800  # 2023-05-15


def _event(title: str) -> EventFields:
    return EventFields(title=title, start_s=START, precision=int(Precision.DAY))


def _ids(project: Project, table: str = "event") -> set[int]:
    with project.engine.connect() as conn:
        return set(conn.execute(text(f"SELECT id FROM {table}")).scalars())


def _newest(project: Project) -> int:
    return max(_ids(project))


@pytest.mark.parametrize("worker", [False, True], ids=["small-import", "bulk-writer"])
def test_import_after_deleting_the_newest_event_takes_new_ids_and_undo_works(
    project: Project, data_dir: Path, monkeypatch: pytest.MonkeyPatch, worker: bool
) -> None:
    if worker:  # on SQLite the ADBC worker path; PostgreSQL always uses COPY
        from desktop_app.store import bulk

        monkeypatch.setattr(bulk, "ARROW_WRITER_FROM_ROWS", 0)
    import_file(project, data_dir / "acled_sample.csv")
    newest = _newest(project)
    deleted = editing.delete_event(project, newest)
    second = import_file(project, data_dir / "gdelt_v1.tsv")
    assert second.imported > 0
    new_ids = _ids(project)
    assert newest not in new_ids
    assert min(i for i in new_ids if i > newest - 1) > newest  # everything new is above it
    editing.restore_rows(project, deleted)  # undo of the delete, after the import
    assert newest in _ids(project)
    assert editing.read_event(project, newest).title == deleted.rows["event"][0]["title"]


def test_created_event_never_gets_a_deleted_id(project: Project) -> None:
    first = editing.create_event(project, _event("First"))
    second = editing.create_event(project, _event("Second"))
    deleted = editing.delete_event(project, second)
    third = editing.create_event(project, _event("Third"))
    assert third not in (first, second) and third > second
    editing.restore_rows(project, deleted)
    assert editing.read_event(project, second).title == "Second"
    assert editing.read_event(project, third).title == "Third"


def test_undone_import_leaves_its_ids_unused(project: Project, data_dir: Path) -> None:
    batch = import_file(project, data_dir / "acled_sample.csv")
    gone = _ids(project)
    undo_batch(project, batch.batch)
    import_file(project, data_dir / "timemap.csv")
    assert not (_ids(project) & gone)
    new_event = editing.create_event(project, _event("Hand-made"))
    assert new_event > max(gone)


def test_places_and_sources_never_reuse_ids(project: Project) -> None:
    a = editing.create_location(
        project, LocationFields(name="Manila", latitude=14.6, longitude=121.0, country="PH")
    )
    removed = editing.delete_location(project, a)
    b = editing.create_location(project, LocationFields(name="Taipei"))
    assert b != a
    editing.restore_rows(project, removed)
    assert editing.read_location(project, a).name == "Manila"
    s = editing.create_source(project, SourceFields(title="RUSI"))
    gone = editing.delete_source(project, s)
    assert editing.create_source(project, SourceFields(title="Reuters")) != s
    editing.restore_rows(project, gone)
    assert editing.read_source(project, s).title == "RUSI"


def test_a_saved_story_step_never_points_at_another_event(project: Project, data_dir: Path) -> None:
    import_file(project, data_dir / "acled_sample.csv")
    newest = _newest(project)
    title = editing.read_event(project, newest).title
    repo = ViewsRepository(project)
    view = repo.save_view("The strike", "", {"selected": [newest], "active": newest})
    editing.delete_event(project, newest)
    import_file(project, data_dir / "gdelt_v1.tsv")
    created = editing.create_event(project, _event("Something else"))
    saved = repo.view(view)
    assert saved is not None and saved.state["active"] == newest
    assert newest not in _ids(project) and created != newest
    # the step's event is missing (and can be restored), never silently another one
    with pytest.raises(editing.EditError):
        editing.read_event(project, newest)
    assert title not in {editing.read_event(project, i).title for i in _ids(project) if i > newest}


@pytest.mark.sqlite_only("upgrades a SQLite file written by schema 0003")
def test_upgrade_to_autoincrement_keeps_every_row_and_link(tmp_path: Path, data_dir: Path) -> None:
    """Migration 0004 rebuilds the tables; no link row may be lost by a cascade."""
    from alembic import command

    from desktop_app.store.connecting import alembic_config

    path = tmp_path / "old.sightline"
    with Project.open(path) as project:
        import_file(project, data_dir / "acled_sample.csv")
        with project.engine.connect() as conn:
            counts = [
                conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                for t in ("event", "event_actor", "event_source", "location")
            ]
    engine = create_engine(f"sqlite:///{path}")
    with alembic_config() as config, engine.begin() as conn:  # back to schema 0003
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
    engine.dispose()
    old = sqlite3.connect(path)
    assert (
        "AUTOINCREMENT"
        not in old.execute("SELECT sql FROM sqlite_master WHERE name = 'event'").fetchone()[0]
    )
    newest = old.execute("SELECT max(id) FROM event").fetchone()[0]
    old.close()
    with Project.open(path) as project:
        assert project.schema_revision() == schema_head()
        assert project.backup_path is not None and project.backup_path.exists()
        with project.engine.connect() as conn:
            assert [
                conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                for t in ("event", "event_actor", "event_source", "location")
            ] == counts
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        editing.delete_event(project, newest)
        assert editing.create_event(project, _event("After the upgrade")) > newest
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    check.close()
