"""Merging and renaming actors in the store (a real SQLite file, or PostgreSQL when the
suite runs there): one transaction each, undone exactly, refusals that change nothing;
and ``sightline links`` printing the sample's graph."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from sqlalchemy import select

from desktop_app.app import cli
from desktop_app.frame import EventFrame
from desktop_app.graph.build import build_graph
from desktop_app.ingest.sample import load_sample
from desktop_app.store import actors
from desktop_app.store.actors import ActorError
from desktop_app.store.project import Project
from desktop_app.store.schema import event_actor

PLA = "People's Liberation Army (PLA)"


def _links(project: Any) -> set[tuple[int, int, int]]:
    with project.engine.connect() as conn:
        return {tuple(r) for r in conn.execute(select(event_actor))}  # type: ignore[misc]


def test_merging_two_actors_joins_their_events_and_unmerging_splits_them(
    sample_project: Any,
) -> None:
    before_links = _links(sample_project)
    version = sample_project.data_version()
    russia = actors.actor_id(sample_project, "Russia")
    china = actors.actor_id(sample_project, "China")
    russia_events = actors.actor_events(sample_project, russia)
    china_events = actors.actor_events(sample_project, china)
    assert set(china_events) & set(russia_events)  # one event names both

    merge = actors.merge_actors(sample_project, russia, china)
    assert sample_project.data_version() != version
    assert actors.actor_events(sample_project, russia) == sorted({*russia_events, *china_events})
    with pytest.raises(ActorError):
        actors.actor_id(sample_project, "China")
    graph = build_graph(EventFrame.load(sample_project), None, ["actor"])
    assert "China" not in graph.names
    merged_count = len({*russia_events, *china_events})  # China's two events name Russia too
    assert int(graph.events[graph.node_of("actor", "Russia")]) == merged_count  # type: ignore[index]

    actors.unmerge_actors(sample_project, merge)
    assert _links(sample_project) == before_links
    assert actors.actor_id(sample_project, "China") == china  # the same id comes back
    graph = build_graph(EventFrame.load(sample_project), None, ["actor"])
    assert int(graph.events[graph.node_of("actor", "Russia")]) == 4  # type: ignore[index]
    assert int(graph.events[graph.node_of("actor", "China")]) == 2  # type: ignore[index]


def test_renaming_and_its_refusals(sample_project: Any) -> None:
    pla = actors.actor_id(sample_project, PLA)
    assert actors.rename_actor(sample_project, pla, "  PLA Airborne Corps ") == PLA
    assert actors.actor_id(sample_project, "PLA Airborne Corps") == pla
    version = sample_project.data_version()
    links = _links(sample_project)
    with pytest.raises(ActorError, match="merge the two"):
        actors.rename_actor(sample_project, pla, "Russia")
    with pytest.raises(ActorError, match="needs a name"):
        actors.rename_actor(sample_project, pla, "  ")
    with pytest.raises(ActorError, match="itself"):
        actors.merge_actors(sample_project, pla, pla)
    with pytest.raises(ActorError, match="no longer exists"):
        actors.merge_actors(sample_project, pla, 99_999)
    assert sample_project.data_version() == version  # nothing was written
    assert _links(sample_project) == links
    assert actors.rename_actor(sample_project, pla, PLA) == "PLA Airborne Corps"


@pytest.fixture()
def sample_file(tmp_path: Path) -> Path:
    path = tmp_path / "sample.sightline"
    project = Project.open(path)
    load_sample(project)
    project.close()
    return path


def test_cli_links_json(sample_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["links", "--project", str(sample_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"nodes", "edges"}
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["actor:Russia"] == {"id": "actor:Russia", "label": "Russia", "kind": "actor",
                                     "events": 4}  # fmt: skip
    assert len(nodes) == 7
    weights = {frozenset((e["source"], e["target"])): e["weight"] for e in data["edges"]}
    assert weights[frozenset(("actor:Russia", f"actor:{PLA}"))] == 3
    assert not any("actor:Black Moon" in pair for pair in weights)
    assert len(weights) == 8


def test_cli_links_places_top_and_graph_files(
    sample_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    graphml, gexf = tmp_path / "g.graphml", tmp_path / "g.gexf"
    argv = ["links", "--project", str(sample_file), "--kind", "places", "--top", "2", "--json",
            "--graphml", str(graphml), "--gexf", str(gexf)]  # fmt: skip
    assert cli.main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["nodes"][0]["label"] == "Moscow" and len(data["nodes"]) == 2
    assert {n["kind"] for n in data["nodes"]} == {"place"}
    assert set(nx.read_graphml(graphml).nodes) == {n["id"] for n in data["nodes"]}
    assert set(nx.read_gexf(gexf).nodes) == {n["id"] for n in data["nodes"]}
    assert cli.main(["links", "--project", str(sample_file)]) == 0
    assert "People's Liberation Army (PLA) — Russia: 3 shared events" in capsys.readouterr().out


def test_cli_links_refuses_bad_arguments(
    sample_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["links", "--project", str(tmp_path / "none.sightline")]) == 2
    assert "no project" in capsys.readouterr().err
    assert not (tmp_path / "none.sightline").exists()
    assert (
        cli.main(["links", "--project", str(sample_file), "--graphml", str(tmp_path / "g.txt")])
        == 2
    )
    assert "graph format" in capsys.readouterr().err
