"""Plain event types shared by every layer (no Qt, no SQL)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from desktop_app.domain.dates import Precision


class GeoPrecision(StrEnum):
    """How exactly a location's coordinates place what happened."""

    EXACT = "exact"  # coordinates of the spot itself
    TOWN = "town"  # the named town or city
    NEAR = "near"  # near a town / part of a region (ACLED code 2)
    REGION = "region"  # an administrative region (ACLED code 3, GDELT ADM1)
    COUNTRY = "country"  # only the country is known (GDELT Geo_Type 1)
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Location:
    name: str
    country: str | None  # ISO 3166-1 alpha-2 where known
    latitude: float | None
    longitude: float | None
    geo_precision: GeoPrecision = GeoPrecision.UNKNOWN
    alt_names: tuple[str, ...] = ()
    id: int | None = None


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str | None = None
    url: str | None = None
    date: str | None = None
    notes: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class Actor:
    name: str
    id: int | None = None


@dataclass(frozen=True)
class Event:
    """One thing that happened, with a date known to some precision."""

    title: str
    start: datetime
    precision: Precision
    end: datetime | None = None
    description: str = ""
    category: str | None = None
    location: Location | None = None
    tags: tuple[str, ...] = ()
    actors: tuple[Actor, ...] = ()
    sources: tuple[Source, ...] = ()
    reliability: str | None = None  # A-F
    credibility: int | None = None  # 1-6
    external_id: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    id: int | None = None
