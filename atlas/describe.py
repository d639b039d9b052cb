"""Describing what a store holds: statistics, one record's statements with the
file each came from, and a text search over labels and narratives."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from atlas.analysis.names import fold
from atlas.model import Corpus

_Q_TEXT = """SELECT ?x ?p ?t WHERE { ?x ?p ?t .
  VALUES ?p { rdfs:label skos:prefLabel skos:altLabel atlas:summary atlas:narrative atlas:statement skos:definition }
  FILTER(isLiteral(?t)) }"""


@dataclass(frozen=True)
class Statement:
    """One statement about a record: predicate, value, and the source file's graph."""

    predicate: str
    value: str
    language: str | None
    is_iri: bool
    graph: str


@dataclass(frozen=True)
class SearchHit:
    """A record whose text matches a search, with the matching field and an excerpt."""

    iri: str
    kind: str
    label: str
    field: str
    excerpt: str


def atlas_stats(store, corpus: Corpus) -> dict[str, int | float]:
    """Return counts describing the atlas: records by kind, links, and thesaurus shape.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> from atlas.store import open_store
    >>> c = corpus_from_records({"e1": ("a", "b"), "e2": ("a",)}, kinds={"e1": "experience", "e2": "experience",
    ...     "a": "issue", "b": "issue"}, broader={"a": ("f",), "b": ("f", "a")})
    >>> s = atlas_stats(open_store(memory=True), c)
    >>> s["experiences"], s["issues"], s["issues with several parents"], s["issue assignments"]
    (2, 2, 1, 3)
    """
    counts: dict[str, int] = {}
    for kind in corpus.kinds.values():
        counts[kind] = counts.get(kind, 0) + 1
    plural = {"family": "issue families", "territory": "territories", "community": "learning communities",
              "workarea": "work areas", "journey": "learning journeys"}
    out: dict[str, int | float] = {}
    for kind in ("experience", "issue", "family", "principle", "territory", "actor", "collection", "community",
                 "workarea", "journey"):
        out[plural.get(kind, kind + "s")] = counts.get(kind, 0)
    out["lessons"] = len(corpus.lessons)
    out["issue assignments"] = int(corpus.incidence.nnz)
    n_exp = max(len(corpus.experiences), 1)
    out["issues per experience (mean)"] = round(corpus.incidence.nnz / n_exp, 2)
    out["issues with several parents"] = sum(1 for p in corpus.broader.values() if len(p) > 1)
    out["related pairs"] = len(corpus.related)
    out["triples"] = len(store)
    out["source files"] = len(store.graphs())
    return out


_Q_DESCRIBE = """SELECT ?s ?p ?o (LANG(?o) AS ?lang) (isIRI(?o) AS ?iri) ?g WHERE { GRAPH ?g { ?s ?p ?o } }"""


def describe_record(store, iri: str) -> list[Statement]:
    """Return every statement whose subject is ``iri``, sorted, with the graph (source file) it is in."""
    rows = store.select(_Q_DESCRIBE, bindings={"s": ox.NamedNode(iri)})
    out = [Statement(predicate=p, value=o, language=lang or None, is_iri=is_iri == "true", graph=g or "")
           for _s, p, o, lang, is_iri, g in rows]
    return sorted(out, key=lambda s: (s.predicate, s.language or "", s.value, s.graph))


def _hit_rank(hit: SearchHit) -> tuple[int, str, str]:
    """Which match of one record to show: a label first, then by field and excerpt."""
    return (0 if hit.field in ("label", "prefLabel", "altLabel") else 1, hit.field, hit.excerpt)


def search_records(store, corpus: Corpus, text: str, *, lang: str = "en", limit: int | None = None) -> list[SearchHit]:
    """Find records whose labels, summaries, narratives or statements contain ``text``.

    Matching ignores case and accents. Records whose label matches come first,
    then by kind and IRI.
    """
    key = fold(text)
    if not key:
        return []
    hits: dict[str, SearchHit] = {}
    for x, p, t in store.select(_Q_TEXT):
        owner = x
        while owner not in corpus.kinds and "/" in owner:  # lessons, milestones: report their record
            owner = owner.rsplit("/", 1)[0]
        if owner not in corpus.kinds:
            continue
        folded = fold(t)
        pos = folded.find(key)
        if pos < 0:
            continue
        field = p.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        text_ = " ".join(t.split())
        start, end = max(0, pos - 40), pos + len(key) + 60
        excerpt = ("…" if start else "") + text_[start:end] + ("…" if end < len(text_) else "")
        hit = SearchHit(owner, corpus.kinds[owner], corpus.label(owner, lang), field, excerpt)
        old = hits.get(owner)
        if old is None or _hit_rank(hit) < _hit_rank(old):
            hits[owner] = hit
    order = sorted(hits.values(), key=lambda h: (_hit_rank(h)[0], h.kind, h.iri))
    return order[:limit] if limit else order
