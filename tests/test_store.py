"""The project store: schema, migrations, backups, settings, integrity."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, select, text

from desktop_app.ingest.pipeline import import_file
from desktop_app.store.project import Project, ProjectError, SchemaTooNew, schema_head
from desktop_app.store.schema import Base, Event, ImportBatch


def test_new_project_is_at_head_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    with Project.open(tmp_path / "p.sightline") as project:
        assert project.schema_revision() == schema_head()
        with project.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_models_match_migrations(tmp_path: Path) -> None:
    """The ORM models and the Alembic migrations describe the same schema."""
    with Project.open(tmp_path / "p.sightline") as project, project.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # the FTS5 table is created by migration 0002 only (it is not an ORM model)
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("event_fts"))]
    assert diff == []


def _make_old_project(path: Path) -> None:
    """A project as Sightline's first schema (revision 0001) wrote it, with one event."""
    from alembic import command

    from desktop_app.store.connecting import alembic_config

    engine = create_engine(f"sqlite:///{path}")
    with alembic_config() as config, engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(
            text(
                "INSERT INTO import_batch (id, file_name, sha256, imported_at, preset, mapping, "
                "options, rows_read, imported, duplicates, rejected, unlocated) VALUES "
                "(1, 'old.csv', 'x', '2024-01-01 00:00:00', 'generic', '{}', '{}', 1, 1, 0, 0, 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO event (id, batch_id, fingerprint, title, start_s, precision) "
                "VALUES (1, 1, 42, 'Old event', 1672531200, 1)"
            )
        )
    engine.dispose()


def test_old_schema_is_backed_up_then_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sightline"
    _make_old_project(path)
    with Project.open(path) as project:
        assert project.schema_revision() == schema_head()
        assert project.backup_path is not None and project.backup_path.exists()
        with project.session() as session:
            assert session.scalar(select(Event.title)) == "Old event"
        project.set_setting("classification", "OFFICIAL")  # a table migration 0002 added
        assert project.get_setting("classification") == "OFFICIAL"
    backup = sqlite3.connect(project.backup_path)
    assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert backup.execute("SELECT title FROM event").fetchall() == [("Old event",)]
    backup.close()


def test_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "future.sightline"
    Project.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(SchemaTooNew, match="newer version of Sightline"):
        Project.open(path)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*backup*"))


def test_foreign_database_and_non_sqlite_file_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(ProjectError, match="not a Sightline project"):
        Project.open(other)
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello")
    with pytest.raises(ProjectError, match="not a SQLite file"):
        Project.open(text_file)


def test_any_sqlalchemy_url_goes_through_the_same_code(tmp_path: Path, data_dir: Path) -> None:
    """A URL (here an in-memory-style SQLAlchemy URL to a file) uses the generic writer."""
    url = f"sqlite+pysqlite:///{tmp_path / 'url.sightline'}"
    with Project.open(url) as project:
        assert project.path is None  # not a plain path: the portable Core writer is used
        result = import_file(project, data_dir / "acled_sample.csv")
        assert result.imported == 7
        with project.session() as session:
            event = session.scalars(select(Event).where(Event.external_id.is_not(None))).first()
            assert event is not None and event.actors and event.sources
            assert isinstance(event.attributes, dict)


def test_both_writers_store_the_same_rows(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dump(project: Project) -> list[tuple[object, ...]]:
        def parsed(value: object) -> object:  # JSON is compared by value, not spacing
            return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value

        with project.engine.connect() as conn:
            return [
                tuple(parsed(v) for v in r)
                for r in conn.execute(
                    text(
                        "SELECT e.external_id, e.title, e.start_s, e.precision, e.tags, "
                        "e.attributes, l.name, l.latitude, l.attributes, "
                        "(SELECT group_concat(a.name, '|') FROM event_actor ea JOIN actor a "
                        " ON a.id = ea.actor_id WHERE ea.event_id = e.id), "
                        "(SELECT group_concat(s.title, '|') FROM event_source es JOIN source s "
                        " ON s.id = es.source_id WHERE es.event_id = e.id) "
                        "FROM event e LEFT JOIN location l ON l.id = e.location_id ORDER BY e.id"
                    )
                )
            ]

    from desktop_app.store import bulk

    with Project.open(tmp_path / "fast.sightline") as fast:
        monkeypatch.setattr(bulk, "ARROW_WRITER_FROM_ROWS", 0)  # the ADBC worker path
        import_file(fast, data_dir / "acled_sample.csv")
        monkeypatch.undo()
        fast_rows = dump(fast)
    with Project.open(f"sqlite+pysqlite:///{tmp_path / 'core.sightline'}") as core:
        import_file(core, data_dir / "acled_sample.csv")
        core_rows = dump(core)
    assert fast_rows == core_rows and len(fast_rows) == 7


def test_no_event_points_at_a_missing_place_or_batch(project: Project, data_dir: Path) -> None:
    for name in ("acled_sample.csv", "gdelt_v1.tsv", "generic_own_sheet.csv"):
        import_file(project, data_dir / name)
    with project.engine.connect() as conn:
        if conn.dialect.name == "sqlite":  # PostgreSQL checks every foreign key as it writes
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        orphans = conn.execute(
            text(
                "SELECT count(*) FROM event WHERE location_id IS NOT NULL AND location_id NOT IN "
                "(SELECT id FROM location)"
            )
        ).scalar()
        dangling = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM event_actor "
                "WHERE actor_id NOT IN (SELECT id FROM actor)) "
                "+ (SELECT count(*) FROM event_source "
                "WHERE source_id NOT IN (SELECT id FROM source))"
            )
        ).scalar()
    assert orphans == 0 and dangling == 0


@pytest.mark.parametrize("worker", [False, True], ids=["core-writer", "adbc-worker"])
def test_failed_write_changes_nothing(
    project: Project, data_dir: Path, monkeypatch: pytest.MonkeyPatch, worker: bool
) -> None:
    """A crash in the middle of writing a batch leaves the project as it was."""
    import_file(project, data_dir / "acled_sample.csv")
    from desktop_app.store import bulk
    from desktop_app.store.bulk import BatchWriteError

    if worker:
        monkeypatch.setattr(bulk, "ARROW_WRITER_FROM_ROWS", 0)

    def explode(self: object, links: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bulk.BatchWriter, "add_event_sources", explode)
    with project.engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM event")).scalar()
    with pytest.raises(BatchWriteError, match="Nothing was imported"):
        import_file(project, data_dir / "gdelt_v1.tsv")
    with project.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM event")).scalar() == before
        batches = conn.execute(select(ImportBatch.file_name)).scalars().all()
    assert batches == ["acled_sample.csv"]


def test_search_uses_the_index_and_never_misses_unindexed_events(
    project: Project, data_dir: Path
) -> None:
    from desktop_app.store.search import refresh_index, search_ids

    import_file(project, data_dir / "acled_sample.csv")
    assert refresh_index(project) == 7
    with project.session() as session:
        kyiv = {e.id for e in session.scalars(select(Event)) if "Kyiv" in e.title}
    assert set(search_ids(project, "kyiv")) == kyiv and kyiv
    assert set(search_ids(project, "KYI")) == kyiv  # words are prefixes, any case
    import_file(project, data_dir / "generic_own_sheet.csv")  # not indexed yet
    with project.session() as session:
        taipei = {e.id for e in session.scalars(select(Event)) if "flotilla" in e.title}
    assert taipei and set(search_ids(project, "naval flotilla")) == taipei
    assert refresh_index(project) > 0
    assert set(search_ids(project, "Flotilla NAVAL")) == taipei
    # undo takes a batch's events out of the index as well
    from desktop_app.store.batches import undo_batch

    undo_batch(project, 1)
    assert len(search_ids(project, "kyiv")) == 0
    assert search_ids(project, "  ").size == 0


@pytest.mark.sqlite_only("about the ADBC worker's own SQLite copy sharing the file")
def test_worker_process_and_our_connections_share_the_file_safely(
    project: Project, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ADBC (its own SQLite copy, in a worker process) writes and reads while our own
    sqlite3 connections are pooled: no commit of either side may be lost.

    Run in our process, the two SQLite copies broke each other's locks: an undo made
    through SQLAlchemy vanished and a fresh connection got "disk I/O error".
    """
    from desktop_app.frame.event_frame import EventFrame
    from desktop_app.store import bulk, frame_rows
    from desktop_app.store.batches import undo_batch

    monkeypatch.setattr(bulk, "ARROW_WRITER_FROM_ROWS", 0)
    monkeypatch.setattr(frame_rows, "ARROW_READ_FROM_ROWS", 0)
    first = import_file(project, data_dir / "acled_sample.csv")
    second = import_file(project, data_dir / "gdelt_v1.tsv")
    with project.engine.connect() as held:  # one of ours stays open throughout
        held.execute(text("SELECT count(*) FROM event")).scalar()
        assert len(EventFrame.load(project)) == first.imported + second.imported
        undo_batch(project, second.batch)
        assert len(EventFrame.load(project)) == first.imported
        third = import_file(project, data_dir / "timemap.csv")
    assert len(EventFrame.load(project)) == first.imported + third.imported
    fresh = sqlite3.connect(project.path)
    assert fresh.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert fresh.execute("SELECT count(*) FROM event").fetchone() == (
        first.imported + third.imported,
    )
    fresh.close()
