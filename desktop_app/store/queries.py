"""Read-only summaries of a project."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np
from sqlalchemy import text

from desktop_app.domain.dates import Precision, from_seconds, iso_text, span_end_seconds
from desktop_app.store.project import Project


@dataclass(frozen=True)
class ProjectInfo:
    events: int
    located_events: int
    locations: int
    sources: int
    actors: int
    batches: int
    first: str | None  # ISO text at the first event's precision
    last: str | None  # ISO date of the last day any event's span reaches

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def project_info(project: Project) -> ProjectInfo:
    with project.engine.connect() as conn:

        def one(sql: str) -> int:
            return int(conn.execute(text(sql)).scalar_one() or 0)

        first = conn.execute(
            text("SELECT start_s, precision FROM event ORDER BY start_s LIMIT 1")
        ).first()
        last = conn.execute(text("SELECT max(coalesce(end_s, 0)), max(start_s) FROM event")).one()
        last_prec = conn.execute(
            text("SELECT precision FROM event ORDER BY start_s DESC LIMIT 1")
        ).scalar()
        info = ProjectInfo(
            events=one("SELECT count(*) FROM event"),
            # a place may be known by name only (not located yet): located means coordinates
            located_events=one(
                "SELECT count(*) FROM event e JOIN location l ON "
                "l.id = e.location_id WHERE l.latitude IS NOT NULL "
                "AND l.longitude IS NOT NULL"
            ),
            locations=one("SELECT count(*) FROM location"),
            sources=one("SELECT count(*) FROM source"),
            actors=one("SELECT count(*) FROM actor"),
            batches=one("SELECT count(*) FROM import_batch WHERE undone_at IS NULL"),
            first=None,
            last=None,
        )
    if first is None:
        return info
    import numpy as np

    end_of_last = int(span_end_seconds(np.array([last[1]]), np.array([last_prec]))[0])
    end = max(int(last[0] or 0), end_of_last)
    return replace(
        info,
        first=iso_text(from_seconds(first[0]), Precision(first[1])),
        last=iso_text(from_seconds(end - 1), Precision.DAY),
    )


def batch_event_ids(project: Project, batch_id: int) -> np.ndarray:
    """The ids of the events an import batch brought (its own, not its duplicates)."""
    with project.engine.connect() as conn:
        ids = conn.execute(
            text("SELECT id FROM event WHERE batch_id = :b"), {"b": int(batch_id)}
        ).scalars()
        return np.fromiter(ids, np.int64)
