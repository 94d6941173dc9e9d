"""Undoing an import that is most of the project takes the bulk path (text index emptied
and refilled, the event indexes dropped and rebuilt, foreign keys checked once): what is
left is exactly what a row-by-row undo leaves, the indexes and keys are whole, and the
undo can be redone. Real projects (SQLite; PostgreSQL takes the row-by-row path)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from desktop_app.ingest.pipeline import import_file
from desktop_app.store import batches
from desktop_app.store.batch_history import batch_history, put_back_batch, take_out_batch
from desktop_app.store.batches import undo_batch
from desktop_app.store.project import Project
from desktop_app.store.search import refresh_index, search_ids

TABLES = ("event", "location", "actor", "source", "event_actor", "event_source")


def _everything(project: Project) -> dict[str, list[Any]]:
    with project.engine.connect() as conn:
        return {
            table: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))]
            for table in TABLES
        }


def _sound(project: Project) -> None:
    """Every key resolves, the text index agrees with the events, the indexes exist,
    and the pooled connections enforce foreign keys again."""
    if project.engine.dialect.name != "sqlite":
        return
    with project.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").first() is None
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        names = set(
            conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='event'"
            ).scalars()
        )
        assert {"ix_event_fingerprint", "ix_event_start_s"} <= names
        conn.exec_driver_sql("INSERT INTO event_fts(event_fts, rank) VALUES ('integrity-check', 1)")


def _two_batches(project: Project, data_dir: Path) -> tuple[int, int]:
    """The sample (8 events) and ACLED's export (7): the sample is most of the project."""
    from desktop_app.ingest.sample import load_sample

    load_sample(project)
    acled = import_file(project, data_dir / "acled_sample.csv").batch
    assert acled is not None
    refresh_index(project)
    sample = next(b.id for b in batch_history(project) if b.id != acled)
    return sample, acled


@pytest.mark.sqlite_only
def test_bulk_undo_leaves_what_a_row_by_row_undo_leaves(
    project: Project, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample, _acled = _two_batches(project, data_dir)
    assert batches._most_of_project(project, sample)
    assert search_ids(project, "Vovchansk").size > 0  # an ACLED event
    undo_batch(project, sample)
    left = _everything(project)
    _sound(project)
    assert search_ids(project, "Vovchansk").size > 0  # the other batch is still found
    assert search_ids(project, "battalion").size == 0  # the sample's words are gone

    other = Project.open(tmp_path / "row_by_row.sightline")  # the same, row by row
    try:
        sample2, _ = _two_batches(other, data_dir)
        monkeypatch.setattr(batches, "_most_of_project", lambda _p, _b: False)
        undo_batch(other, sample2)
        assert _everything(other) == left
    finally:
        other.close()


def test_undoing_every_event_then_redoing(project: Project, data_dir: Path) -> None:
    result = import_file(project, data_dir / "acled_sample.csv")
    assert result.batch is not None
    refresh_index(project)
    imported = _everything(project)
    taken = take_out_batch(project, result.batch)
    assert taken.events == 7
    assert all(not rows for rows in _everything(project).values())
    _sound(project)
    assert search_ids(project, "Vovchansk").size == 0
    assert put_back_batch(project, taken) == 7
    assert _everything(project) == imported
    assert search_ids(project, "Vovchansk").size > 0
    _sound(project)
