"""Saved views and stories: the snapshot's JSON, the store, and capture/apply on a window."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import map_at
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401  (before QApplication)

from desktop_app.domain.dates import to_seconds
from desktop_app.state.models import Filters, MapView
from desktop_app.state.snapshot import ViewSnapshot
from desktop_app.store.project import Project
from desktop_app.store.views_repo import ViewsRepository

WAIT_MS = 30_000
Y2023, Y2024, Y2026 = (to_seconds(datetime(y, 1, 1)) for y in (2023, 2024, 2026))


def _snapshot(n: int) -> ViewSnapshot:
    return ViewSnapshot(
        title=f"View {n}",
        note=f"Note {n} – “quoted” <b>not html</b>",  # noqa: RUF001 (typography)
        timeline=(Y2023 + n, Y2026),
        map=MapView(30.0 + n, 100.5, 3.0 + n),
        filters=Filters(
            t0=Y2023, t1=Y2024, text="airborne", facets={"country": frozenset({"Russia", "China"})}
        ),
        selection=frozenset({n, n + 10}),
        active=n,
    )


# ---------------------------------------------------------------------- snapshot
def test_snapshot_survives_json() -> None:
    snap = _snapshot(1)
    assert ViewSnapshot.from_json(snap.to_json()) == snap
    assert ViewSnapshot.from_dict(json.loads(json.dumps(snap.to_dict()))) == snap
    empty = ViewSnapshot()
    assert ViewSnapshot.from_json(empty.to_json()) == empty


def test_snapshot_reads_damaged_json_as_less() -> None:
    data = _snapshot(2).to_dict()
    data.update(
        timeline=[5, 1],
        map={"lat": "x", "lon": 1, "zoom": 2},
        selection=[1, "2", True, 3],
        active="4",
    )
    data["filters"]["facets"] = {"country": "Russia", "tag": []}
    snap = ViewSnapshot.from_dict(data)
    assert snap.timeline is None and snap.map is None
    assert snap.selection == {1, 3} and snap.active is None
    assert snap.filters.facets == {} and snap.filters.text == "airborne"
    with pytest.raises(ValueError):
        ViewSnapshot.from_json("[1, 2]")


# ---------------------------------------------------------------------- store
def test_story_of_three_views_round_trips_through_the_store(tmp_path: Path) -> None:
    path = tmp_path / "stories.sightline"
    with Project.open(path) as project:
        repo = ViewsRepository(project)
        story = repo.create_story("Airborne battalion")
        for n in (1, 2, 3):
            snap = _snapshot(n)
            repo.add_step(story, repo.save_view(snap.title, snap.note, snap.to_dict()))
    with Project.open(path, create=False) as project:  # reopened: it travelled with the file
        stories = ViewsRepository(project).stories()
    assert [s.title for s in stories] == ["Airborne battalion"]
    steps = stories[0].steps
    assert [s.view.title for s in steps] == ["View 1", "View 2", "View 3"]
    assert [s.position for s in steps] == [1, 2, 3]
    for n, step in enumerate(steps, start=1):
        restored = ViewSnapshot.from_dict(step.view.state).with_text(
            step.view.title, step.view.note
        )
        assert restored == _snapshot(n)


def test_steps_reorder_rename_duplicate_and_delete(project: Project) -> None:
    repo = ViewsRepository(project)
    story = repo.create_story("S")
    steps = [repo.add_step(story, repo.save_view(f"v{n}", "", {"n": n})) for n in range(3)]

    def titles(story_id: int = story) -> list[str]:
        found = repo.story(story_id)
        assert found is not None
        return [s.view.title for s in found.steps]

    assert repo.move_step(steps[2], -1) == 1
    assert titles() == ["v0", "v2", "v1"]
    repo.move_step(steps[0], -5)  # clamped
    repo.reorder_steps(story, [steps[1], steps[0]])
    assert titles() == ["v1", "v0", "v2"]
    repo.rename_view(repo.story(story).steps[0].view.id, "first")  # type: ignore[union-attr]
    copy = repo.duplicate_step(steps[1])
    assert titles() == ["first", "first (copy)", "v0", "v2"]
    repo.remove_step(copy)
    assert titles() == ["first", "v0", "v2"] and len(repo.views()) == 3  # orphan view gone

    other = repo.duplicate_story(story)
    assert [s.title for s in repo.stories()] == ["S", "S (copy)"]
    assert titles(other) == titles()
    repo.rename_story(other, "Second")
    first_of_copy = repo.story(other).steps[0]  # type: ignore[union-attr]
    repo.rename_view(first_of_copy.view.id, "changed in the copy only")
    assert titles() == ["first", "v0", "v2"]
    repo.reorder_stories([other, story])
    assert [s.title for s in repo.stories()] == ["Second", "S"]
    repo.delete_story(story)
    assert [s.title for s in repo.stories()] == ["Second"] and len(repo.views()) == 3
    # a view shown by two stories survives the removal of one of its steps
    shared = repo.views()[0].id
    third = repo.create_story("Third")
    step = repo.add_step(third, shared, index=0)
    repo.remove_step(step)
    assert repo.view(shared) is not None
    repo.delete_view(shared)
    assert titles(other) == ["v0", "v2"]


# ---------------------------------------------------------------------- window
def _id_of(window: Any, place: str) -> int:
    frame = window.workbench.linker.frame
    return int(frame.ids[list(frame.place).index(place)])


def test_briefing_menu_and_dock_are_installed(
    make_main_window: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus.index("&Briefing") == menus.index("&Help") - 1
    briefing = window.features["briefing"]
    assert window.docks["stories"].widget() is briefing.stories
    shortcuts = [
        a.shortcut().toString()
        for a in window.findChildren(type(briefing.save_action))
        if not a.shortcut().isEmpty()
    ]
    assert len(shortcuts) == len(set(shortcuts)), f"clashing shortcuts: {shortcuts}"
    assert {"Ctrl+S", "F5", "Ctrl+P"} <= set(shortcuts)


def test_saved_view_is_applied_back_to_the_window(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    from desktop_app.features.briefing.snapshots import apply_view, capture_view

    window = make_main_window(sample_project)
    moscow = _id_of(window, "Moscow")
    window.workbench.filters.set(Filters(t0=Y2023, t1=Y2024), source=window)
    window.workbench.selection.set([moscow], source=window)
    window.workbench.view_state.set_timeline(Y2023, Y2024, source=window)
    target = MapView(55.75, 37.6, 5.0)
    window.workbench.view_state.set_map(target, source=window)
    qtbot.waitUntil(lambda: map_at(qtbot, window.map.page, target), timeout=WAIT_MS)
    step = window.features["briefing"].stories.save_view("Moscow, 2023", "The agreement year.")
    assert step is not None
    saved = window.features["briefing"].stories.snapshot_of(step)
    assert saved == capture_view(
        window.features["briefing"].stage, "Moscow, 2023", "The agreement year."
    )

    window.workbench.filters.clear(source=window)
    window.workbench.selection.clear(source=window)
    window.fit_all()
    qtbot.waitUntil(
        lambda: (
            window.workbench.view_state.map is not None
            and window.workbench.view_state.map.zoom != 5.0
        ),
        timeout=WAIT_MS,
    )
    apply_view(
        window.features["briefing"].stage, saved, animate=True
    )  # the timeline glides, the map flies
    assert window.workbench.filters.filters == Filters(t0=Y2023, t1=Y2024)
    assert (
        window.workbench.selection.ids == {moscow} and window.workbench.selection.active == moscow
    )
    qtbot.waitUntil(lambda: window.workbench.view_state.timeline == (Y2023, Y2024), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: map_at(qtbot, window.map.page, target), timeout=WAIT_MS)
    assert window.workbench.linker.visible.sum() == 4  # the 2023 events
    # double-clicking the step in the pane applies it too
    window.workbench.selection.clear(source=window)
    tree = window.features["briefing"].stories.tree
    item = tree.topLevelItem(0).child(0)
    tree.itemDoubleClicked.emit(item, 0)
    assert window.workbench.selection.ids == {moscow}


def test_classification_is_a_project_setting(
    make_main_window: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    assert window.features["briefing"].classification() == ""
    window.features["briefing"].set_classification("  OFFICIAL-SENSITIVE  ")
    assert sample_project.get_setting("classification") == "OFFICIAL-SENSITIVE"
