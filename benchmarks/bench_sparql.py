"""The all-pairs issue co-occurrence query (atlas/queries/issue-pairs.rq) at 10k experiences:
embedded Oxigraph (pyoxigraph) against rdflib's in-memory Graph, in the same run.

Synthetic quads are generated directly: 10,000 experiences, 500 issues under 7 families, 3–8 issues per
experience (popularity skewed), one named graph per experience file as a build makes them.

    python benchmarks/bench_sparql.py [--experiences 10000] [--issues 500] [--seed 1] [--repeat 3]

Goal: Oxigraph ≥ 50× faster than rdflib on this query.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from atlas.query import get_query, run_query
from atlas.store import open_store
from atlas.vocab import NS, PREFIXES

BASE = "https://example.org/bench/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _n(local: str) -> ox.NamedNode:
    return ox.NamedNode(BASE + local)


def _a(term: str) -> ox.NamedNode:
    return ox.NamedNode(NS + term)


def synthetic_quads(experiences: int, issues: int, seed: int) -> list[ox.Quad]:
    """Quads of a synthetic atlas: a thesaurus graph, and one graph per experience."""
    rng = random.Random(seed)
    quads = []
    thesaurus = _n("source/thesaurus.yaml")
    families = [_n(f"issue/family-{k}") for k in range(7)]
    for family in families:
        quads += [ox.Quad(family, RDF_TYPE, _a("IssueFamily"), thesaurus)]
    issue_nodes = [_n(f"issue/issue-{k:04d}") for k in range(issues)]
    for k, issue in enumerate(issue_nodes):
        quads += [
            ox.Quad(issue, RDF_TYPE, _a("Issue"), thesaurus),
            ox.Quad(issue, ox.NamedNode(SKOS + "prefLabel"), ox.Literal(f"Issue {k}", language="en"), thesaurus),
            ox.Quad(issue, ox.NamedNode(SKOS + "broader"), families[k % len(families)], thesaurus),
        ]
    weights = [1.0 / (k + 1) ** 0.8 for k in range(issues)]  # a few popular issues, a long tail
    for e in range(experiences):
        graph = _n(f"source/experiences/exp-{e:06d}.md")
        node = _n(f"experience/exp-{e:06d}")
        tags: set[int] = set()
        size = rng.randint(3, 8)
        while len(tags) < size:
            tags.add(rng.choices(range(issues), weights)[0])
        quads += [
            ox.Quad(node, RDF_TYPE, _a("Experience"), graph),
            ox.Quad(node, RDFS_LABEL, ox.Literal(f"Experience {e}", language="en"), graph),
            ox.Quad(node, _a("territory"), _n(f"territory/t-{rng.randrange(2000):04d}"), graph),
            ox.Quad(node, _a("startYear"), ox.Literal(str(rng.randint(1990, 2024)),
                                                     datatype=ox.NamedNode(XSD + "gYear")), graph),
        ]
        quads += [ox.Quad(node, _a("addresses"), issue_nodes[t], graph) for t in sorted(tags)]
    return quads


def timed(func: Callable[[], list], repeat: int) -> tuple[float, list]:
    """Median wall-clock seconds of ``repeat`` runs, and the last result."""
    times, result = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experiences", type=int, default=10_000)
    parser.add_argument("--issues", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    query = get_query("issue-pairs").text
    quads = synthetic_quads(args.experiences, args.issues, args.seed)
    print(f"{args.experiences:,} experiences, {args.issues} issues, {len(quads):,} quads; query: issue-pairs.rq\n")

    def pairs_of(rows) -> set[tuple[str, str, int]]:
        return {(str(a), str(b), int(n)) for a, b, n in rows}

    rows_out = []

    # pyoxigraph, in memory, called directly
    memory = ox.Store()
    start = time.perf_counter()
    memory.extend(quads)
    load = time.perf_counter() - start

    def ox_direct() -> list:
        result = memory.query(query, prefixes=dict(PREFIXES), use_default_graph_as_union=True)
        return [(s["issue"].value, s["other"].value, s["experiences"].value) for s in result]

    t, rows = timed(ox_direct, args.repeat)
    reference = pairs_of(rows)
    rows_out.append(("pyoxigraph Store, memory (direct call)", load, t, len(rows)))

    # the atlas query layer: checked, in a killable worker, capped (cap raised above the row count)
    cap = 10 * len(rows) + 10
    atlas_memory = open_store(memory=True)
    with atlas_memory.transaction() as w:
        w.add(quads)

    def atlas_run(store) -> Callable[[], list]:
        def run() -> list:
            result = run_query(store, query, timeout=600, max_rows=cap)
            return [tuple(t.value for t in row[1:]) for row in result.rows]
        return run

    t, rows = timed(atlas_run(atlas_memory), args.repeat)
    assert pairs_of(rows) == reference
    rows_out.append(("atlas run_query, embedded in memory (fork)", load, t, len(rows)))

    with tempfile.TemporaryDirectory() as tmp:
        disk = open_store(Path(tmp) / "store", read_only=False, create=True)
        start = time.perf_counter()
        with disk.transaction() as w:
            w.add(quads)
        disk_load = time.perf_counter() - start
        run_query(disk, "ASK {}")  # start the fork server outside the timing
        t, rows = timed(atlas_run(disk), args.repeat)
        assert pairs_of(rows) == reference
        rows_out.append(("atlas run_query, embedded on disk (RocksDB)", disk_load, t, len(rows)))
        disk.close()

    # rdflib, in memory (one run: it is the slow one)
    from rdflib import Graph, Literal, URIRef

    def rdflib_term(term):
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        return Literal(term.value, lang=term.language,
                       datatype=None if term.language else URIRef(term.datatype.value))

    graph = Graph()
    start = time.perf_counter()
    for q in quads:
        graph.add((rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object)))
    rdflib_load = time.perf_counter() - start

    def rdflib_run() -> list:
        return [(str(r[1]), str(r[2]), str(r[3])) for r in graph.query(query, initNs=PREFIXES)]

    t, rows = timed(rdflib_run, 1)
    assert pairs_of(rows) == reference
    rows_out.append(("rdflib Graph, memory", rdflib_load, t, len(rows)))

    slowest = rows_out[-1][2]
    print(f"{'engine':46} {'load s':>8} {'query s':>9} {'rows':>8} {'vs rdflib':>10}")
    print(f"{'-' * 46} {'-' * 8} {'-' * 9} {'-' * 8} {'-' * 10}")
    for name, load_s, query_s, n in rows_out:
        print(f"{name:46} {load_s:8.2f} {query_s:9.3f} {n:8,} {slowest / query_s:9.0f}×")
    print("\ngoal ≥ 50× faster than rdflib:")
    for name, _, query_s, _ in rows_out[:-1]:
        print(f"  {name}: {slowest / query_s:.0f}× ({'met' if slowest / query_s >= 50 else 'not met'})")


if __name__ == "__main__":
    main()
