"""Map views as graph files for other tools: GEXF (Gephi), GraphML (Cytoscape, igraph) and
VOSviewer map and network files.

Every node carries its ``kind``, labels (``label`` in the chosen language,
``label_en``, ``label_fr``), ``families`` (``;``-separated IRIs), ``family``
(the first), ``colour``, ``size``, ``centrality``, ``x``, ``y``, and where
they apply ``cluster``, ``mark`` and the view's facts (``role``,
``betweenness``, ``experiences``…); every edge its ``relation``, ``width``,
``remote`` and, for computed links, ``score``, ``support``, ``p_value``,
``remoteness``, ``measure`` and ``evidence`` (``;``-separated experience
IRIs). GEXF also gets Gephi's ``viz`` colour, size and position.

Output is byte-identical for the same view: nodes and edges in sorted order,
attributes in a fixed order, and GEXF's ``lastmodifieddate`` set to the date
given (the date of the data), not today.
"""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx

from atlas.errors import ExportError
from atlas.output import write_atomic
from atlas.render.mapview import MapView

_FACT_NAMES = {"p-value": "p_value"}
_LAST_MODIFIED = re.compile(r'lastmodifieddate="[^"]*"')
_ATTRIBUTE_NAME = re.compile(r"[^A-Za-z0-9_]+")


def _name(key: str) -> str:
    return _FACT_NAMES.get(key) or _ATTRIBUTE_NAME.sub("_", key).strip("_")


def _label(labels, lang: str) -> str:
    for code in (lang, "en", "fr", ""):
        if code in labels:
            return labels[code]
    return next(iter(sorted(labels.values())), "")


def view_graph(view: MapView, *, lang: str = "en") -> nx.Graph:
    """Return ``view`` as a networkx graph with plain (str, int, float, bool) attributes.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> from atlas.render.views import build_view
    >>> g = view_graph(build_view(corpus_from_records({"e": ("i",)}, kinds={"e": "experience", "i": "issue"})))
    >>> g.nodes["i"]["kind"], g.edges["e", "i"]["relation"]
    ('issue', 'addresses')
    """
    g = nx.Graph(view=view.view, input_hash=view.input_hash)
    for n in view.nodes:
        attrs: dict = {
            "kind": n.kind,
            "label": _label(n.labels, lang),
            "label_en": n.labels.get("en", _label(n.labels, "en")),
            "label_fr": n.labels.get("fr", _label(n.labels, "fr")),
            "families": ";".join(n.families),
            "family": n.families[0] if n.families else "",
            "colour": n.colour,
            "size": float(n.size),
            "centrality": float(n.centrality),
            "x": float(n.x),
            "y": float(n.y),
            "cluster": int(n.cluster) if n.cluster is not None else 0,
            "mark": n.mark or "",
        }
        for key, value in n.facts:
            name = _name(key)
            if name not in attrs:
                attrs[name] = value
        if n.period:
            attrs["period"] = n.period
        if n.territory:
            attrs["territory"] = n.territory
        g.add_node(n.id, **attrs)
    for e in view.edges:
        attrs = {"relation": e.relation, "width": float(e.width), "remote": bool(e.relation == "remote link"),
                 "evidence": ";".join(e.evidence)}
        for key, value in e.facts:
            attrs.setdefault(_name(key), value)
        g.add_edge(e.source, e.target, **attrs)
    return g


def _rgb(colour: str) -> dict:
    return {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16), "a": 1.0}


def generate_gexf(view: MapView, *, lang: str = "en", date: str | None = None) -> bytes:
    """Return ``view`` as GEXF 1.2 (with Gephi's ``viz`` attributes), deterministic.

    ``date`` replaces the writer's ``lastmodifieddate`` (today), so that the
    output depends only on the data.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> from atlas.render.views import build_view
    >>> v = build_view(corpus_from_records({"e": ("i",)}, kinds={"e": "experience", "i": "issue"}))
    >>> b'lastmodifieddate="2026-01-01"' in generate_gexf(v, date="2026-01-01")
    True
    """
    g = view_graph(view, lang=lang)
    for n in view.nodes:
        g.nodes[n.id]["viz"] = {"color": _rgb(n.colour), "size": float(n.size),
                                "position": {"x": float(n.x), "y": float(-n.y), "z": 0.0}}
    try:
        text = "\n".join(nx.generate_gexf(g))
    except (nx.NetworkXError, TypeError, ValueError) as exc:
        raise ExportError(f"cannot write the {view.view} view as GEXF: {exc}") from exc
    text = _LAST_MODIFIED.sub(f'lastmodifieddate="{date or "1970-01-01"}"', text, count=1)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n").encode("utf-8")


def generate_graphml(view: MapView, *, lang: str = "en") -> bytes:
    """Return ``view`` as GraphML, deterministic.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> from atlas.render.views import build_view
    >>> v = build_view(corpus_from_records({"e": ("i",)}, kinds={"e": "experience", "i": "issue"}))
    >>> b'attr.name="kind"' in generate_graphml(v)
    True
    """
    g = view_graph(view, lang=lang)
    try:
        text = "\n".join(nx.generate_graphml(g))
    except (nx.NetworkXError, TypeError, ValueError) as exc:
        raise ExportError(f"cannot write the {view.view} view as GraphML: {exc}") from exc
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n").encode("utf-8")


def _vos_text(text: str) -> str:
    # VOSviewer reads tab-separated lines and quoted labels: no tabs, line breaks or quotes inside.
    return '"' + " ".join(str(text).replace('"', "'").split()) + '"'


def generate_vosviewer(view: MapView, *, lang: str = "en") -> tuple[bytes, bytes]:
    """Return the VOSviewer ``(map file, network file)`` of a view (meant for the issue-links view).

    The map file has ``id``, ``label``, ``x``, ``y`` (VOSviewer's y axis points
    up), ``cluster`` (0 when none), ``weight<Links>``, ``weight<Total link
    strength>``, ``weight<Experiences>`` and ``score<Centrality>``; the network
    file one ``id id strength`` line per edge, strength being the link's score
    (edges with a non-positive score are left out: VOSviewer wants positive
    strengths).

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> from atlas.render.views import build_view
    >>> v = build_view(corpus_from_records({"e1": ("a", "b"), "e2": ("a", "b")}), "links", measure="count")
    >>> m, n = generate_vosviewer(v)
    >>> m.decode().splitlines()[0].split("\\t")[:5], n.decode()
    (['id', 'label', 'x', 'y', 'cluster'], '1\\t2\\t2\\n')
    """
    ids = {n.id: k for k, n in enumerate(view.nodes, start=1)}
    strength: dict[str, float] = {}
    degree: dict[str, int] = {}
    lines = []
    for e in view.edges:
        score = dict(e.facts).get("score", e.width)
        if not isinstance(score, (int, float)) or score <= 0:
            continue
        for end in (e.source, e.target):
            degree[end] = degree.get(end, 0) + 1
            strength[end] = strength.get(end, 0.0) + float(score)
        lines.append(f"{ids[e.source]}\t{ids[e.target]}\t{score:g}")
    header = ["id", "label", "x", "y", "cluster", "weight<Links>", "weight<Total link strength>",
              "weight<Experiences>", "score<Centrality>"]
    rows = ["\t".join(header)]
    for n in view.nodes:
        experiences = dict(n.facts).get("experiences", 0)
        rows.append("\t".join([
            str(ids[n.id]), _vos_text(_label(n.labels, lang)), f"{n.x / 100:.2f}", f"{-n.y / 100:.2f}",
            str(n.cluster or 0), str(degree.get(n.id, 0)), f"{strength.get(n.id, 0.0):.4f}", str(experiences),
            f"{n.centrality:.6f}",
        ]))
    return ("\n".join(rows) + "\n").encode("utf-8"), ("\n".join(lines) + "\n" if lines else "").encode("utf-8")


def _write(path: Path, data: bytes) -> int:
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return len(data)


def network_path(map_path: str | Path) -> Path:
    """Return where the VOSviewer network file goes beside a map file.

    Examples
    --------
    >>> str(network_path("out/links-map.txt")), str(network_path("out/links.txt"))
    ('out/links-network.txt', 'out/links-network.txt')
    """
    path = Path(map_path)
    stem = path.stem[: -len("-map")] if path.stem.endswith("-map") else path.stem
    return path.with_name(f"{stem}-network{path.suffix or '.txt'}")


def write_graph(path: str | Path, view: MapView, fmt: str, *, lang: str = "en", date: str | None = None) -> int:
    """Write ``view`` as ``gexf``, ``graphml`` or ``vosviewer`` to ``path``; return the bytes written.

    ``vosviewer`` writes the map file to ``path`` and the network file to
    :func:`network_path` of it.

    Raises
    ------
    ExportError
        On an unknown format or a file that cannot be written.
    """
    path = Path(path)
    if fmt == "gexf":
        return _write(path, generate_gexf(view, lang=lang, date=date))
    if fmt == "graphml":
        return _write(path, generate_graphml(view, lang=lang))
    if fmt == "vosviewer":
        map_file, network_file = generate_vosviewer(view, lang=lang)
        return _write(path, map_file) + _write(network_path(path), network_file)
    raise ExportError(f"unknown graph format {fmt!r} (use gexf, graphml or vosviewer)")
