"""A search while the text index is being built matches the unindexed events' text in
memory, and answers exactly what the LIKE fallback answers; stale text is never used.
Real SQLite projects (the FTS5 index is SQLite's), ACLED and GDELT files as imported."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from desktop_app.ingest.pipeline import import_file
from desktop_app.ingest.sample import load_sample
from desktop_app.store import editing, search, search_memory
from desktop_app.store.project import Project
from desktop_app.store.search import refresh_index, search_ids, watermark

QUERIES = ("kharkiv", "Vovchansk", "airborne battalion", "protest", "ОБСТРІЛ", "zz-none", "a")


def _unindexed(project: Project) -> None:
    """The index emptied and its watermark at 0: what a search meets after an import."""
    with project.writing("test", changes_data=False) as conn:
        conn.execute(text("INSERT INTO event_fts(event_fts) VALUES ('delete-all')"))
        conn.execute(text("UPDATE setting SET value = '0' WHERE key = 'fts_indexed_upto'"))


@pytest.fixture()
def loaded(project: Project, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    if project.engine.dialect.name != "sqlite":
        pytest.skip("the FTS5 index and its watermark are SQLite's")
    monkeypatch.setattr(search_memory, "KEEP_FROM", 1)
    load_sample(project)
    import_file(project, data_dir / "acled_sample.csv")
    import_file(project, data_dir / "gdelt_v1.tsv")
    refresh_index(project)
    return project


def _answers(project: Project) -> dict[str, list[int]]:
    return {q: search_ids(project, q).tolist() for q in QUERIES}


def test_kept_text_answers_as_like_does(loaded: Project) -> None:
    _unindexed(loaded)
    by_like = _answers(loaded)  # nothing kept: LIKE over the event table
    assert any(by_like.values())
    kept = search_memory.load(loaded, 0)
    assert kept is not None and len(kept.ids) > 0
    with loaded.engine.connect() as conn:
        assert search_memory.kept(loaded, conn) is kept
    assert _answers(loaded) == by_like
    # half indexed: the index answers below its watermark, the kept text above it
    half = int(kept.ids[len(kept.ids) // 2])
    with loaded.writing("test", changes_data=False) as conn:
        conn.execute(
            text(
                "INSERT INTO event_fts(rowid, title, description) "
                "SELECT id, title, coalesce(description, '') FROM event WHERE id <= :m"
            ),
            {"m": half},
        )
        conn.execute(
            text("UPDATE setting SET value = :v WHERE key = 'fts_indexed_upto'"), {"v": str(half)}
        )
    with loaded.engine.connect() as conn:
        assert watermark(conn) == half and search_memory.kept(loaded, conn) is kept
    for query, ids in by_like.items():
        got = search_ids(loaded, query).tolist()
        # the index matches word prefixes where LIKE matches anywhere: below the
        # watermark only what the index finds, above it exactly what LIKE finds
        assert [i for i in got if i > half] == [i for i in ids if i > half], query


def test_an_edit_makes_the_kept_text_stale_and_unused(loaded: Project) -> None:
    _unindexed(loaded)
    kept = search_memory.load(loaded, 0)
    assert kept is not None
    event_id = int(kept.ids[0])
    old = editing.read_event(loaded, event_id)
    editing.update_event(loaded, event_id, replace(old, title="Quetzalcoatl sighting"))
    with loaded.engine.connect() as conn:
        assert search_memory.kept(loaded, conn) is None  # the data version moved on
    assert search_ids(loaded, "quetzalcoatl").tolist() == [event_id]


def test_building_the_index_keeps_then_forgets_the_text(loaded: Project) -> None:
    _unindexed(loaded)
    seen: list[int] = []
    real_build = search._build

    def build(project: Project) -> int:
        with project.engine.connect() as conn:
            kept = search_memory.kept(project, conn)
        seen.append(0 if kept is None else len(kept.ids))
        return int(real_build(project))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "_build", build)
        assert refresh_index(loaded) > 0
    assert seen and seen[0] > 0  # the text was kept while the index was built
    with loaded.engine.connect() as conn:
        assert search_memory.kept(loaded, conn) is None  # and dropped once it caught up
        assert watermark(conn) == int(conn.execute(text("SELECT max(id) FROM event")).scalar_one())
    assert np.array_equal(search_ids(loaded, "Vovchansk"), search_ids(loaded, "vovchansk"))


def test_a_scan_split_over_threads_answers_the_same(
    loaded: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big scan is cut in parts, one per thread, and each word after the first is
    looked for only where the words before it were found: the answers stay LIKE's."""
    _unindexed(loaded)
    by_like = _answers(loaded)
    assert search_memory.load(loaded, 0) is not None
    monkeypatch.setattr(search_memory, "SPLIT_FROM", 1)
    split = _answers(loaded)
    assert split == by_like
    assert split["airborne battalion"] and all(np.all(np.diff(v) > 0) for v in split.values())
