"""The store's import history: every batch listed with its counts, and an undo that can
be redone (rows back with their ids, links, places, actors and the text index)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from desktop_app.ingest.pipeline import import_file
from desktop_app.store.batch_history import batch_history, put_back_batch, take_out_batch
from desktop_app.store.batches import BatchError
from desktop_app.store.editing import merge_locations
from desktop_app.store.project import Project
from desktop_app.store.schema import Actor, Event, Location
from desktop_app.store.search import refresh_index, search_ids


def _everything(project: Project) -> dict[str, list[Any]]:
    with project.engine.connect() as conn:
        return {
            table: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))]
            for table in ("event", "location", "actor", "source", "event_actor", "event_source")
        }


def test_history_lists_every_batch_with_its_counts(sample_project: Project, data_dir: Path) -> None:
    result = import_file(sample_project, data_dir / "acled_sample.csv")
    history = batch_history(sample_project)
    assert [b.id for b in history] == [result.batch, history[1].id]  # newest first
    acled = history[0]
    assert acled.file_name == "acled_sample.csv" and acled.preset == "acled"
    assert (acled.imported, acled.rejected, acled.events) == (7, result.rejected, 7)
    assert acled.rows_read == result.rows_read and not acled.undone
    assert history[1].file_name == "events.csv" and history[1].events == 8


def test_undo_then_redo_puts_back_exactly_what_was_there(
    sample_project: Project, data_dir: Path
) -> None:
    # the text index is derived data: on PostgreSQL it is a column of the event table
    # (search_doc), filled for every event by refresh_index, so it is built first
    refresh_index(sample_project)
    before = _everything(sample_project)
    result = import_file(sample_project, data_dir / "acled_sample.csv")
    assert result.batch is not None
    refresh_index(sample_project)
    imported = _everything(sample_project)
    assert search_ids(sample_project, "Vovchansk").size > 0

    taken = take_out_batch(sample_project, result.batch)
    assert taken.events == 7
    assert _everything(sample_project) == before  # places and actors only it brought: gone
    assert search_ids(sample_project, "Vovchansk").size == 0
    assert batch_history(sample_project)[0].undone

    assert put_back_batch(sample_project, taken) == 7
    assert _everything(sample_project) == imported  # same ids, links, places, actors
    assert search_ids(sample_project, "Vovchansk").size > 0
    assert not batch_history(sample_project)[0].undone
    with sample_project.session() as session:
        assert session.scalar(select(Location.id).where(Location.name == "Kyiv")) is not None
        assert session.scalar(select(Actor.id).where(Actor.batch_id == result.batch))


def test_a_place_another_batch_uses_stays_and_is_not_put_back_twice(
    project: Project, data_dir: Path, tmp_path: Path
) -> None:
    first = import_file(project, data_dir / "acled_sample.csv")
    # a second file whose one event is at a place the first brought
    second_file = tmp_path / "one.csv"
    second_file.write_text(
        "date,title,place,latitude,longitude\n2025-06-01,Later,Kyiv,50.4501,30.5234\n"
    )
    second = import_file(project, second_file)
    assert first.batch is not None and second.batch is not None
    with project.session() as session:  # the analyst merges the second Kyiv into the first
        kyivs = session.scalars(select(Location).where(Location.name == "Kyiv")).all()
    kept = next(k for k in kyivs if k.batch_id == first.batch)
    merge_locations(project, kept.id, next(k.id for k in kyivs if k is not kept))
    with project.session() as session:
        kyiv = session.scalars(select(Location).where(Location.name == "Kyiv")).one()
        later = session.scalars(select(Event).where(Event.batch_id == second.batch)).one()
        assert kyiv.batch_id == first.batch and later.location_id == kyiv.id  # shared
    taken = take_out_batch(project, first.batch)
    assert all(r["id"] != kyiv.id for r in taken.rows["location"])
    with project.session() as session:
        assert session.scalar(select(Location.id).where(Location.name == "Kyiv")) == kyiv.id
        assert session.scalar(select(Event.title).where(Event.batch_id == second.batch)) == "Later"
    put_back_batch(project, taken)
    assert batch_history(project)[1].events == 7


def test_refusals_change_nothing(sample_project: Project, data_dir: Path) -> None:
    result = import_file(sample_project, data_dir / "acled_sample.csv")
    assert result.batch is not None
    taken = take_out_batch(sample_project, result.batch)
    with pytest.raises(BatchError, match="already undone"):
        take_out_batch(sample_project, result.batch)
    put_back_batch(sample_project, taken)
    state = _everything(sample_project)
    with pytest.raises(BatchError, match="is not undone"):
        put_back_batch(sample_project, taken)
    with pytest.raises(BatchError, match="no import batch"):
        take_out_batch(sample_project, 999)
    assert _everything(sample_project) == state
