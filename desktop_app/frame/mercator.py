"""Web-Mercator "world" units: 0..1 across the world, y down (what Leaflet's pixels are
at zoom 0, over 256). No Qt here."""

from __future__ import annotations

import numpy as np

MAX_LAT = 85.05112878  # Web-Mercator's limit


def mercator_x(lon: np.ndarray | float) -> np.ndarray:
    return (np.asarray(lon, np.float64) + 180.0) / 360.0


def mercator_y(lat: np.ndarray | float) -> np.ndarray:
    lat = np.clip(np.asarray(lat, np.float64), -MAX_LAT, MAX_LAT)
    s = np.sin(np.radians(lat))
    return np.asarray(0.5 - np.log((1.0 + s) / (1.0 - s)) / (4.0 * np.pi))


def latitude_of(y: np.ndarray) -> np.ndarray:
    return np.degrees(np.arctan(np.sinh(np.pi * (1.0 - 2.0 * y))))
