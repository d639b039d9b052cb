"""The HTML map page: structure, escaping, CSP, self-containment and determinism.

Behaviour in a browser (drawing, search, panel, no request) is in tests/test_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
from html.parser import HTMLParser

import pytest

from atlas.errors import ExportError
from atlas.model import LessonInfo, corpus_from_records
from atlas.render.html_map import (
    PHYSICS_LIMIT,
    csp_hash,
    generate_map,
    resolve_physics,
    script_json,
    write_map,
)
from atlas.render.texts import MapTexts, RecordText
from atlas.render.views import build_view

HOSTILE = [
    "<img src=x onerror=window.__pwned=1>",
    "</script><script>window.__pwned=1</script>",
    "<!-- <script>",
    "a href=\"javascript:window.__pwned=1\" 'quotes' & ampersand",
    "line\u2028separator\u2029paragraph",
    "{{data}} {{app}}",
]


class Elements(HTMLParser):
    """Collects every start tag with its attributes, and the text inside script and style elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.blocks: list[tuple[str, dict, str]] = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._open = (tag, dict(attrs), [])

    def handle_data(self, data):
        if self._open is not None:
            self._open[2].append(data)

    def handle_endtag(self, tag):
        if self._open is not None and tag == self._open[0]:
            self.blocks.append((self._open[0], self._open[1], "".join(self._open[2])))
            self._open = None


def parse(page: str) -> Elements:
    p = Elements()
    p.feed(page)
    return p


def hostile_corpus():
    labels = {"e1": {"en": HOSTILE[1], "fr": HOSTILE[0]}, "a": {"en": HOSTILE[0]}, "b": {"en": HOSTILE[3]},
              "F": {"en": HOSTILE[4]}}
    return corpus_from_records(
        {"e1": ("a", "b"), "e2": ("a", "b")},
        kinds={"e1": "experience", "e2": "experience", "a": "issue", "b": "issue", "F": "family"},
        families=("F",), broader={"a": ("F",), "b": ("F",)}, family_colours={"F": "red;background:url(//x)"},
        labels=labels, lessons=(LessonInfo("e1/lesson/1", "e1", "structural"),),
    )


def hostile_texts():
    return MapTexts(
        name={"en": HOSTILE[1]}, date="2026-01-01",
        records={"e1": RecordText(text={"en": HOSTILE[0] + HOSTILE[5]},
                                  sources=("javascript:window.__pwned=1", "https://example.org/ok")),
                 "e1/lesson/1": RecordText(text={"en": HOSTILE[1]})},
    )


def payload(page: str) -> dict:
    blocks = [b for b in parse(page).blocks if b[1].get("type") == "application/json"]
    assert len(blocks) == 1
    return json.loads(blocks[0][2])


@pytest.fixture(scope="module")
def hostile_page():
    return generate_map(build_view(hostile_corpus(), "atlas"), hostile_texts())


@pytest.mark.parametrize("text", HOSTILE)
def test_script_json_cannot_break_out_and_round_trips(text):
    out = script_json({"k": text, "nested": [text]})
    assert "<" not in out and ">" not in out and "&" not in out and "\u2028" not in out and "\u2029" not in out
    assert json.loads(out) == {"k": text, "nested": [text]}


def test_script_json_escapes_lone_surrogates_and_refuses_nan():
    assert json.loads(script_json("\ud800")) == "\ud800"
    script_json("\ud800").encode("utf-8")
    with pytest.raises(ExportError, match="cannot be written as JSON"):
        script_json(float("nan"))


def test_page_has_exactly_the_expected_scripts_and_nothing_external(hostile_page):
    doc = parse(hostile_page)
    scripts = [b for b in doc.blocks if b[0] == "script"]
    assert [s[1] for s in scripts] == [{"type": "application/json", "id": "atlas-data"}, {}, {}]
    assert not [t for t, a in doc.tags if t in ("link", "img", "iframe", "object", "embed", "base", "form")]
    assert not [a for _, a in doc.tags if "src" in a or "href" in a]
    assert not [a for _, a in doc.tags if any(k.startswith("on") for k in a)]


def test_hostile_text_never_appears_raw(hostile_page):
    for text in HOSTILE[:3]:
        assert text not in hostile_page
    data = payload(hostile_page)
    labels = {item["iri"]: item["labels"] for item in data["info"]}
    assert labels["a"] == {"en": HOSTILE[0]} and labels["e1"]["en"] == HOSTILE[1]
    assert data["name"] == {"en": HOSTILE[1]}


def test_header_strings_are_escaped(hostile_page):
    head = hostile_page.split('<script type="application/json"')[0]
    assert "&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;" in head
    assert "<title>&lt;/script&gt;" in head


def test_only_http_sources_reach_the_page(hostile_page):
    info = {item["iri"]: item for item in payload(hostile_page)["info"]}
    assert info["e1"]["sources"] == ["https://example.org/ok"]
    assert info["e1"]["lessons"] == [{"en": HOSTILE[1]}]


def test_hostile_family_colour_is_replaced(hostile_page):
    data = payload(hostile_page)
    assert data["familyColours"] == {"F": "#9e9e9e"}
    assert all(n["color"] in ("#9e9e9e", "#5d6d7e") for n in data["nodes"])


def test_content_security_policy_admits_only_the_inline_script_and_style(hostile_page):
    doc = parse(hostile_page)
    (csp,) = [a["content"] for t, a in doc.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    rules = dict(rule.strip().split(" ", 1) for rule in csp.split(";"))
    assert rules["default-src"] == "'none'" and rules["connect-src"] == "'none'" and rules["img-src"] == "data:"

    def hashed(text):
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    inline = [b[2] for b in doc.blocks if b[0] == "script" and not b[1]]
    assert rules["script-src"].split() == [hashed(t) for t in inline]
    (style,) = [b[2] for b in doc.blocks if b[0] == "style"]
    assert rules["style-src"] == hashed(style)
    assert "unsafe" not in csp
    # the CSP meta comes before any script or style
    order = [t for t, _ in doc.tags]
    assert order.index("meta") < order.index("style") < order.index("script")


def test_csp_hash_matches_the_standard_encoding():
    assert csp_hash("alert(1)") == "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"


def test_vis_network_is_inlined_without_its_source_map(hostile_page):
    assert "vis-network" in hostile_page and "sourceMappingURL" not in hostile_page
    assert "cdn.jsdelivr" not in hostile_page and "cdnjs" not in hostile_page and "unpkg" not in hostile_page


def test_same_inputs_give_the_same_bytes(tmp_path):
    one, two = tmp_path / "one.html", tmp_path / "two.html"
    write_map(one, build_view(hostile_corpus(), "atlas"), hostile_texts())
    write_map(two, build_view(hostile_corpus(), "atlas"), hostile_texts())
    assert one.read_bytes() == two.read_bytes()
    assert not list(tmp_path.glob(".*.tmp"))


def test_options_and_data_date_are_stamped(hostile_page):
    data = payload(hostile_page)
    assert ["view", "atlas"] in data["options"] and ["physics", "on"] in data["options"]
    assert data["date"] == "2026-01-01" and len(data["hash"]) == 64
    assert "data of 2026-01-01" in hostile_page and data["hash"][:12] in hostile_page


def test_language_of_the_page():
    page = generate_map(build_view(hostile_corpus(), "atlas"), hostile_texts(), lang="fr")
    data = payload(page)
    assert data["lang"] == "fr" and data["langs"] == ["en", "fr"]
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr">')
    e1 = next(i for i, item in enumerate(data["info"]) if item["iri"] == "e1")
    assert data["nodes"][e1]["label"] == HOSTILE[0]


def test_nodes_and_edges_come_from_pyvis_with_positions(hostile_page):
    data = payload(hostile_page)
    assert [n["id"] for n in data["nodes"]] == list(range(len(data["info"])))
    assert all({"x", "y", "size", "shape", "label"} <= set(n) for n in data["nodes"])
    assert all({"from", "to", "id"} <= set(e) for e in data["edges"])
    assert all("width" not in e and "color" not in e for e in data["edges"])  # defaults, set once in visOptions
    assert data["visOptions"]["layout"]["improvedLayout"] is False
    assert data["visOptions"]["edges"]["smooth"] is False


@pytest.mark.parametrize(("physics", "nodes", "expected"), [
    ("auto", PHYSICS_LIMIT, True), ("auto", PHYSICS_LIMIT + 1, False), ("on", 10**6, True), ("off", 1, False),
])
def test_physics_threshold(physics, nodes, expected):
    assert resolve_physics(physics, nodes) is expected


def test_physics_off_reaches_the_page():
    data = payload(generate_map(build_view(hostile_corpus(), "atlas"), physics="off"))
    assert data["physics"] is False and data["visOptions"]["physics"]["enabled"] is False
    with pytest.raises(ValueError, match="physics must be auto, on or off"):
        generate_map(build_view(hostile_corpus(), "atlas"), physics="maybe")


def test_link_evidence_and_overlay_reach_the_page():
    # a and b are siblings under F: remoteness 2 / (2 + 1) >= 0.5, a remote link
    corpus = hostile_corpus()
    data = payload(generate_map(build_view(corpus, "links", measure="count", min_support=1)))
    (link,) = data["links"]
    assert link["relation"] == "remote link" and link["evidence"] == ["e1", "e2"]
    assert ["support", 2] in link["facts"] and ["remoteness", 0.6667] in link["facts"]
    assert data["edges"][0]["dashes"] is True
    assert data["labels"]["e1"]["en"] == HOSTILE[1]
    # e1 (one of a's and b's two experiences) illustrates p: share 0.5 for both
    with_principle = corpus_from_records({"e1": ("a", "b"), "e2": ("a", "b")}, kinds={"p": "principle"},
                                         labels={"p": {"en": HOSTILE[0]}}, experience_principles={"e1": ("p",)})
    data = payload(generate_map(build_view(with_principle, "principles")))
    assert data["overlay"]["principles"] == ["p"] and data["overlay"]["selected"] == 0
    assert data["overlay"]["shares"] == {"0": [[0, 0.5]], "1": [[0, 0.5]]}
    assert data["overlay"]["bins"][0] == [0.0, "#e0e0e0"]


def test_writing_to_a_missing_directory_fails_cleanly(tmp_path):
    with pytest.raises(ExportError, match="cannot write"):
        write_map(tmp_path / "missing" / "map.html", build_view(hostile_corpus(), "atlas"))


def test_mini_atlas_page(mini_corpus, mini_store):
    from atlas.render.texts import read_texts
    from tests.conftest import iri

    data = payload(generate_map(build_view(mini_corpus, "atlas"), read_texts(mini_store)))
    info = {item["iri"]: item for item in data["info"]}
    wind = info[iri("experience", "le-mene-citizen-wind-farm")]
    assert wind["period"] == "2012–2013" and wind["territory"] == iri("territory", "le-mene")
    assert wind["sources"] == ["https://www.mene.fr/le-mene-et-lenergie-tepos"]
    assert wind["lessons"][0]["en"].startswith("Local households")
    assert data["name"]["en"] == "Test mini atlas"
