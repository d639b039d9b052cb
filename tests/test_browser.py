"""The maps in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Each page must draw every node, log no error, attempt no request at all (every
request other than the file:// page itself is recorded, and aborted), and
let people search, filter, switch language and open the side panel. A map
full of hostile labels, narratives and URLs must run none of them: a payload
would set ``window.__pwned``.

Screenshots of each view of the mini atlas are kept in docs/screenshots/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.model import LessonInfo, corpus_from_records
from atlas.render.html_map import write_map
from atlas.render.texts import MapTexts, RecordText
from atlas.render.views import build_view
from tests.conftest import MINI, ROOT, iri

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "docs" / "screenshots"
VIEWS = {  # view -> (focus, extra options)
    "atlas": (None, {}),
    "ego": ("school-canteens", {"depth": 2}),
    "links": (None, {"min_support": 1}),
    "principles": (None, {}),
    "territory": ("mouans-sartoux", {}),
}
PWN = [
    "<img src=x onerror=window.__pwned=1>",
    "</script><script>window.__pwned=1</script>",
    "\" onmouseover=\"window.__pwned=1\" x=\"",
    "<a href=\"javascript:window.__pwned=1\">href</a> 'single' \"double\"",
    "line\u2028separator\u2029<svg onload=window.__pwned=1>",
]

if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def maps(tmp_path_factory):
    """The five views of the mini atlas, written once; returns {view: (path, MapView)}."""
    from atlas.build import build_atlas
    from atlas.graph import read_corpus
    from atlas.render.texts import read_texts
    from atlas.store import open_store

    store = open_store(memory=True)
    build_atlas(MINI, store)
    corpus, texts = read_corpus(store), read_texts(store)
    out = tmp_path_factory.mktemp("maps")
    written = {}
    for view, (focus, extra) in VIEWS.items():
        built = build_view(corpus, view, focus=focus, **extra)
        path = out / f"{view}.html"
        write_map(path, built, texts)
        written[view] = (path, built)
    return written


class Page:
    """A page with everything it logs and every request it attempts recorded."""

    def __init__(self, browser, path: Path, size=(1280, 800)):
        self.url = path.resolve().as_uri()
        self.context = browser.new_context(viewport={"width": size[0], "height": size[1]}, offline=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}")
                     if m.type in ("error", "warning", "assert") else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url) if r.url != self.url else None)
        self.page.route("**/*", self._route)
        self.page.goto(self.url)
        # A selector, not wait_for_function: polling a JS predicate needs eval, which the page's CSP forbids.
        self.page.wait_for_selector("body[data-ready='1'][data-stable='1']", state="attached", timeout=20000)
        assert self.js("window.__atlasReady === true && window.__atlasStable === true")

    def _route(self, route):
        if route.request.url == self.url:
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def node_point(self, node_iri: str) -> dict:
        return self.js("""(iri) => {
            const a = window.__atlas, data = JSON.parse(document.getElementById('atlas-data').textContent);
            const id = data.info.findIndex(i => i.iri === iri);
            const d = a.network.canvasToDOM(a.network.getPositions([id])[id]);
            const r = document.getElementById('atlas-network').getBoundingClientRect();
            return {x: r.left + d.x, y: r.top + d.y, id: id};
        }""", node_iri)

    def panel_title(self) -> str:
        return self.page.locator("#atlas-panel h2").text_content()

    def check_clean(self):
        assert self.errors == []
        assert [u for u in self.requests if not u.startswith("data:")] == []
        assert self.js("typeof window.__pwned") == "undefined"

    def close(self):
        self.context.close()


@pytest.fixture
def open_page(browser):
    pages = []

    def opener(path: Path, **kwargs) -> Page:
        page = Page(browser, path, **kwargs)
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.close()


@pytest.mark.parametrize("view", list(VIEWS))
def test_each_view_draws_every_node_offline_and_cleanly(open_page, maps, view):
    path, built = maps[view]
    page = open_page(path)
    assert page.js("window.__atlas.nodes.length") == len(built.nodes)
    assert page.js("window.__atlas.network.body.nodeIndices.length") == len(built.nodes)
    assert page.js("window.__atlas.network.body.edgeIndices.length") == len(built.edges)
    assert page.js("document.scripts.length") == 3
    assert page.page.locator("#atlas-stamp").text_content().startswith("data of 2026-11-25 · view=" + view)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.page.screenshot(path=str(SCREENSHOTS / f"{view}.png"))
    page.check_clean()


def test_search_ignores_accents_and_focuses_the_node(open_page, maps):
    page = open_page(maps["atlas"][0])
    page.page.fill("#atlas-search", "EPARGNE")  # the French label is "Épargne locale"
    first = page.page.locator("#atlas-results button").first
    assert first.locator("span").first.text_content() == "Local savings"
    first.click()
    assert page.panel_title() == "Local savings"
    selected = page.js("window.__atlas.network.getSelectedNodes()")
    assert selected == [page.node_point(iri("issue", "local-savings"))["id"]]
    page.page.fill("#atlas-search", "zzz")
    assert page.page.locator("#atlas-results").text_content() == "No match"
    page.check_clean()


def test_clicking_a_node_shows_its_details(open_page, maps):
    page = open_page(maps["atlas"][0])
    point = page.node_point(iri("experience", "le-mene-citizen-wind-farm"))
    page.page.mouse.click(point["x"], point["y"])
    panel = page.page.locator("#atlas-panel")
    assert panel.is_visible() and page.panel_title() == "Landes du Mené citizen wind farm"
    text = panel.text_content()
    assert "2012–2013" in text and "147 local households" in text and "Local households holding part" in text
    links = panel.locator("a")
    assert links.count() == 1 and links.get_attribute("href") == "https://www.mene.fr/le-mene-et-lenergie-tepos"
    page.page.screenshot(path=str(SCREENSHOTS / "panel.png"))
    panel.get_by_role("button", name="Le Mené").first.click()
    assert page.panel_title() == "Le Mené" and "rural" in panel.text_content()
    page.check_clean()


def test_clicking_a_link_shows_its_evidence(open_page, maps):
    path, built = maps["links"]
    page = open_page(path)
    edge = max(built.edges, key=lambda e: (e.width, e.source))
    a, b = page.node_point(edge.source), page.node_point(edge.target)
    page.page.mouse.click((a["x"] + b["x"]) / 2, (a["y"] + b["y"]) / 2)
    panel = page.page.locator("#atlas-panel")
    assert panel.is_visible() and "Evidence (experiences)" in panel.text_content()
    evidence = panel.locator("ul li")
    assert evidence.count() == len(edge.evidence) and "shared experiences" in panel.text_content()
    page.check_clean()


def test_filters_hide_a_kind_and_its_edges(open_page, maps):
    path, built = maps["atlas"]
    page = open_page(path)
    page.page.locator('input.atlas-filter[data-key="experience"]').uncheck()
    hidden = page.js("window.__atlas.nodes.get({filter: n => n.hidden === true}).length")
    assert hidden == 3
    assert page.js("window.__atlas.edges.get({filter: e => e.hidden === true}).length") == sum(
        1 for e in built.edges if "/experience/" in e.source or "/experience/" in e.target)
    assert page.page.locator("#atlas-count").text_content() == "15 / 18 nodes shown"
    page.page.locator('input.atlas-filter[data-key="experience"]').check()
    assert page.page.locator("#atlas-count").text_content() == "18 / 18 nodes shown"
    page.check_clean()


def test_language_switch_relabels_the_page(open_page, maps):
    page = open_page(maps["atlas"][0])
    page.page.select_option("#atlas-lang", "fr")
    point = page.node_point(iri("issue", "local-savings"))
    assert page.js(f"window.__atlas.nodes.get({point['id']}).label") == "Épargne locale"
    assert page.page.locator("#atlas-title").text_content() == "Mini-atlas de test — Atlas"
    assert "Familles d'enjeux" in page.page.locator("#atlas-controls").text_content()
    page.check_clean()


def test_principle_overlay_switch_recolours_issues(open_page, maps):
    path, built = maps["principles"]
    page = open_page(path)
    before = page.js("window.__atlas.nodes.get().map(n => JSON.stringify(n.color))")
    options = page.page.locator("#atlas-overlay option")
    assert options.count() == len(built.overlay.principles) == 2
    other = 1 - built.overlay.selected
    page.page.select_option("#atlas-overlay", str(other))
    after = page.js("window.__atlas.nodes.get().map(n => JSON.stringify(n.color))")
    assert before != after
    page.check_clean()


def hostile_map(tmp_path: Path, view: str) -> tuple[Path, object]:
    corpus = corpus_from_records(
        {"e1": ("a", "b"), "e2": ("a", "b")},
        kinds={"e1": "experience", "e2": "experience", "a": "issue", "b": "issue", "F": "family", "t": "territory",
               "p": "principle"},
        families=("F",), broader={"a": ("F",), "b": ("F",)}, family_colours={"F": "red;background:url(https://x/)"},
        labels={"e1": {"en": PWN[1], "fr": PWN[0]}, "a": {"en": PWN[0]}, "b": {"en": PWN[2]}, "F": {"en": PWN[3]},
                "t": {"en": PWN[4]}, "p": {"en": PWN[3]}},
        experience_territory={"e1": "t"}, experience_principles={"e1": ("p",)},
        lessons=(LessonInfo("e1/lesson/1", "e1", "structural"),),
    )
    texts = MapTexts(name={"en": PWN[1]}, date=PWN[0], records={
        "e1": RecordText(text={"en": PWN[0] + " " + PWN[3]},
                         sources=("javascript:window.__pwned=1", "https://example.org/ok")),
        "e1/lesson/1": RecordText(text={"en": PWN[4]}),
    })
    built = build_view(corpus, view, measure="count", min_support=1)
    path = tmp_path / f"hostile-{view}.html"
    write_map(path, built, texts)
    # Sources that bypass the Python check (a hand-made file) must still not become links.
    return path, built


@pytest.mark.parametrize("view", ["atlas", "links", "principles"])
def test_hostile_text_is_shown_as_text_and_runs_nothing(open_page, tmp_path, view):
    path, built = hostile_map(tmp_path, view)
    page = open_page(path)
    assert page.js("window.__atlas.nodes.length") == len(built.nodes)
    assert page.page.locator("#atlas-title").text_content().startswith(PWN[1])
    for node in built.nodes:
        point = page.node_point(node.id)
        page.page.mouse.move(point["x"], point["y"])
        page.page.mouse.click(point["x"], point["y"])
        label = node.labels.get("en", next(iter(node.labels.values())))
        assert page.panel_title() == label
    page.page.wait_for_timeout(300)  # let a tooltip open on the last hovered node
    tooltip = page.page.locator("div.vis-tooltip")
    if tooltip.count():
        assert page.js("document.querySelector('div.vis-tooltip').children.length") == 0
    for edge in built.edges:
        a, b = page.node_point(edge.source), page.node_point(edge.target)
        page.page.mouse.click((a["x"] + b["x"]) / 2, (a["y"] + b["y"]) / 2)
    page.page.fill("#atlas-search", "img src")
    assert page.page.locator("#atlas-results button").count() >= 1
    page.page.locator("#atlas-results button").first.click()
    if view != "principles":  # the principles view has no French label: no switch
        page.page.select_option("#atlas-lang", "fr")
    assert page.js("document.querySelectorAll('img, svg, iframe, object, embed').length") == page.js(
        "document.querySelectorAll('canvas svg, svg').length") == 0
    hrefs = page.js("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert all(h == "https://example.org/ok" for h in hrefs)
    assert page.js("document.scripts.length") == 3
    page.check_clean()


def test_hostile_experience_panel_shows_payloads_verbatim(open_page, tmp_path):
    path, _ = hostile_map(tmp_path, "atlas")
    page = open_page(path)
    point = page.node_point("e1")
    page.page.mouse.click(point["x"], point["y"])
    panel = page.page.locator("#atlas-panel")
    assert page.panel_title() == PWN[1]
    text = panel.text_content()
    assert PWN[0] in text and PWN[4] in text and "href" in text
    assert panel.locator("a").count() == 1 and panel.locator("a").get_attribute("href") == "https://example.org/ok"
    page.check_clean()


def test_a_source_url_that_is_not_http_never_becomes_a_link(open_page, tmp_path):
    """The page checks URLs itself: a file whose data says javascript: (written by hand) gives no link."""
    path, _ = hostile_map(tmp_path, "atlas")
    html = path.read_text(encoding="utf-8").replace('"https://example.org/ok"', '"javascript:window.__pwned=1"')
    forged = tmp_path / "forged.html"
    forged.write_text(html, encoding="utf-8")
    page = open_page(forged)
    point = page.node_point("e1")
    page.page.mouse.click(point["x"], point["y"])
    assert page.page.locator("#atlas-panel a").count() == 0
    page.check_clean()
