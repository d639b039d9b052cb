"""Interactive HTML maps: one self-contained, safe, deterministic file per view.

pyvis generates the nodes, edges and options of the network (filled in
bulk: ``Network.from_nx`` is quadratic); the page around them is ours
(``templates/map.html``), because pyvis's own page loads Bootstrap and
vis-network from CDNs and does not escape everything. vis-network's script
and style sheet are inlined from the installed pyvis package, so the file
works with the network off and loads nothing.

Safety. Contributor text (labels, narratives, lessons, URLs) travels only in
a ``<script type="application/json">`` block whose JSON has ``<``, ``>``,
``&``, U+2028 and U+2029 escaped, so no text can close the block; the page's
script reads it with ``JSON.parse`` and shows it with ``textContent``;
vis-network's tooltips use ``innerText``; links are made only from http(s)
URLs (checked here and again in the page). The header's few strings are
HTML-escaped. A Content-Security-Policy admits only the page's own inline
script and style (by SHA-256 hash), images from ``data:`` URLs, and nothing
else: no request can leave the page, whatever a bug might try.

Scale. Positions are computed in Python (:mod:`atlas.render.layout`); above
:data:`PHYSICS_LIMIT` nodes the physics simulation is off and the map draws
at once; below it, physics settles the layout for at most
:data:`STABILISATION_ITERATIONS` iterations and then stops. Writing is linear
in the number of nodes and edges (plus the layout).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pyvis.edge import Edge
from pyvis.network import Network
from pyvis.node import Node

from atlas.errors import ExportError
from atlas.output import write_atomic
from atlas.render.mapview import EDGE_COLOUR, KIND_LABELS, MapView
from atlas.render.texts import MapTexts, safe_url

PHYSICS_LIMIT = 1000
STABILISATION_ITERATIONS = 150
VIS_VERSION = "9.1.2"
VIEW_NAMES = {
    "atlas": {"en": "Atlas", "fr": "Atlas"},
    "ego": {"en": "Neighbourhood", "fr": "Voisinage"},
    "links": {"en": "Issue links", "fr": "Liens entre enjeux"},
    "principles": {"en": "Principle overlay", "fr": "Calque des principes"},
    "territory": {"en": "Territory and peers", "fr": "Territoire et pairs"},
}
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_SOURCE_MAP = re.compile(r"\n?//# sourceMappingURL=[^\n]*")
_JSON_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                 ("\u2029", "\\u2029"))
_SURROGATE = re.compile("[\ud800-\udfff]")


def script_json(value: Any) -> str:
    """Return ``value`` as JSON that is safe inside a ``<script>`` element and deterministic.

    Keys are sorted; ``<``, ``>``, ``&``, U+2028, U+2029 and lone surrogates
    are written as ``\\u`` escapes, so the text can neither close the element
    nor start a comment, whatever the strings contain.

    Raises
    ------
    ExportError
        If ``value`` holds something JSON cannot represent (NaN, objects).

    Examples
    --------
    >>> script_json({"b": "</script><!--", "a": "\\u2028"})
    '{"a":"\\\\u2028","b":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    try:
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ExportError(f"map data cannot be written as JSON: {exc}") from exc
    for char, escape in _JSON_ESCAPES:  # str.replace is ten times faster than str.translate here
        text = text.replace(char, escape)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def csp_hash(text: str) -> str:
    """Return the CSP source expression (``'sha256-…'``) admitting an inline element with ``text``.

    Examples
    --------
    >>> csp_hash("")
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    """
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str, str, str]:
    """Return the page template, the style sheet (vis-network's and ours), our script and vis-network's, read once."""
    here = resources.files("atlas.render") / "templates"
    try:
        lib = resources.files("pyvis") / "templates" / "lib" / f"vis-{VIS_VERSION}"
        vis_js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
        vis_css = (lib / "vis-network.css").read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError) as exc:
        raise ExportError(f"vis-network {VIS_VERSION} not found in the installed pyvis package: {exc}") from exc
    # The source map comment would make developer tools fetch a file that is not there.
    vis_js = _SOURCE_MAP.sub("", vis_js).strip()
    template = (here / "map.html").read_text(encoding="utf-8")
    css = vis_css.strip() + "\n" + (here / "map.css").read_text(encoding="utf-8")
    app = (here / "map.js").read_text(encoding="utf-8")
    for name, text in (("vis-network.min.js", vis_js), ("map.js", app)):
        if "</script" in text.lower() or "<!--" in text:
            raise ExportError(f"{name} cannot be inlined: it contains '</script' or '<!--'")
    if "</style" in css.lower():
        raise ExportError("the map style sheet cannot be inlined: it contains '</style'")
    return template, css, app, vis_js


def _pick(labels: dict[str, str], lang: str) -> str:
    if lang in labels:
        return labels[lang]
    for other in ("en", "fr", ""):
        if other in labels:
            return labels[other]
    return next(iter(sorted(labels.items())), ("", ""))[1]


def _languages(view: MapView, texts: MapTexts) -> list[str]:
    found = {lang for labels in view.labels.values() for lang in labels}
    found |= {lang for n in view.nodes for lang in n.labels}
    found |= set(texts.name)
    return sorted(lang for lang in found if lang in ("en", "fr"))


def _vis_options(n_nodes: int, physics: bool, seed: int) -> dict:
    large = n_nodes > PHYSICS_LIMIT
    return {
        "autoResize": True,
        "height": "100%",
        "width": "100%",
        "layout": {"improvedLayout": False, "randomSeed": seed},
        # On a large map, labels appear once zoomed in enough to read them (vis-network's default is 5 px).
        "nodes": {"borderWidth": 1, "font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3,
                                             "strokeColor": "#ffffff"},
                  "scaling": {"label": {"drawThreshold": 12 if large else 5}}},
        "edges": {"smooth": False, "selectionWidth": 2, "width": 1,
                  "color": {"color": EDGE_COLOUR, "highlight": "#333333", "opacity": 0.7, "inherit": False}},
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110, "avoidOverlap": 0.2},
            "stabilization": {"enabled": True, "iterations": STABILISATION_ITERATIONS, "updateInterval": 25,
                              "fit": True},
            "minVelocity": 1.0,
        },
        "interaction": {"hover": not large, "tooltipDelay": 150, "hideEdgesOnDrag": large,
                        "hideEdgesOnZoom": large, "keyboard": False, "navigationButtons": False},
    }


def _network(view: MapView, lang: str, physics: bool, seed: int) -> Network:
    """Fill a pyvis network in bulk: nodes by position in ``view.nodes``, edges by position in ``view.edges``."""
    net = Network(height="100%", width="100%", directed=False, cdn_resources="remote")
    index = {n.id: i for i, n in enumerate(view.nodes)}
    for i, n in enumerate(view.nodes):
        label = _pick(dict(n.labels), lang)
        colour: Any = n.colour
        extra: dict[str, Any] = {}
        if n.mark is not None:
            colour = {"background": n.colour, "border": "#000000",
                      "highlight": {"background": n.colour, "border": "#000000"}}
            extra["borderWidth"] = 3
        # The page sets each node's tooltip (``title``) to its label: not repeated here.
        net.nodes.append(Node(i, n.shape, label=label, color=colour, size=n.size, x=n.x, y=n.y, **extra).options)
    for j, e in enumerate(view.edges):
        # Only what differs from the defaults of _vis_options: 50,000 edges add up.
        options: dict[str, Any] = {"id": j}
        if e.width != 1.0:
            options["width"] = e.width
        if e.colour != EDGE_COLOUR:
            options["color"] = {"color": e.colour}
        if e.dashes:
            options["dashes"] = True
        net.edges.append(Edge(index[e.source], index[e.target], False, **options).options)
    net.options = _vis_options(len(view.nodes), physics, seed)
    return net


def _payload(view: MapView, texts: MapTexts, lang: str, physics: bool, seed: int) -> dict:
    net = _network(view, lang, physics, seed)
    vis_nodes, vis_edges, _heading, _height, _width, options = net.get_network_data()
    nodes = {n.id for n in view.nodes}  # their labels travel in ``info``
    info = []
    for n in view.nodes:
        item: dict[str, Any] = {"iri": n.id, "kind": n.kind, "labels": dict(n.labels)}
        record = texts.records.get(n.id)
        for key, value in (("families", list(n.families)), ("facts", [list(f) for f in n.facts]),
                           ("period", n.period), ("territory", n.territory), ("mark", n.mark)):
            if value:
                item[key] = value
        if record is not None and record.text:
            item["text"] = dict(record.text)
        if record is not None and record.sources:
            item["sources"] = [u for u in record.sources if safe_url(u)]
        lessons = [dict(texts.records[lesson].text) for lesson in n.lessons
                   if lesson in texts.records and texts.records[lesson].text]
        if lessons:
            item["lessons"] = lessons
        info.append(item)
    links = []
    for e in view.edges:
        item = {"relation": e.relation}
        if e.facts:
            item["facts"] = [list(f) for f in e.facts]
        if e.evidence:
            item["evidence"] = list(e.evidence)
        links.append(item)
    families = {entry.key: entry.colour for entry in view.legend if entry.section == "family"}
    overlay = None
    if view.overlay is not None:
        position = {n.id: i for i, n in enumerate(view.nodes)}
        overlay = {"principles": list(view.overlay.principles), "selected": view.overlay.selected,
                   "bins": [list(b) for b in view.overlay.bins],
                   "shares": {str(position[k]): [list(s) for s in v] for k, v in view.overlay.shares.items()
                              if k in position}}
    return {
        "view": view.view,
        "lang": lang,
        "langs": _languages(view, texts),
        "name": dict(texts.name),
        "date": texts.date,
        "hash": view.input_hash,
        "options": [list(o) for o in _options(view, lang, physics)],
        "physics": physics,
        "nodes": vis_nodes,
        "edges": vis_edges,
        "visOptions": json.loads(options),
        "info": info,
        "links": links,
        "labels": {k: dict(v) for k, v in view.labels.items() if k not in nodes},
        "legend": [{"section": e.section, "key": e.key, "labels": dict(e.labels), "colour": e.colour,
                    "shape": e.shape} for e in view.legend],
        "familyColours": families,
        "kindNames": KIND_LABELS,
        "viewNames": VIEW_NAMES,
        "overlay": overlay,
    }


def _options(view: MapView, lang: str, physics: bool) -> list[tuple[str, str]]:
    return [*view.options, ("lang", lang), ("physics", "on" if physics else "off")]


def resolve_physics(physics: str, n_nodes: int) -> bool:
    """Return whether the simulation runs: ``on``, ``off``, or ``auto`` (up to :data:`PHYSICS_LIMIT` nodes).

    Examples
    --------
    >>> resolve_physics("auto", 1000), resolve_physics("auto", 1001), resolve_physics("on", 10**6)
    (True, False, True)
    """
    if physics not in ("auto", "on", "off"):
        raise ValueError(f"physics must be auto, on or off, not {physics!r}")
    return physics == "on" or (physics == "auto" and n_nodes <= PHYSICS_LIMIT)


def generate_map(view: MapView, texts: MapTexts | None = None, *, lang: str = "en", physics: str = "auto",
                 seed: int = 0) -> str:
    """Return the HTML page of ``view``: self-contained, safe and byte-identical for the same inputs.

    Parameters
    ----------
    view : MapView
        From :func:`atlas.render.views.build_view`.
    texts : MapTexts, optional
        Narratives, sources, the atlas's name and date (:func:`atlas.render.texts.read_texts`).
    lang : str
        Language of labels when the page opens (``fr`` or ``en``); the page can switch.
    physics : str
        ``auto``, ``on`` or ``off`` (see :func:`resolve_physics`).
    seed : int
        vis-network's layout seed (only used if physics runs).

    Returns
    -------
    str

    Raises
    ------
    ExportError
        If vis-network cannot be found in the pyvis package.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> from atlas.render.views import build_view
    >>> page = generate_map(build_view(corpus_from_records({"e": ("<b>i</b>",)}, kinds={"e": "experience"})))
    >>> data = page.split('<script type="application/json" id="atlas-data">')[1].split("</script>")[0]
    >>> "<b>" in data, "\\\\u003cb\\\\u003ei" in data, 'src="' in page or "<link" in page
    (False, True, False)
    """
    template, css, app, vis_js = _assets()
    running = resolve_physics(physics, len(view.nodes))
    payload = _payload(view, texts or MapTexts(), lang, running, seed)
    csp = "; ".join([
        "default-src 'none'",
        f"script-src {csp_hash(vis_js)} {csp_hash(app)}",
        f"style-src {csp_hash(css)}",
        "img-src data:",
        "font-src 'none'",
        "connect-src 'none'",
        "media-src 'none'",
        "object-src 'none'",
        "frame-src 'none'",
        "worker-src 'none'",
        "manifest-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ])
    name = _pick(dict(payload["name"]), lang) if payload["name"] else "Relational Atlas"
    heading = f"{name} — {_pick(VIEW_NAMES[view.view], lang)}"
    stamp = []
    if payload["date"]:
        stamp.append(f"{'données du' if lang == 'fr' else 'data of'} {payload['date']}")
    stamp.append(" ".join(f"{k}={v}" for k, v in payload["options"]))
    stamp.append(f"{'entrée' if lang == 'fr' else 'input'} {view.input_hash[:12]}")
    values = {
        "lang": html.escape(lang),
        "csp": html.escape(csp),
        "title": html.escape(heading),
        "heading": html.escape(heading),
        "stamp": html.escape(" · ".join(stamp)),
        "css": css,
        "data": script_json(payload),
        "vis": vis_js,
        "app": app,
    }
    # One pass: text put in by a value is never scanned for placeholders again.
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def write_map(path: str | Path, view: MapView, texts: MapTexts | None = None, *, lang: str = "en",
              physics: str = "auto", seed: int = 0) -> int:
    """Write :func:`generate_map` to ``path`` atomically; return the number of bytes.

    Raises
    ------
    ExportError
        If the file cannot be written.
    """
    data = generate_map(view, texts, lang=lang, physics=physics, seed=seed).encode("utf-8")
    try:
        write_atomic(Path(path), data)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return len(data)
