"""Presentation mode: a story full screen, stepped with the keys a clicker sends."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from helpers import map_at, run_js
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop_app.domain.dates import to_seconds
from desktop_app.state.models import Filters, MapView
from desktop_app.state.snapshot import ViewSnapshot
from desktop_app.store.project import Project
from desktop_app.store.views_repo import ViewsRepository

WAIT_MS = 30_000


def _year(y: int, m: int = 1) -> int:
    return to_seconds(datetime(y, m, 1))


def sample_story(window: Any) -> tuple[int, list[ViewSnapshot]]:
    """Three views of the sample: the 2023 deal, the London review, the exposed states."""
    frame = window.workbench.linker.frame
    ids = {place: int(frame.ids[i]) for i, place in enumerate(frame.place) if place}
    moscow = [int(i) for i, p in zip(frame.ids, frame.place, strict=True) if p == "Moscow"]
    steps = [
        ViewSnapshot(
            "The 2023 agreement",
            "Russia commits to equip and train a PLA airborne "
            "battalion; technology transfer to Beijing.",
            timeline=(_year(2022, 7), _year(2024, 7)),
            map=MapView(50.0, 80.0, 3.0),
            filters=Filters(t0=_year(2023), t1=_year(2024)),
            selection=frozenset([*moscow, ids["Beijing"]]),
            active=moscow[0],
        ),
        ViewSnapshot(
            "Verified in London",
            "RUSI reviews the Black Moon leak (2025).",
            timeline=(_year(2024), _year(2026)),
            map=MapView(51.5, -0.12, 5.0),
            selection=frozenset({ids["London"]}),
        ),
        ViewSnapshot(
            "Who is exposed",
            "Offensive options against Taiwan, the Philippines and other island states.",
            timeline=(_year(2024, 10), _year(2026, 3)),
            map=MapView(18.0, 121.0, 4.0),
            filters=Filters(facets={"category": frozenset({"strategic implication"})}),
            selection=frozenset({ids["Taipei"], ids["Manila"]}),
            active=ids["Taipei"],
        ),
    ]
    repo = ViewsRepository(window.workbench.project)
    story = repo.create_story("Russia–China airborne cooperation")  # noqa: RUF001 (typography)
    for step in steps:
        repo.add_step(story, repo.save_view(step.title, step.note, step.to_dict()))
    window.features["briefing"].stories.reload(story_id=story)
    return story, steps


def shows(qtbot: Any, shown: Any, step: ViewSnapshot) -> bool:
    """The presentation shows ``step``: filters, selection, timeline and map."""
    assert step.map is not None
    return (
        shown.filters.filters == step.filters
        and shown.selection.ids == step.selection
        and shown.view_state.timeline == step.timeline
        and shown.timeline.time_range == step.timeline
        and map_at(qtbot, shown.map.page, step.map)
    )


def test_presentation_steps_with_clicker_keys(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    _story, steps = sample_story(window)
    window.features["briefing"].set_classification("OFFICIAL - FOR TRAINING")
    before = (
        window.workbench.filters.filters,
        window.workbench.selection.ids,
        window.workbench.view_state.map,
    )

    with qtbot.waitSignal(window.features["briefing"].presentation_started, timeout=WAIT_MS):
        window.features["briefing"].present_action.trigger()
    shown = window.features["briefing"].presentation
    assert shown is not None and shown.isFullScreen() and shown.isVisible()
    assert shown.geometry() == shown.screen().geometry()
    qtbot.waitUntil(lambda: shown.map.is_ready, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: shows(qtbot, shown, steps[0]), timeout=WAIT_MS)
    # the caption, the classification line, no editing chrome, bigger markers
    assert shown.title_label.text() == "The 2023 agreement"
    assert "airborne battalion" in shown.note_label.text()
    assert shown.counter_label.text() == "1 / 3"
    assert shown.classification_top.text() == "OFFICIAL - FOR TRAINING"
    assert shown.classification_bottom.isVisible()
    assert not shown.timeline.from_field.isVisible()
    assert (
        run_js(qtbot, shown.map.page, "document.querySelector('.sl-tools').style.display") == "none"
    )
    # the step's events are highlighted on the map
    located = {
        i
        for i in steps[0].selection
        if window.workbench.linker.frame.located[window.workbench.linker.frame.row_of(i)]
    }
    qtbot.waitUntil(
        lambda: set(run_js(qtbot, shown.map.page, "Sightline.counts().selectedIds")) == located,
        timeout=WAIT_MS,
    )
    assert (
        run_js(
            qtbot, shown.map.page, "Sightline.map().getContainer().querySelector('canvas') !== null"
        )
        is True
    )
    layout = shown.timeline.canvas.current_layout()
    assert {item.event_id for item in layout.items if item.selected} == set(steps[0].selection)

    # forward and back with what clickers send; the map flies, the timeline glides
    for key, expected in (
        (Qt.Key.Key_Right, 1),
        (Qt.Key.Key_PageDown, 2),
        (Qt.Key.Key_PageDown, 2),  # past the end: stays
        (Qt.Key.Key_Left, 1),
        (Qt.Key.Key_PageUp, 0),
        (Qt.Key.Key_Space, 1),
        (Qt.Key.Key_End, 2),
        (Qt.Key.Key_Backspace, 1),
        (Qt.Key.Key_Home, 0),
    ):
        QTest.keyClick(shown, key)
        assert shown.index == expected, key
        assert shown.title_label.text() == steps[expected].title
        assert shown.counter_label.text() == f"{expected + 1} / 3"
        qtbot.waitUntil(lambda e=expected: shows(qtbot, shown, steps[e]), timeout=WAIT_MS)
    assert (
        window.workbench.linker.visible.sum() == 4
    )  # the 2023 filter of step 1, through the window

    # keys reach the presentation even from the map's web view
    QTest.keyClick(shown.map.focusProxy() or shown.map, Qt.Key.Key_Right)
    assert shown.index == 1

    # Esc leaves; the main window gets its own view back
    with qtbot.waitSignal(shown.closed, timeout=WAIT_MS):
        QTest.keyClick(shown, Qt.Key.Key_Escape)
    assert not shown.isVisible()
    assert (
        window.workbench.filters.filters,
        window.workbench.selection.ids,
        window.workbench.view_state.map,
    ) == before
    assert window.features["briefing"].presentation is None
    assert window.features["briefing"].stories.current_step_index() == 1  # where the talk stopped


def test_presentation_without_animation_lands_at_once(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    story, steps = sample_story(window)
    shown = window.features["briefing"].present(story, start=2, full_screen=False)
    assert shown is not None and shown.index == 2
    assert not shown.classification_top.isVisible()  # no classification set
    shown.animate = False
    qtbot.waitUntil(lambda: shown.map.is_ready, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: shows(qtbot, shown, steps[2]), timeout=WAIT_MS)
    QTest.keyClick(shown, Qt.Key.Key_Up)  # some clickers send up/down
    assert shown.view_state.timeline == steps[1].timeline  # no glide: there at once
    qtbot.waitUntil(lambda: shows(qtbot, shown, steps[1]), timeout=WAIT_MS)
    with qtbot.waitSignal(shown.closed, timeout=WAIT_MS):
        shown.close()


def test_presenting_an_empty_story_explains_instead(
    make_main_window: Any, qtbot: Any, monkeypatch: Any, sample_project: Project
) -> None:
    from desktop_app.views import plain_text

    window = make_main_window(sample_project)
    told: list[str] = []
    monkeypatch.setattr(plain_text, "inform", lambda *a: told.append(a[2]))
    story = window.features["briefing"].stories.new_story("Empty")
    assert window.features["briefing"].present(story) is None
    assert told and "no views" in told[0]
    with pytest.raises(ValueError):
        from desktop_app.features.briefing.presentation import PresentationWindow

        PresentationWindow(window, [])
