"""What a map shows, independent of how it is drawn: :class:`MapView` and its parts.

A view (:mod:`atlas.render.views`, :mod:`atlas.render.issue_views`) turns a
corpus and what the analysis computed into nodes with positions, colours,
shapes and sizes, edges with widths and styles, a legend and the facts the
side panel lists. The HTML page (:mod:`atlas.render.html_map`) and the graph
exports (:mod:`atlas.render.graph_export`) only read it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from atlas.analysis.lattice import lattice_of
from atlas.model import Corpus
from atlas.render.layout import layout_positions

#: Kind -> (colour, vis-network shape). Issues take their family's colour.
KIND_STYLES: dict[str, tuple[str, str]] = {
    "experience": ("#5d6d7e", "dot"),
    "issue": ("#9e9e9e", "dot"),
    "family": ("#9e9e9e", "hexagon"),
    "principle": ("#6a3d9a", "diamond"),
    "territory": ("#b15928", "square"),
    "actor": ("#8c6d31", "triangle"),
    "collection": ("#636363", "triangleDown"),
    "community": ("#17becf", "star"),
    "workarea": ("#17becf", "star"),
    "journey": ("#17becf", "star"),
}
KIND_LABELS: dict[str, dict[str, str]] = {
    "experience": {"en": "Experience", "fr": "Expérience"},
    "issue": {"en": "Issue", "fr": "Enjeu"},
    "family": {"en": "Issue family", "fr": "Famille d'enjeux"},
    "principle": {"en": "Guiding principle", "fr": "Principe directeur"},
    "territory": {"en": "Territory", "fr": "Territoire"},
    "actor": {"en": "Actor", "fr": "Acteur"},
    "collection": {"en": "Collection", "fr": "Collection"},
    "community": {"en": "Learning community", "fr": "Communauté apprenante"},
    "workarea": {"en": "Work area", "fr": "Chantier"},
    "journey": {"en": "Learning journey", "fr": "Parcours apprenant"},
}
#: Colour-blind-safe cluster colours (Tol's "muted" then "light"); later clusters are grey.
CLUSTER_COLOURS = ("#cc6677", "#332288", "#ddcc77", "#117733", "#88ccee", "#882255", "#44aa99", "#999933",
                   "#aa4499", "#ee8866", "#77aadd", "#bbcc33")
OTHER_COLOUR = "#c7c7c7"
EDGE_COLOUR = "#b0b0b0"
SIZE_MIN, SIZE_MAX = 8.0, 40.0
_HEX = re.compile(r"#[0-9a-fA-F]{6}")

Fact = tuple[str, str | int | float]


@dataclass(frozen=True)
class MapNode:
    """A node of a map.

    ``facts`` are ``(key, value)`` pairs the side panel lists (keys are
    translated by the page); ``mark`` is ``focus``, ``bridge`` or ``peer``.
    """

    id: str
    kind: str
    labels: Mapping[str, str]
    colour: str
    shape: str
    size: float
    x: int
    y: int
    centrality: float = 0.0
    families: tuple[str, ...] = ()
    cluster: int | None = None
    mark: str | None = None
    facts: tuple[Fact, ...] = ()
    period: str | None = None
    territory: str | None = None
    lessons: tuple[str, ...] = ()


@dataclass(frozen=True)
class MapEdge:
    """An edge of a map, with the experiences that evidence it (for computed links)."""

    source: str
    target: str
    relation: str
    width: float = 1.0
    colour: str = EDGE_COLOUR
    dashes: bool = False
    facts: tuple[Fact, ...] = ()
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class LegendEntry:
    """One line of the legend: ``section`` is kind, family, cluster, edge, mark or scale."""

    section: str
    key: str
    labels: Mapping[str, str]
    colour: str
    shape: str = "dot"


@dataclass(frozen=True)
class Overlay:
    """The principle overlay: for each issue node, the share of its experiences evidencing each principle.

    ``bins`` are ``(upper bound, colour)``: a share takes the colour of the
    first bin whose bound it does not exceed.
    """

    principles: tuple[str, ...]
    selected: int
    bins: tuple[tuple[float, str], ...]
    shares: Mapping[str, tuple[tuple[int, float], ...]]


@dataclass(frozen=True, eq=False)
class MapView:
    """Everything a map or a graph export shows.

    Attributes
    ----------
    view : str
    nodes : tuple of MapNode
        Sorted by id.
    edges : tuple of MapEdge
        Sorted by (source, target, relation), ``source < target``.
    legend : tuple of LegendEntry
    options : tuple of (str, str)
        The options the view was built with, for the map's header.
    input_hash : str
        Hash of the corpus the view was built from.
    labels : mapping of str to mapping of str to str
        Labels of every record a node or edge refers to (evidence, territories, families).
    overlay : Overlay, optional
    """

    view: str
    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]
    legend: tuple[LegendEntry, ...]
    options: tuple[tuple[str, str], ...]
    input_hash: str
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    overlay: Overlay | None = None


class NodeMaker:
    """Makes the map nodes of records: kind style, family colour, size, panel facts, period, lessons."""

    def __init__(self, corpus: Corpus, sizes: Mapping[str, float], centrality: Mapping[str, float]):
        self.corpus = corpus
        self.sizes = sizes
        self.centrality = centrality
        self.families = issue_families(corpus)
        self.lessons: dict[str, list[str]] = {}
        for lesson in corpus.lessons:
            self.lessons.setdefault(lesson.experience, []).append(lesson.iri)
        rows, cols = corpus.incidence.nonzero()
        self.issues_of: dict[str, list[str]] = {}
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            self.issues_of.setdefault(corpus.experiences[r], []).append(corpus.issues[c])

    def families_of(self, iri: str, kind: str) -> tuple[str, ...]:
        if kind == "issue":
            return self.families.get(iri, ())
        if kind == "experience":
            return tuple(sorted({f for i in self.issues_of.get(iri, ()) for f in self.families.get(i, ())}))
        if kind == "family":
            return (iri,)
        return ()

    def make(self, iri: str, *, kind: str | None = None, mark: str | None = None, facts: Iterable[Fact] = (),
             colour: str | None = None, shape: str | None = None, cluster: int | None = None) -> MapNode:
        c = self.corpus
        kind = kind or c.kinds.get(iri, "issue")
        base_colour, base_shape = KIND_STYLES.get(kind, KIND_STYLES["issue"])
        families = self.families_of(iri, kind)
        if colour is None:
            colour = family_colour(c, families) if kind in ("issue", "family") else base_colour
        facts = list(facts)
        info = c.territories.get(iri)
        if info is not None:
            facts += [(k, v) for k, v in (("type", info.type), ("population", info.population),
                                          ("region", info.region), ("country", info.country)) if v is not None]
        if kind == "actor" and iri in c.actor_types:
            facts.append(("type", c.actor_types[iri]))
        facts.append(("centrality", round(self.centrality.get(iri, 0.0), 6)))
        return MapNode(
            id=iri, kind=kind, labels=labels_of(c, iri), colour=colour, shape=shape or base_shape,
            size=self.sizes.get(iri, 8.0), x=0, y=0, centrality=round(self.centrality.get(iri, 0.0), 8),
            families=families, cluster=cluster, mark=mark, facts=tuple(facts),
            period=period_of(c, iri) if kind == "experience" else None,
            territory=c.experience_territory.get(iri) if kind == "experience" else None,
            lessons=tuple(sorted(self.lessons.get(iri, ()))) if kind == "experience" else (),
        )


def labels_of(corpus: Corpus, iri: str) -> dict[str, str]:
    """Return ``{lang: label}`` of ``iri``, or ``{"": last IRI segment}`` when it has none.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({}, labels={"x/a": {"fr": "A"}})
    >>> labels_of(c, "x/a"), labels_of(c, "x/b")
    ({'fr': 'A'}, {'': 'b'})
    """
    found = corpus.labels.get(iri)
    return dict(sorted(found.items())) if found else {"": corpus.label(iri)}


def scaled_sizes(values: Mapping[str, float]) -> dict[str, float]:
    """Return node sizes from ``SIZE_MIN`` to ``SIZE_MAX`` pixels, by the square root of ``values``.

    Examples
    --------
    >>> scaled_sizes({"a": 0.0, "b": 0.25, "c": 1.0})
    {'a': 8.0, 'b': 24.0, 'c': 40.0}
    """
    top = max((v for v in values.values() if math.isfinite(v)), default=0.0)
    out = {}
    for k, v in values.items():
        ratio = math.sqrt(max(v, 0.0) / top) if top > 0 and math.isfinite(v) else 0.0
        out[k] = round(SIZE_MIN + (SIZE_MAX - SIZE_MIN) * ratio, 1)
    return out


def issue_families(corpus: Corpus) -> dict[str, tuple[str, ...]]:
    """Return the families of every issue (through the polyhierarchy), restricted to declared families.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e": ("a",)}, families=("F", "G"), broader={"a": ("b", "G"), "b": ("F",)})
    >>> issue_families(c)
    {'a': ('F', 'G')}
    """
    lat = lattice_of(corpus)
    declared = set(corpus.families)
    return {i: tuple(f for f in lat.families[lat.index[i]] if f in declared) for i in corpus.issues}


def family_colour(corpus: Corpus, families: Iterable[str]) -> str:
    """Return the colour of the first of ``families`` that has a valid ``#rrggbb`` one, else the issue grey.

    Colours come from contributors: anything but a hex colour (``url(…)``, a
    CSS expression) is ignored.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({}, family_colours={"F": "url(https://x/)", "G": "#00AA11"})
    >>> family_colour(c, ["F"]), family_colour(c, ["F", "G"])
    ('#9e9e9e', '#00aa11')
    """
    for f in families:
        colour = corpus.family_colours.get(f)
        if colour is not None and _HEX.fullmatch(colour):
            return colour.lower()
    return KIND_STYLES["issue"][0]


def cluster_colour(number: int | None) -> str:
    """Return the colour of cluster ``number`` (from 1); grey past the palette.

    Examples
    --------
    >>> cluster_colour(1), cluster_colour(99)
    ('#cc6677', '#c7c7c7')
    """
    if number is None or not 1 <= number <= len(CLUSTER_COLOURS):
        return OTHER_COLOUR
    return CLUSTER_COLOURS[number - 1]


def period_of(corpus: Corpus, experience: str) -> str | None:
    """Return ``"2012–2013"``, ``"2012"`` or ``"2012–"`` for an experience's years, or ``None``.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> period_of(corpus_from_records({"e": ()}, experience_years={"e": (2012, 2013)}), "e")
    '2012–2013'
    """
    start, end = corpus.experience_years.get(experience, (None, None))
    if start is None and end is None:
        return None
    if start == end or end is None:
        return f"{start}" if end is not None else f"{start}–"
    return f"{start if start is not None else ''}–{end}"


def input_hash(corpus: Corpus) -> str:
    """Return the corpus's content hash, or a SHA-256 of its content for corpora built by hand.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> a, b = corpus_from_records({"e": ("i",)}), corpus_from_records({"e": ("i",)})
    >>> input_hash(a) == input_hash(b) != input_hash(corpus_from_records({"e": ("j",)}))
    True
    """
    if corpus.content_hash:
        return corpus.content_hash
    content = {}
    for f in dataclasses.fields(corpus):
        value = getattr(corpus, f.name)
        if f.name == "incidence":
            value = [value.indptr.tolist(), value.indices.tolist(), value.shape]
        content[f.name] = value
    text = json.dumps(content, sort_keys=True, default=_plain, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value):
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot hash {type(value).__name__}")


def place(
    nodes: Iterable[MapNode], edges: Iterable[MapEdge], seed: int
) -> tuple[tuple[MapNode, ...], tuple[MapEdge, ...]]:
    """Lay out ``nodes`` (see :func:`atlas.render.layout.layout_positions`) and sort nodes and edges.

    Examples
    --------
    >>> n = [MapNode("b", "issue", {}, "#000", "dot", 8, 0, 0), MapNode("a", "issue", {}, "#000", "dot", 8, 0, 0)]
    >>> placed, _ = place(n, [MapEdge("a", "b", "related")], seed=0)
    >>> [p.id for p in placed], placed[0].x != placed[1].x or placed[0].y != placed[1].y
    (['a', 'b'], True)
    """
    nodes = sorted(nodes, key=lambda n: n.id)
    edges = sorted(edges, key=lambda e: (e.source, e.target, e.relation))
    pos = layout_positions([n.id for n in nodes], [(e.source, e.target) for e in edges], seed=seed)
    placed = tuple(dataclasses.replace(n, x=pos[n.id][0], y=pos[n.id][1]) for n in nodes)
    return placed, tuple(edges)


def kind_legend(kinds: Iterable[str]) -> list[LegendEntry]:
    """Return the legend lines of the node kinds present, in the order of :data:`KIND_STYLES`."""
    present = set(kinds)
    return [LegendEntry("kind", k, KIND_LABELS[k], *KIND_STYLES[k]) for k in KIND_STYLES if k in present]


def family_legend(corpus: Corpus, families: Iterable[str]) -> list[LegendEntry]:
    """Return the legend lines of the issue families present, sorted by IRI."""
    return [LegendEntry("family", f, labels_of(corpus, f), family_colour(corpus, [f])) for f in sorted(set(families))]


def edge_pair(a: str, b: str) -> tuple[str, str]:
    """Return ``(a, b)`` sorted, the orientation of every map edge."""
    return (a, b) if a <= b else (b, a)
