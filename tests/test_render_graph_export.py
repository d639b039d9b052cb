"""Graph exports read back by independent readers: networkx (GEXF, GraphML) and igraph (GraphML).

The links view of the tiny atlas below (count measure): a–c shared by e1, e2
(score 2, remote: a is in F, c in G), a–b by e3 (score 1, b is under a).
"""

from __future__ import annotations

import igraph
import networkx as nx
import pytest

from atlas.errors import ExportError
from atlas.model import corpus_from_records
from atlas.render.graph_export import generate_vosviewer, network_path, view_graph, write_graph
from atlas.render.views import build_view

NODE_ATTRIBUTES = {"kind", "label", "label_en", "label_fr", "families", "family", "colour", "size", "centrality",
                   "x", "y", "cluster", "mark"}
LINK_ATTRIBUTES = {"relation", "width", "remote", "evidence", "measure", "score", "support", "p_value",
                   "remoteness"}


def corpus():
    return corpus_from_records(
        {"e1": ("a", "c"), "e2": ("a", "c"), "e3": ("a", "b")},
        kinds={"e1": "experience", "e2": "experience", "e3": "experience", "a": "issue", "b": "issue",
               "c": "issue", "F": "family", "G": "family", "t": "territory"},
        families=("F", "G"), broader={"a": ("F",), "b": ("a",), "c": ("G",)},
        family_colours={"F": "#112233", "G": "#445566"},
        labels={"a": {"en": "Alpha", "fr": "Alpha é"}, "c": {"en": 'Tab\there "quoted"; semi'}},
        experience_territory={"e1": "t"},
    )


@pytest.fixture(scope="module")
def links():
    return build_view(corpus(), "links", measure="count", min_support=1)


@pytest.fixture(scope="module")
def atlas():
    return build_view(corpus(), "atlas")


def test_gexf_reads_back_in_networkx_with_all_attributes(tmp_path, links):
    path = tmp_path / "links.gexf"
    write_graph(path, links, "gexf", date="2026-11-25")
    g = nx.read_gexf(path)
    assert sorted(g.nodes) == ["a", "b", "c"]
    a = g.nodes["a"]
    assert set(a) >= NODE_ATTRIBUTES and {"role", "betweenness", "experiences"} <= set(a)
    assert (a["kind"], a["label"], a["label_fr"], a["family"]) == ("issue", "Alpha", "Alpha é", "F")
    assert isinstance(a["cluster"], int) and a["cluster"] >= 1 and a["mark"] == "bridge"
    assert a["viz"]["position"]["x"] == float(next(n.x for n in links.nodes if n.id == "a"))
    ac = g.edges["a", "c"]
    assert set(ac) >= LINK_ATTRIBUTES
    assert (ac["score"], ac["support"], ac["remote"], ac["evidence"]) == (2.0, 2, True, "e1;e2")
    assert g.edges["a", "b"]["remote"] is False


def test_graphml_reads_back_in_networkx_and_igraph(tmp_path, links):
    path = tmp_path / "links.graphml"
    write_graph(path, links, "graphml")
    g = nx.read_graphml(path)
    assert set(g.nodes["a"]) >= NODE_ATTRIBUTES and set(g.edges["a", "c"]) >= LINK_ATTRIBUTES
    assert g.edges["a", "c"]["evidence"] == "e1;e2" and g.nodes["c"]["label"] == 'Tab\there "quoted"; semi'
    ig = igraph.Graph.Read_GraphML(str(path))
    assert set(ig.vs.attributes()) >= NODE_ATTRIBUTES and set(ig.es.attributes()) >= LINK_ATTRIBUTES
    by_id = {v["id"]: v for v in ig.vs}
    assert by_id["a"]["kind"] == "issue" and by_id["a"]["cluster"] >= 1
    edge = ig.es[ig.get_eid(by_id["a"].index, by_id["c"].index)]
    assert (edge["score"], edge["support"], edge["evidence"]) == (2.0, 2, "e1;e2")


def test_atlas_export_has_node_types_and_relations(tmp_path, atlas):
    path = tmp_path / "atlas.graphml"
    write_graph(path, atlas, "graphml")
    ig = igraph.Graph.Read_GraphML(str(path))
    assert sorted(set(ig.vs["kind"])) == ["experience", "issue", "territory"]
    assert sorted(set(ig.es["relation"])) == ["addresses", "broader", "located"]
    assert sorted(v["family"] for v in ig.vs if v["kind"] == "issue") == ["F", "F", "G"]
    assert all(v["centrality"] > 0 for v in ig.vs)


@pytest.mark.parametrize("fmt", ["gexf", "graphml", "vosviewer"])
def test_exports_are_byte_identical(tmp_path, fmt):
    one = build_view(corpus(), "links", measure="count", min_support=1)
    two = build_view(corpus(), "links", measure="count", min_support=1)
    write_graph(tmp_path / "one.txt", one, fmt, date="2026-11-25")
    write_graph(tmp_path / "two.txt", two, fmt, date="2026-11-25")
    assert (tmp_path / "one.txt").read_bytes() == (tmp_path / "two.txt").read_bytes()


def test_gexf_date_is_the_data_date(tmp_path, links):
    write_graph(tmp_path / "a.gexf", links, "gexf", date="2026-11-25")
    write_graph(tmp_path / "b.gexf", links, "gexf")
    assert b'lastmodifieddate="2026-11-25"' in (tmp_path / "a.gexf").read_bytes()
    assert b'lastmodifieddate="1970-01-01"' in (tmp_path / "b.gexf").read_bytes()


def test_vosviewer_pair(tmp_path, links):
    size = write_graph(tmp_path / "links-map.txt", links, "vosviewer")
    map_file = (tmp_path / "links-map.txt").read_text().splitlines()
    network = (tmp_path / "links-network.txt").read_text().splitlines()
    assert size == sum(len(p.read_bytes()) for p in tmp_path.iterdir())
    header = map_file[0].split("\t")
    assert header[:5] == ["id", "label", "x", "y", "cluster"] and "weight<Links>" in header
    rows = {r.split("\t")[1]: r.split("\t") for r in map_file[1:]}
    # ids follow the sorted nodes: a 1, b 2, c 3; a has 2 links of total strength 1 + 2
    assert rows['"Alpha"'][0] == "1" and rows['"Alpha"'][5:7] == ["2", "3.0000"]
    assert "\"Tab here 'quoted'; semi\"" in rows
    assert sorted(network) == ["1\t2\t1", "1\t3\t2"]


def test_vosviewer_leaves_out_non_positive_scores():
    # npmi of a pair that always co-occurs is 1; of a pair sharing 1 of 3 experiences it can be negative
    v = build_view(corpus(), "links", measure="npmi", min_support=1)
    _, network = generate_vosviewer(v)
    scores = [float(line.split("\t")[2]) for line in network.decode().splitlines()]
    assert all(s > 0 for s in scores)


def test_network_path():
    assert network_path("x/links.txt").name == "links-network.txt"
    assert network_path("x/links-map.txt").name == "links-network.txt"
    assert network_path("links").name == "links-network.txt"


def test_view_graph_carries_the_view():
    g = view_graph(build_view(corpus(), "atlas"))
    assert g.graph["view"] == "atlas" and len(g.graph["input_hash"]) == 64


def test_unknown_format_and_unwritable_path(tmp_path, links):
    with pytest.raises(ExportError, match="unknown graph format 'dot'"):
        write_graph(tmp_path / "x.dot", links, "dot")
    with pytest.raises(ExportError, match="cannot write"):
        write_graph(tmp_path / "missing" / "x.gexf", links, "gexf")
