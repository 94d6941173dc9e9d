"""ViewSnapshot: everything needed to return to a picture, as plain JSON-able values.

A saved view (and each step of a story) is one snapshot: the time window, facet,
numeric-range and weekday x hour filters, the timeline's visible range, the map's
centre and zoom, the selected event ids, the active event, plus the analyst's title and
note. Snapshots are immutable values; the store keeps them as JSON (see
:mod:`desktop_app.store.views_repo`) and the app applies them to a window
(:func:`desktop_app.features.briefing.snapshots.apply_view`). Views saved before the
ranges and the grid existed load with neither. Nothing here needs a running Qt
application.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from typing import Any, TypeGuard

from desktop_app.domain.periods import Period, parse_period
from desktop_app.state.models import Filters, MapView, Range
from desktop_app.store.views_repo import ViewsRepository

FORMAT = 1  # bumped when the JSON layout changes; older layouts are still read


@dataclass(frozen=True)
class PlaySpec:
    """A story step that plays its period: windows ``width`` long (None: cumulative),
    ``step`` apart (None: the width), at ``speed`` steps a second, with ``trail``
    earlier windows fading on the map. Periods are codes such as ``1d``, ``1w``, ``1M``."""

    width: str | None = "1w"
    step: str | None = None
    speed: float = 2.0
    trail: int = 0

    @property
    def width_period(self) -> Period | None:
        return parse_period(self.width) if self.width else None

    @property
    def step_period(self) -> Period | None:
        return parse_period(self.step) if self.step else None

    def to_dict(self) -> dict[str, Any]:
        return {"width": self.width, "step": self.step, "speed": self.speed, "trail": self.trail}

    @classmethod
    def from_dict(cls, data: object) -> PlaySpec | None:
        """None for anything that is not a playable spec (a bad period, a bad speed)."""
        if not isinstance(data, dict):
            return None
        width, step = data.get("width"), data.get("step")
        speed, trail = data.get("speed", 2.0), data.get("trail", 0)
        try:
            spec = cls(
                str(width) if width else None,
                str(step) if step else None,
                float(speed) if _is_number(speed) else 2.0,
                int(trail) if _is_int(trail) else 0,
            )
            spec.width_period, spec.step_period  # noqa: B018  (both must parse)
        except ValueError:
            return None
        if not 0.1 <= spec.speed <= 60 or not 0 <= spec.trail <= 10:
            return None
        return spec


@dataclass(frozen=True)
class ViewSnapshot:
    """A saved picture: where the analyst was looking and what they had picked."""

    title: str = ""
    note: str = ""
    timeline: tuple[int, int] | None = None  # civil seconds, [t0, t1)
    map: MapView | None = None
    filters: Filters = field(default_factory=Filters)
    selection: frozenset[int] = frozenset()
    active: int | None = None
    # the annotations shown (None: a view saved before annotations existed shows all)
    annotations: frozenset[int] | None = None
    play: PlaySpec | None = None  # a "play this period" step

    def with_text(self, title: str, note: str) -> ViewSnapshot:
        return replace(self, title=title, note=note)

    def with_play(self, play: PlaySpec | None) -> ViewSnapshot:
        return replace(self, play=play)

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        """Plain values only (ints, floats, strings, lists), sorted for stable output."""
        f = self.filters
        data: dict[str, Any] = {
            "format": FORMAT,
            "title": self.title,
            "note": self.note,
            "timeline": list(self.timeline) if self.timeline is not None else None,
            "map": None
            if self.map is None
            else {"lat": self.map.lat, "lon": self.map.lon, "zoom": self.map.zoom},
            "filters": {
                "t0": f.t0,
                "t1": f.t1,
                "text": f.text,
                "facets": {k: sorted(v) for k, v in sorted(f.facets.items()) if v},
                "ranges": {k: list(v) for k, v in sorted(f.ranges.items())},
                "clock": sorted(f.clock),
            },
            "selection": sorted(self.selection),
            "active": self.active,
            "play": self.play.to_dict() if self.play is not None else None,
        }
        if f.area:  # written only when set: older readers and files stay as they were
            data["filters"]["area"] = [list(p) for p in f.area]
        if self.annotations is not None:
            data["annotations"] = sorted(self.annotations)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ViewSnapshot:
        """Read what :meth:`to_dict` wrote; missing or malformed parts fall back to none."""
        timeline = data.get("timeline")
        span: tuple[int, int] | None = None
        if (
            isinstance(timeline, list | tuple)
            and len(timeline) == 2
            and all(_is_int(v) for v in timeline)
            and timeline[0] < timeline[1]
        ):
            span = (int(timeline[0]), int(timeline[1]))
        position = data.get("map")
        view: MapView | None = None
        if isinstance(position, dict) and all(
            _is_number(position.get(k)) for k in ("lat", "lon", "zoom")
        ):
            view = MapView(float(position["lat"]), float(position["lon"]), float(position["zoom"]))
        raw = data.get("filters") if isinstance(data.get("filters"), dict) else {}
        assert isinstance(raw, dict)
        facets_in = raw.get("facets") if isinstance(raw.get("facets"), dict) else {}
        assert isinstance(facets_in, dict)
        facets = {
            str(k): frozenset(str(x) for x in v)
            for k, v in facets_in.items()
            if isinstance(v, list) and v
        }
        filters = Filters(
            t0=int(raw["t0"]) if _is_int(raw.get("t0")) else None,
            t1=int(raw["t1"]) if _is_int(raw.get("t1")) else None,
            text=str(raw.get("text") or ""),
            facets=facets,
            area=_area(raw.get("area")),
            ranges=_ranges(raw.get("ranges")),
            clock=_clock(raw.get("clock")),
        )
        shown = data.get("annotations")
        selection = data.get("selection") if isinstance(data.get("selection"), list) else []
        assert isinstance(selection, list)
        active = data.get("active")
        return cls(
            title=str(data.get("title") or ""),
            note=str(data.get("note") or ""),
            timeline=span,
            map=view,
            filters=filters,
            selection=frozenset(int(i) for i in selection if _is_int(i)),
            active=int(active) if _is_int(active) else None,
            annotations=frozenset(int(i) for i in shown if _is_int(i))
            if isinstance(shown, list)
            else None,
            play=PlaySpec.from_dict(data.get("play")),
        )

    @classmethod
    def from_json(cls, text: str) -> ViewSnapshot:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("a view snapshot is a JSON object")
        return cls.from_dict(data)


def _area(value: object) -> tuple[tuple[float, float], ...]:
    """A saved area's (lon, lat) corners; () when missing or not an area."""
    if not isinstance(value, list) or len(value) < 3:
        return ()
    corners = []
    for corner in value:
        if not (isinstance(corner, list) and len(corner) == 2 and all(map(_is_number, corner))):
            return ()
        corners.append((float(corner[0]), float(corner[1])))
    return tuple(corners)


def _ranges(value: object) -> dict[str, Range]:
    """Saved ranges (views saved before there were any have none)."""
    out: dict[str, Range] = {}
    if not isinstance(value, dict):
        return out
    for name, bounds in value.items():
        if not isinstance(bounds, list | tuple) or len(bounds) != 2:
            continue
        low, high = (float(b) if _is_number(b) else None for b in bounds)
        if low is not None or high is not None:
            out[str(name)] = (low, high)
    return out


def _clock(value: object) -> frozenset[int]:
    if not isinstance(value, list):
        return frozenset()
    return frozenset(int(c) for c in value if _is_int(c) and 0 <= c < 7 * 24)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def story_steps(repo: ViewsRepository | None, story_id: int) -> tuple[str, list[ViewSnapshot]]:
    """A story's title and its steps as snapshots (each with its view's title and note);
    ``("", [])`` when there is no such story."""
    story = repo.story(story_id) if repo is not None else None
    if story is None:
        return "", []
    return story.title, [
        ViewSnapshot.from_dict(s.view.state).with_text(s.view.title, s.view.note)
        for s in story.steps
    ]
