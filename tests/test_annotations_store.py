"""Annotations in the store: saved, changed, deleted and put back with their id, checked
before they are written, on SQLite and PostgreSQL (the ``project`` fixture), and added
to an older project by migration 0007_annotations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from desktop_app.store.annotations import (
    AnnotationError,
    AnnotationFields,
    create_annotation,
    delete_annotation,
    list_annotations,
    read_annotation,
    restore_annotation,
    update_annotation,
)
from desktop_app.store.project import Project, schema_head

XSS = "<img src=x onerror=alert(1)>"


def test_every_kind_round_trips(project: Project) -> None:
    drawn = [
        AnnotationFields("point", {"lat": 55.75, "lon": 37.62}, XSS),
        AnnotationFields("text", {"lat": 39.9, "lon": 116.4}, "Beijing: talks"),
        AnnotationFields("line", {"points": [[55.75, 37.62], [39.9, 116.4]]}, "route"),
        AnnotationFields("polygon", {"points": [[40, 10], [40, 20], [50, 20]]}, "box"),
        AnnotationFields(
            "ring", {"lat": 25.03, "lon": 121.56, "radii": [300, 100, 200], "unit": "nm"}, "SAM"
        ),
    ]
    ids = [create_annotation(project, a) for a in drawn]
    assert ids == sorted(ids) and len(set(ids)) == 5
    listed = list_annotations(project)
    assert [r.id for r in listed] == ids
    assert listed[0].fields.label == XSS  # stored as the analyst typed it
    assert listed[4].fields.geometry["radii"] == [100.0, 200.0, 300.0]  # sorted
    assert listed[4].fields.style == {"color": "#6d28d9"}
    assert listed[1].to_dict()["kind"] == "text"


def test_change_delete_and_put_back_with_the_same_id(project: Project) -> None:
    first = create_annotation(project, AnnotationFields("point", {"lat": 1, "lon": 2}, "a"))
    moved = AnnotationFields("point", {"lat": 3, "lon": 4}, "renamed")
    before = update_annotation(project, first, moved)
    assert before.label == "a" and before.geometry == {"lat": 1.0, "lon": 2.0}
    assert read_annotation(project, first).fields.label == "renamed"
    row = delete_annotation(project, first)
    assert list_annotations(project) == []
    second = create_annotation(project, AnnotationFields("point", {"lat": 0, "lon": 0}))
    assert second > first  # ids are never reused
    restore_annotation(project, row)
    assert [r.id for r in list_annotations(project)] == [first, second]
    assert read_annotation(project, first).fields.geometry == {"lat": 3.0, "lon": 4.0}
    with pytest.raises(AnnotationError, match="no annotation"):
        delete_annotation(project, 999)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (AnnotationFields("circle", {"lat": 0, "lon": 0}), "not a kind"),
        (AnnotationFields("point", {"lat": 91, "lon": 0}), "latitude"),
        (AnnotationFields("point", {"lat": "1", "lon": 0}), "not a number"),
        (AnnotationFields("line", {"points": [[0, 0]]}), "corners"),
        (AnnotationFields("polygon", {"points": [[0, 0], [1, 1]]}), "corners"),
        (AnnotationFields("ring", {"lat": 0, "lon": 0, "radii": [5], "unit": "ft"}), "unit"),
        (AnnotationFields("ring", {"lat": 0, "lon": 0, "radii": [-5]}), "radius"),
        (AnnotationFields("ring", {"lat": 0, "lon": 0, "radii": []}), "radii"),
        (AnnotationFields("text", {"lat": 0, "lon": 0}, "  "), "needs some text"),
        (AnnotationFields("point", {"lat": 0, "lon": 0}, "x" * 501), "at most"),
        (AnnotationFields("point", {"lat": 0, "lon": 0}, "", {"color": "red;x"}), "#rrggbb"),
    ],
)
def test_a_bad_annotation_is_refused_and_nothing_is_written(
    project: Project, fields: AnnotationFields, message: str
) -> None:
    with pytest.raises(AnnotationError, match=message):
        create_annotation(project, fields)
    assert list_annotations(project) == []


def test_an_annotation_keeps_its_kind(project: Project) -> None:
    made = create_annotation(project, AnnotationFields("point", {"lat": 0, "lon": 0}))
    with pytest.raises(AnnotationError, match="keeps its kind"):
        update_annotation(project, made, AnnotationFields("text", {"lat": 0, "lon": 0}, "t"))


@pytest.mark.sqlite_only("downgrades a SQLite file to schema 0006")
def test_migration_adds_the_table_to_an_older_project(tmp_path: Path) -> None:
    from alembic import command

    from desktop_app.store.connecting import alembic_config

    path = tmp_path / "old.sightline"
    with Project.open(path):
        pass
    engine = create_engine(f"sqlite:///{path}")
    with alembic_config() as config, engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0006")
    engine.dispose()
    old = sqlite3.connect(path)
    assert (
        old.execute("SELECT name FROM sqlite_master WHERE name = 'annotation'").fetchone() is None
    )
    old.close()
    with Project.open(path) as project:
        assert project.schema_revision() == schema_head() == "0007_annotations"
        made = create_annotation(project, AnnotationFields("point", {"lat": 0, "lon": 0}))
        assert [r.id for r in list_annotations(project)] == [made]
    sql = (
        sqlite3.connect(path)
        .execute("SELECT sql FROM sqlite_master WHERE name = 'annotation'")
        .fetchone()[0]
    )
    assert "AUTOINCREMENT" in sql
