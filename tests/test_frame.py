"""EventFrame: loading from a real store, ids <-> rows, time overlap, facets (no Qt)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop_app.domain.dates import Precision, to_seconds
from desktop_app.frame import EventFrame
from desktop_app.frame.visible import visible_mask
from desktop_app.ingest.pipeline import import_file
from desktop_app.ingest.sample import load_sample
from desktop_app.store.project import Project


def _s(*parts: int) -> int:
    from datetime import datetime

    return to_seconds(datetime(*parts))


def test_load_sample_frame(project: Project) -> None:
    load_sample(project)
    frame = EventFrame.load(project)
    assert len(frame) >= 8
    assert np.all(np.diff(frame.start) >= 0)  # sorted by start
    # year-only events span their whole year
    year = frame.precision == Precision.YEAR
    assert np.all(frame.end[year] - frame.start[year] >= 365 * 86400)
    assert frame.located.sum() == len(frame) - 1  # the leak has no place
    places = set(frame.place[frame.located])
    assert {"Moscow", "London"} <= places
    assert "Russia" in frame.facet_values("actor")
    assert frame.facet_counts("precision", np.ones(len(frame), bool)) == [("year", len(frame))]


def test_ids_and_rows_round_trip(project: Project, data_dir: Path) -> None:
    import_file(project, data_dir / "acled_sample.csv")
    import_file(project, data_dir / "gdelt_v1.tsv")
    frame = EventFrame.load(project)
    some = frame.ids[[0, 3, len(frame) - 1]]
    assert set(frame.ids[frame.rows_of(some)]) == set(some)
    assert len(frame.rows_of([10**9])) == 0
    assert frame.ids_mask(some).sum() == 3


def test_time_window_keeps_overlapping_spans(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "spans.csv"
    path.write_text(
        "title,date,end\nYear,2023,\nMay day,2023-05-14,\nLong,2022-06,2024-02\nLater,2025-01-01,\n"
    )
    import_file(project, path)
    frame = EventFrame.load(project)

    def titles(mask: np.ndarray) -> set[str]:
        return set(frame.title[mask])

    # a window inside 2023 catches the year-only event, the day in it and the long span
    inside = frame.time_mask(_s(2023, 5, 1), _s(2023, 6, 1))
    assert titles(inside) == {"Year", "May day", "Long"}
    assert titles(frame.time_mask(_s(2024, 3, 1), None)) == {"Later"}
    assert titles(frame.time_mask(None, _s(2022, 1, 1))) == set()


def test_facets_combine_and_count(project: Project, data_dir: Path) -> None:
    import_file(project, data_dir / "acled_sample.csv")
    frame = EventFrame.load(project)
    counts = dict(frame.facet_counts("category", np.ones(len(frame), bool)))
    assert sum(counts.values()) == len(frame)
    top = max(counts, key=counts.get)  # type: ignore[arg-type]
    mask = visible_mask(frame, None, None, "", {"category": frozenset({top})})
    assert mask.sum() == counts[top]
    actor = frame.facet_values("actor")[0]
    both = visible_mask(
        frame, None, None, "", {"category": frozenset({top}), "actor": frozenset({actor})}
    )
    assert both.sum() <= mask.sum()
    assert np.all(frame.facet_mask("actor", {actor})[both])


def test_empty_project_gives_empty_frame(project: Project) -> None:
    frame = EventFrame.load(project)
    assert len(frame) == 0 and frame.facet_counts("category", np.zeros(0, bool)) == []


def test_frame_cache_is_used_only_while_current(project: Project, data_dir: Path) -> None:
    from desktop_app.frame.cache import cache_dir, load_frame

    import_file(project, data_dir / "acled_sample.csv")
    first = load_frame(project)
    assert len(list(cache_dir().glob("*.arrow"))) == 1
    again = load_frame(project)  # from the cache: the same columns
    for name in ("ids", "start", "end", "precision", "location_id", "title", "place"):
        assert np.array_equal(getattr(first, name), getattr(again, name)), name
    assert np.array_equal(first.lat, again.lat, equal_nan=True)
    assert first.facet_counts("actor", first.located) == again.facet_counts("actor", again.located)
    import_file(project, data_dir / "gdelt_v1.tsv")  # the project changed: not stale
    fresh = load_frame(project)
    assert len(fresh) == len(first) + 6
    assert len(list(cache_dir().glob("*.arrow"))) == 1  # the old copy was replaced
    from desktop_app.store.batches import undo_batch

    undo_batch(project, 2)
    assert len(load_frame(project)) == len(first)


def test_damaged_cache_is_ignored(project: Project, data_dir: Path) -> None:
    from desktop_app.frame.cache import cache_dir, load_frame

    import_file(project, data_dir / "acled_sample.csv")
    expected = len(load_frame(project))
    for copy in cache_dir().glob("*.arrow"):
        copy.write_bytes(b"not arrow at all")
    assert len(load_frame(project)) == expected


def test_worker_and_sqlalchemy_reads_give_the_same_frame(
    project: Project, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.store import frame_rows

    import_file(project, data_dir / "acled_sample.csv")
    import_file(project, data_dir / "gdelt_v1.tsv")
    small = EventFrame.load(project)  # below the threshold: SQLAlchemy
    monkeypatch.setattr(frame_rows, "ARROW_READ_FROM_ROWS", 0)
    big = EventFrame.load(project)  # the ADBC worker process
    for name in ("ids", "start", "end", "precision", "location_id", "title", "place"):
        assert np.array_equal(getattr(small, name), getattr(big, name)), name
    for facet in ("actor", "source", "tag"):
        assert small.facet_counts(facet, small.located) == big.facet_counts(facet, big.located)
