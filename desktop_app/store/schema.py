"""SQLAlchemy 2.x ORM models of a Sightline project.

Instants are integer "civil seconds" (see :mod:`desktop_app.domain.dates`): fast to
bulk-write, compare and load into the columnar frame, and free of time zones.
The Alembic migrations in ``store/migrations`` create exactly this schema; a test
compares the two.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, foreign, mapped_column, relationship

from desktop_app.domain.dates import Precision, from_seconds

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# ids are never reused (migration 0004): SQLite AUTOINCREMENT, PostgreSQL sequences
_NEVER_REUSE_IDS: dict[str, Any] = {"sqlite_autoincrement": True}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ImportBatch(Base):
    """One import of one file: what was read, how, and what came of it."""

    __tablename__ = "import_batch"
    __table_args__ = _NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    preset: Mapped[str] = mapped_column(String(32))
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON)  # target field -> file column
    options: Mapped[dict[str, Any]] = mapped_column(JSON)  # encoding, delimiter, sheet, date order
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    unlocated: Mapped[int] = mapped_column(Integer, default=0)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Location(Base):
    __tablename__ = "location"
    __table_args__ = _NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, index=True)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)  # ISO alpha-2
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    geo_precision: Mapped[str] = mapped_column(String(16), default="unknown")
    alt_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    gazetteer_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # what the source file said about the place beyond name and coordinates
    # (ACLED's region and admin1-3, GDELT's feature id ...)
    attributes: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True
    )
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL"), nullable=True
    )


class Source(Base):
    __tablename__ = "source"
    __table_args__ = _NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text, index=True)
    publisher: Mapped[str | None] = mapped_column(Text, nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    date: Mapped[str | None] = mapped_column(Text, nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL"), nullable=True
    )


class Actor(Base):
    __tablename__ = "actor"
    __table_args__ = _NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, index=True, unique=True)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL"), nullable=True
    )


# Link tables are clustered on (event_id, ...) (WITHOUT ROWID on SQLite): a batch's links
# are written in event order, so no separate index needs building. actor_id/source_id
# carry no foreign key: checking one per deleted actor would scan the whole table, and
# the store code that deletes actors or sources (undo) removes their links itself.
event_actor = Table(
    "event_actor",
    Base.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("actor_id", Integer, primary_key=True),
    Column("role", SmallInteger, primary_key=True),  # 1 actor 1, 2 actor 2, 3 associated
    sqlite_with_rowid=False,
)

event_source = Table(
    "event_source",
    Base.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("source_id", Integer, primary_key=True),
    sqlite_with_rowid=False,
)


class Event(Base):
    """An event. ``fingerprint`` (64-bit) makes re-imports idempotent."""

    __tablename__ = "event"
    __table_args__ = _NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="CASCADE"), nullable=True
    )
    external_id: Mapped[str | None] = mapped_column(Text, nullable=True)
    fingerprint: Mapped[int] = mapped_column(BigInteger, index=True, unique=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    start_s: Mapped[int] = mapped_column(BigInteger, index=True)
    end_s: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    precision: Mapped[int] = mapped_column(SmallInteger)
    category: Mapped[str | None] = mapped_column(Text, nullable=True)
    # No foreign key (as on the link tables): with one, deleting a place makes SQLite
    # look for its events, which needs an index that costs a second per million events
    # at every big import. Store code that deletes places re-points their events first;
    # tests check that no event points at a missing place.
    location_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tags: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    reliability: Mapped[str | None] = mapped_column(String(1), nullable=True)
    credibility: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    attributes: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True
    )

    location: Mapped[Location | None] = relationship(
        lazy="joined",
        viewonly=True,
        primaryjoin=lambda: foreign(Event.location_id) == Location.id,
    )
    batch: Mapped[ImportBatch | None] = relationship()
    # read-only: links are written in bulk by store code (see the note on link tables)
    actors: Mapped[list[Actor]] = relationship(
        secondary=event_actor,
        order_by=Actor.name,
        viewonly=True,
        primaryjoin=lambda: Event.id == event_actor.c.event_id,
        secondaryjoin=lambda: foreign(event_actor.c.actor_id) == Actor.id,
    )
    sources: Mapped[list[Source]] = relationship(
        secondary=event_source,
        order_by=Source.id,
        viewonly=True,
        primaryjoin=lambda: Event.id == event_source.c.event_id,
        secondaryjoin=lambda: foreign(event_source.c.source_id) == Source.id,
    )

    @property
    def start(self) -> datetime:
        return from_seconds(self.start_s)

    @property
    def end(self) -> datetime | None:
        return None if self.end_s is None else from_seconds(self.end_s)

    @property
    def date_precision(self) -> Precision:
        return Precision(self.precision)


class Setting(Base):
    """Per-project settings (e.g. the classification line of exports)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SavedView(Base):
    """A saved picture (``state`` is a ViewSnapshot's JSON) with the analyst's title and note."""

    __tablename__ = "saved_view"
    __table_args__ = _NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Story(Base):
    """An ordered list of saved views, presented or exported as a briefing."""

    __tablename__ = "story"
    __table_args__ = _NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)  # order in the stories list
    created_at: Mapped[datetime] = mapped_column(DateTime)


class StoryStep(Base):
    """One step of a story: a saved view at a position (a view may serve several stories)."""

    __tablename__ = "story_step"
    __table_args__ = _NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("story.id", ondelete="CASCADE"), index=True)
    view_id: Mapped[int] = mapped_column(
        ForeignKey("saved_view.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)


class Annotation(Base):
    """The analyst's own drawing on the map (migration 0007): a labelled point, a line,
    a polygon, a text note or range rings. ``geometry`` is JSON (see
    :mod:`desktop_app.store.annotations`); ``label`` is data, never markup."""

    __tablename__ = "annotation"
    __table_args__ = _NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(Text, default="")
    geometry: Mapped[dict[str, Any]] = mapped_column(JSON)
    style: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


def table_of(model: type[Base]) -> Table:
    """The Core table of a mapped class, typed as a ``Table`` (``__table__`` is typed as
    the wider ``FromClause``, which has no ``update()`` or ``indexes``)."""
    return Base.metadata.tables[model.__tablename__]
