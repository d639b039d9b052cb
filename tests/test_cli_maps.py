"""CLI wiring of `atlas map` and of the gexf, graphml and vosviewer exports: exit codes, messages, files."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from click.testing import CliRunner

from atlas.cli import main
from tests.conftest import MINI


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("maps") / "store"
    result = CliRunner().invoke(main, ["--store", str(path), "build", str(MINI)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def run(store):
    def invoke(*args: str):
        return CliRunner().invoke(main, ["--store", str(store), *args], catch_exceptions=False)

    return invoke


def data_of(path) -> dict:
    text = path.read_text(encoding="utf-8")
    return json.loads(text.split('<script type="application/json" id="atlas-data">')[1].split("</script>")[0])


@pytest.mark.parametrize(("args", "nodes"), [
    ([], 18),
    (["--view", "ego", "--focus", "le-mene"], 2),
    (["--view", "links", "--min-support", "1"], 7),
    (["--view", "principles"], 9),
    (["--view", "territory", "--focus", "Mouans-Sartoux", "--lang", "fr"], 6),
])
def test_map_writes_each_view(run, tmp_path, args, nodes):
    out = tmp_path / "map.html"
    result = run("map", *args, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {out} (") and f"{nodes} nodes" in result.output
    data = data_of(out)
    assert len(data["nodes"]) == nodes and data["name"]["en"] == "Test mini atlas" and data["date"] == "2026-11-25"


def test_map_options_reach_the_stamp(run, tmp_path):
    out = tmp_path / "links.html"
    run("map", "--view", "links", "--measure", "jaccard", "--top", "3", "--min-support", "1", "--physics", "off",
        "--lang", "fr", "-o", str(out))
    options = dict(data_of(out)["options"])
    assert options == {"view": "links", "measure": "jaccard", "top": "3", "min_support": "1",
                       "centrality": "pagerank", "seed": "0", "lang": "fr", "physics": "off"}
    assert len(data_of(out)["edges"]) == 3


def test_map_is_byte_identical_across_runs(run, tmp_path):
    run("map", "--view", "links", "--min-support", "1", "-o", str(tmp_path / "a.html"))
    run("map", "--view", "links", "--min-support", "1", "-o", str(tmp_path / "b.html"))
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


@pytest.mark.parametrize("view", ["ego", "territory"])
def test_focus_is_required(run, tmp_path, view):
    result = run("map", "--view", view, "-o", str(tmp_path / "x.html"))
    assert result.exit_code == 2 and f"--view {view} needs --focus NAME" in result.output
    assert not (tmp_path / "x.html").exists()


def test_unknown_focus_exits_1_with_suggestions(run, tmp_path):
    result = run("map", "--view", "ego", "--focus", "le-men", "-o", str(tmp_path / "x.html"))
    assert result.exit_code == 1 and result.output.startswith("Error: unknown name 'le-men' (did you mean")
    result = run("map", "--view", "territory", "--focus", "energy", "-o", str(tmp_path / "x.html"))
    assert result.exit_code == 1 and "unknown territory 'energy'" in result.output


@pytest.mark.parametrize(("name", "reader"), [("links.gexf", nx.read_gexf), ("links.graphml", nx.read_graphml)])
def test_map_writes_graph_files_by_suffix(run, tmp_path, name, reader):
    out = tmp_path / name
    result = run("map", "--view", "links", "--min-support", "1", "-o", str(out))
    assert result.exit_code == 0 and "7 nodes, 8 edges" in result.output
    g = reader(out)
    assert g.number_of_nodes() == 7 and {"score", "evidence"} <= set(next(iter(g.edges(data=True)))[2])


def test_map_vosviewer_format(run, tmp_path):
    result = run("map", "--view", "links", "--min-support", "1", "--format", "vosviewer", "-o", str(tmp_path / "l.txt"))
    assert result.exit_code == 0 and "l-network.txt" in result.output
    assert len((tmp_path / "l-network.txt").read_text().splitlines()) == 8


@pytest.mark.parametrize(("fmt", "name"), [("gexf", "atlas.gexf"), ("graphml", "atlas.graphml")])
def test_export_formats(run, tmp_path, fmt, name):
    out = tmp_path / name
    result = run("export", "--format", fmt, "-o", str(out))
    assert result.exit_code == 0 and result.output.startswith(f"wrote {out}")
    g = nx.read_gexf(out) if fmt == "gexf" else nx.read_graphml(out)
    kinds = {d["kind"] for _, d in g.nodes(data=True)}
    assert kinds == {"experience", "issue", "principle", "territory", "actor"} and g.number_of_nodes() == 18
    assert any(d.get("cluster", 0) >= 1 for _, d in g.nodes(data=True))


def test_export_vosviewer(run, tmp_path):
    result = run("export", "--format", "vosviewer", "-o", str(tmp_path / "links-map.txt"))
    assert result.exit_code == 0
    assert (tmp_path / "links-map.txt").read_text().startswith("id\tlabel\tx\ty\tcluster")
    assert (tmp_path / "links-network.txt").exists()


def test_help_lists_the_views(run):
    result = run("map", "--help")
    assert result.exit_code == 0 and "atlas map --view links" in result.output
    for view in ("atlas", "ego", "links", "principles", "territory"):
        assert view in result.output
