"""The detail pane: the card of one event, the summary of several, and its safety."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from desktop_app.domain.dates import Precision, parse_date, to_seconds
from desktop_app.frame.event_frame import EventFrame
from desktop_app.frame.summary import summarise
from desktop_app.ingest.pipeline import import_file
from desktop_app.ingest.sample import load_sample
from desktop_app.state.models import SelectionModel, ViewState
from desktop_app.store.details import event_detail
from desktop_app.views.details import DetailsView, SafeTextBrowser
from desktop_app.views.details.card import last_unit, span_words
from desktop_app.views.details.view import EVENT_ID_ROLE


def _id_of(frame: EventFrame, title_part: str) -> int:
    hits = [int(i) for i, t in zip(frame.ids, frame.title, strict=True) if title_part in t]
    assert len(hits) == 1, (title_part, hits)
    return hits[0]


@pytest.fixture()
def sample(project):  # type: ignore[no-untyped-def]
    load_sample(project)
    return project, EventFrame.load(project)


def make_view(qtbot, project, frame):  # type: ignore[no-untyped-def]
    selection = SelectionModel()
    view = DetailsView(selection, ViewState(), project_provider=lambda: project)
    qtbot.addWidget(view)
    view.set_frame(frame)
    return view, selection


def test_sorting_out_the_last_unit_of_a_span() -> None:
    def s(text: str) -> int:
        return to_seconds(parse_date(text).start)

    assert last_unit(s("2025"), Precision.YEAR) == (parse_date("2024").start, Precision.YEAR)
    assert last_unit(s("2022-02-21"), Precision.DAY)[1] is Precision.DAY
    assert last_unit(s("2022-03"), Precision.YEAR)[1] is Precision.MONTH  # not a year end
    assert span_words(s("2023"), Precision.YEAR, s("2026")) == "2023 \u2013 2025"
    assert span_words(s("2023"), Precision.YEAR, s("2024")) == "2023"


# ---------------------------------------------------------------------- without Qt
def test_event_detail_reads_everything_in_one_go(project, data_dir: Path) -> None:
    import_file(project, data_dir / "acled_sample.csv")
    frame = EventFrame.load(project)
    detail = event_detail(project, _id_of(frame, "Belgorod"))
    assert detail is not None
    assert detail.place is not None and detail.place.name == "Belgorod"
    assert detail.place.country == "RU" and detail.place.latitude == pytest.approx(50.5997)
    assert [a.role for a in detail.actors] == ["actor 1", "actor 2"]
    assert {s.title for s in detail.sources} == {"TASS", "Meduza"}
    assert detail.batch is not None and detail.batch.file_name == "acled_sample.csv"
    assert detail.batch.preset == "acled"
    assert detail.attributes["sub_event_type"] == "Air/drone strike"
    assert event_detail(project, 10**9) is None


def test_summary_of_several_events(sample) -> None:  # type: ignore[no-untyped-def]
    _, frame = sample
    summary = summarise(frame, np.arange(len(frame)))
    assert summary.count == 8 and summary.located == 7
    assert summary.first_precision == Precision.YEAR
    assert (
        span_words(summary.first_start, summary.first_precision, summary.last_end)
        == "2023 \u2013 2025"
    )
    assert summary.top_places[0] == ("Moscow", 3)
    assert summary.top_categories[0] == ("strategic implication", 2)
    assert summarise(frame, np.zeros(0, np.int64)).count == 0


# ---------------------------------------------------------------------- the card
def test_card_of_a_sample_event(qtbot, sample) -> None:  # type: ignore[no-untyped-def]
    project, frame = sample
    view, selection = make_view(qtbot, project, frame)
    assert "No event selected" in view.card_text()
    selection.set([_id_of(frame, "equip and train a Chinese airborne")], source="map")
    text = view.card_text()
    assert "Russia\u2013China agreement to equip and train a Chinese airborne battalion" in text
    assert "2023, year only" in text
    assert "Moscow" in text and "Russia (RU)" in text
    assert "55.75580, 37.61730" in text and "town" in text  # View ▸ Coordinates: DD
    assert "B2 (usually reliable, probably true)" in text
    assert "People's Liberation Army (PLA)" in text and "military cooperation" in text
    assert "RUSI analysis of the Black Moon documents" in text
    assert "Royal United Services Institute (RUSI) · 2025" in text  # publisher and date
    assert "events.csv" in text and "generic" in text  # the import batch
    assert not view.summary_panel.isVisibleTo(view)


def test_card_of_an_event_with_an_end_and_no_place(qtbot, project, data_dir) -> None:  # type: ignore[no-untyped-def]
    import_file(project, data_dir / "timelinejs.csv")
    frame = EventFrame.load(project)
    view, selection = make_view(qtbot, project, frame)
    selection.set([_id_of(frame, "Talks in Beijing")], source="timeline")
    text = view.card_text()
    assert "10 January 2022" in text and "Until" in text and "20 February 2022" in text
    assert "No location" in text
    selection.set([_id_of(frame, "Border crossings closed")], source="timeline")
    assert "March 2020, month only" in view.card_text()


def test_unlocated_sample_event(qtbot, sample) -> None:  # type: ignore[no-untyped-def]
    project, frame = sample
    view, selection = make_view(qtbot, project, frame)
    selection.set([_id_of(frame, "Black Moon leaks")], source="table")
    assert "No location" in view.card_text()
    assert "2025, year only" in view.card_text()


def test_card_without_a_project_uses_the_frame(qtbot, sample) -> None:  # type: ignore[no-untyped-def]
    _, frame = sample
    selection = SelectionModel()
    view = DetailsView(selection, ViewState())
    qtbot.addWidget(view)
    view.set_frame(frame)
    selection.set([int(frame.ids[0])])
    assert str(frame.title[0]) in view.card_text() and "not open" in view.card_text()
    selection.set([999_999])
    assert "not in this project" in view.card_text()


# ---------------------------------------------------------------------- several events
def test_several_events_show_a_summary_and_a_list_to_pick_from(qtbot, sample) -> None:  # type: ignore[no-untyped-def]
    project, frame = sample
    view, selection = make_view(qtbot, project, frame)
    ids = [int(i) for i in frame.ids]
    selection.set(ids, source="map")
    assert view.summary_panel.isVisibleTo(view)
    summary = view.summary.toPlainText()
    assert "8 events selected" in summary and "2023 \u2013 2025" in summary
    assert "7 located, 1 without location" in summary and "Moscow 3" in summary
    assert view.event_list.count() == 8
    assert "Pick one of the 8 events" in view.card_text()

    target = _id_of(frame, "RUSI reviews")
    with qtbot.waitSignal(selection.changed) as blocker:
        view.pick(target)
    assert blocker.args == [view]
    assert selection.active == target and selection.ids == set(ids)
    assert view.shown_event == target and "RUSI reviews" in view.card_text()

    # filters hiding some selected events are mentioned, the list keeps them
    mask = frame.start < frame.start.max()
    view.set_visible(mask)
    assert "4 hidden by the filters" in view.summary.toPlainText()
    # another pane moving the active event moves the list's current row
    other = _id_of(frame, "Technology transfer")
    selection.set(ids, active=other, source="table")
    assert view.event_list.currentItem().data(EVENT_ID_ROLE) == other
    assert "Technology transfer" in view.card_text()


def test_no_echo_from_own_pick(qtbot, sample) -> None:  # type: ignore[no-untyped-def]
    project, frame = sample
    view, selection = make_view(qtbot, project, frame)
    selection.set([int(i) for i in frame.ids], source="map")
    first_item = view.event_list.item(0)
    emitted: list[object] = []
    selection.changed.connect(emitted.append)
    view.pick(int(frame.ids[2]))
    assert emitted == [view]
    assert view.event_list.item(0) is first_item  # the list was not rebuilt by the echo
    view.pick(int(frame.ids[2]))  # picking the active event again changes nothing
    assert emitted == [view]


# ---------------------------------------------------------------------- safety
def test_browser_refuses_every_resource(qtbot) -> None:  # type: ignore[no-untyped-def]
    browser = SafeTextBrowser()
    qtbot.addWidget(browser)
    browser.setHtml("<p>x</p><img src='https://example.com/canary.png'>")
    browser.resize(300, 200)
    browser.grab()
    assert "https://example.com/canary.png" in browser.refused_resources
    assert not browser.openLinks() and not browser.openExternalLinks()


def test_script_injection_is_shown_as_text(qtbot, project, data_dir) -> None:  # type: ignore[no-untyped-def]
    import_file(project, data_dir / "script_injection.csv")
    frame = EventFrame.load(project)
    view, selection = make_view(qtbot, project, frame)
    view.resize(500, 700)
    texts = []
    for event_id in frame.ids.tolist():
        selection.set([event_id], source="map")
        view.card.grab()  # lay out and paint: any image would be asked for now
        texts.append(view.card_text())
        assert_inert(view.card.last_html)
    texts = "\n".join(texts)
    assert "<script>alert(1)</script>" in texts  # the literal text, readable
    assert '<img src="https://example.com/canary.png">' in texts
    assert '<b onmouseover="window.__canary=2">hover</b>' in texts
    assert "javascript:alert(1)" in texts
    selection.set([int(i) for i in frame.ids], source="map")  # the summary and list too
    view.summary.grab()
    assert_inert(view.summary.last_html)
    assert "<script>alert(1)</script>" in view.event_list.item(0).text()
    remote = [
        u
        for u in view.card.refused_resources + view.summary.refused_resources
        if re.match(r"(https?|ftp|file):", u, re.I)
    ]
    assert remote == []


class _Markup(HTMLParser):
    """Every tag and attribute of a page, as a browser would see them."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


def assert_inert(page: str) -> None:
    markup = _Markup(page)
    assert not markup.tags & {"script", "img", "a", "iframe", "object", "embed", "link"}
    assert not [n for n, _ in markup.attributes if n.startswith("on") or n in ("src", "href")]
    assert not [v for _, v in markup.attributes if "javascript:" in v.lower()]
    assert not re.search(r"<\s*(script|img)", page, re.I)  # not even unparsed
