"""Joining nearby points in rounds gives what taking the points one by one gives."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_app.ingest import nearby
from desktop_app.ingest.place_names import distance_km


def one_by_one(
    names: list[str],
    countries: list[str],
    lat: list[float],
    lon: list[float],
    tolerance: list[float],
    places: dict[tuple[str, str], list[list[float]]],
) -> list[tuple[list[float], bool]]:
    """The reference: each point in turn joins the first place that reaches it."""
    out = []
    for name, cc, a, b, t in zip(names, countries, lat, lon, tolerance, strict=True):
        near = places.setdefault((name, cc), [])
        hit = next(
            (p for p in near if distance_km(a, b, p[0], p[1]) <= (max(t, p[2]) if name else 0)),
            None,
        )
        made = hit is None
        if hit is None:
            hit = [a, b, t, -1.0, -1.0]
            near.append(hit)
        out.append((hit, made))
    return out


def _points(seed: int, n: int) -> tuple[list[str], list[str], np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    names = rng.choice(["Aleppo", "Homs", "", "Idlib"], n).tolist()
    countries = rng.choice(["SY", "TR"], n).tolist()
    centre = rng.choice([0.0, 0.3], n)  # two clusters ~33 km apart
    lat = np.round(35 + centre + rng.normal(0, 0.02, n), 5)
    lon = np.round(37 + rng.normal(0, 0.02, n), 5)
    lon[: n // 20] = 180.0  # the antimeridian: 180 and -180 are one spot
    lon[n // 20 : n // 10] = -180.0
    lat[: n // 10] = 10.0
    tolerance = rng.choice([1.0, 5.0, 25.0], n).astype(np.float64)
    tolerance[np.array(names) == ""] = 0.0
    return names, countries, lat, lon, tolerance


@pytest.mark.parametrize(("seed", "rounds"), [(1, 256), (2, 256), (3, 2), (4, 0)])
def test_rounds_match_one_by_one(monkeypatch: pytest.MonkeyPatch, seed: int, rounds: int) -> None:
    monkeypatch.setattr(nearby, "MAX_ROUNDS", rounds)  # 0 and 2: the one-by-one tail too
    names, countries, lat, lon, tolerance = _points(seed, 3000)
    # places known before the slice, under some of the names
    before = {("Aleppo", "SY"): [[35.0, 37.0, 1.0, 7.0, -1.0]], ("", "TR"): [[10, 180, 0, 8, -1]]}
    expected_places = {k: [list(p) for p in v] for k, v in before.items()}
    expected = one_by_one(
        names, countries, lat.tolist(), lon.tolist(), tolerance.tolist(), expected_places
    )
    # (name, country) codes, as the caller makes them
    keys = {k: i for i, k in enumerate(dict.fromkeys(zip(names, countries, strict=True)))}
    group = np.array([keys[k] for k in zip(names, countries, strict=True)], np.int64)
    book = nearby.PlaceBook()
    for (name, cc), near in before.items():
        for e in near:
            book.add(
                np.array([book.group_of((name, cc))]),
                np.array([e[0]], np.float64),
                np.array([e[1]], np.float64),
                np.array([e[2]], np.float64),
                np.array([e[3]], np.int64),
            )
    got = nearby.join_nearby(
        group,
        np.array(names, dtype=object),
        np.array(countries, dtype=object),
        lat,
        lon,
        tolerance,
        book,
    )

    def entry(p: int) -> list[float]:
        return [
            float(book.lat[p]),
            float(book.lon[p]),
            float(book.tolerance[p]),
            float(book.project_id[p]),
            float(book.local_id[p]),
        ]

    positions = {  # the places of each name, in the order they were made
        key: np.flatnonzero(book.group[: book.size] == g).tolist() for key, g in book.groups.items()
    }
    places = {key: [entry(p) for p in at] for key, at in positions.items()}
    assert places == expected_places  # the same places, in the same order per name
    assert [e for e, _ in expected] == [entry(p) for p in got.place.tolist()]
    assert [m for _, m in expected] == got.created.tolist()
    assert got.created.sum() < len(names) / 2  # most points joined a place
    for i, (e, _) in enumerate(expected):  # each joined the very same place
        key = (names[i], countries[i])
        assert got.place[i] == positions[key][expected_places[key].index(e)]
