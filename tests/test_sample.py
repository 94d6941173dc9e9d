"""The embedded sample dataset built from the seed report."""

from __future__ import annotations

from sqlalchemy import select

from desktop_app.domain.dates import Precision
from desktop_app.ingest.sample import load_sample
from desktop_app.store.project import Project
from desktop_app.store.queries import project_info
from desktop_app.store.schema import Event, Location, Source


def test_sample_loads_with_honest_precision_and_places(project: Project) -> None:
    result = load_sample(project)
    assert result.rejected == 0 and result.imported >= 8
    with project.session() as session:
        events = session.scalars(select(Event)).unique().all()
        places = {loc.name for loc in session.scalars(select(Location))}
        sources = session.scalars(select(Source.title)).all()
        agreement = next(e for e in events if "agreement" in e.title.lower())
        assert agreement.date_precision is Precision.YEAR and agreement.start.year == 2023
        assert agreement.location is not None and agreement.location.name == "Moscow"
        assert len(agreement.sources) >= 1
        leak = next(
            e
            for e in events
            if "black moon" in (e.title + (e.description or "")).lower()
            and "leak" in e.title.lower()
        )
        assert leak.location is None  # the report names no place for the leak
        # nothing more precise than a year: the report dates nothing more closely
        assert {e.date_precision for e in events} == {Precision.YEAR}
    assert {"Moscow", "Beijing", "Taipei", "Manila", "London"} <= places
    assert any("RUSI" in s for s in sources)
    # every event resolved against the project's own places, none from the gazetteer
    assert result.unresolved_places == {}


def test_sample_is_idempotent(project: Project) -> None:
    first = load_sample(project)
    second = load_sample(project)
    assert second.imported == 0 and second.duplicates == first.imported
    info = project_info(project)
    assert info.events == first.imported and info.locations == 5 and info.first == "2023"
