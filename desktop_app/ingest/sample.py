"""The embedded default dataset: the seed report's events, places and sources.

The files in ``data/sample`` go through the ordinary importer (generic preset), after
the places and sources they name have been added, so the events resolve against the
project's own locations exactly as an analyst's sheet would.
"""

from __future__ import annotations

from importlib.resources import as_file, files

import pandas as pd
from sqlalchemy import select

from desktop_app.ingest.pipeline import ImportResult, Options, import_file
from desktop_app.store.project import Project
from desktop_app.store.schema import Location, Source


def _read(folder: object, name: str) -> pd.DataFrame:
    frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False)  # type: ignore[operator]
    return frame


def load_sample(project: Project) -> ImportResult:
    """Add the sample dataset to a project (idempotent: nothing is added twice)."""
    with as_file(files("desktop_app.sample_data").joinpath("sample")) as folder:
        locations = _read(folder, "locations.csv")
        sources = _read(folder, "sources.csv")
        with project.writing_session("adding the sample data", timeout=None) as session:
            have = set(session.scalars(select(Location.name)))
            for row in locations.itertuples(index=False):
                if row.name in have:
                    continue
                session.add(
                    Location(
                        name=row.name,
                        country=row.country or None,
                        latitude=float(row.latitude),
                        longitude=float(row.longitude),
                        geo_precision=row.geo_precision or "unknown",
                        alt_names=[a.strip() for a in row.alt_names.split(";") if a.strip()],
                    )
                )
            titles = set(session.scalars(select(Source.title)))
            for row in sources.itertuples(index=False):
                if row.title in titles:
                    continue
                session.add(
                    Source(
                        title=row.title,
                        publisher=row.publisher or None,
                        url=row.url or None,
                        date=row.date or None,
                        notes=row.notes or None,
                    )
                )
        return import_file(project, folder / "events.csv", Options(preset="generic"))
