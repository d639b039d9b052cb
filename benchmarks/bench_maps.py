"""Time the interactive maps: building the view, writing the HTML, file size, and time until
the page is interactive in headless Chromium.

Synthetic atlases are built in memory (``corpus_from_records``) so that the
atlas view has about the number of nodes asked for: 60 % experiences (3–8
issues each, Zipf-like popularity, one territory, 0–2 principles, 0–2 actors),
issues (up to 480, under 7 coloured families, some under two), principles (up
to 60), territories and actors. Labels are French and English, with accents.

"Interactive" is the moment the page sets ``window.__atlasReady``: after
vis-network has drawn its first frame (and, when physics runs, after it has
settled and stopped). The page is opened from ``file://`` with the browser
offline, as a user would open a downloaded map.

    .venv/bin/python benchmarks/bench_maps.py [--sizes 500 5000 10000] [--view atlas] [--out DIR]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from atlas.model import Corpus, TerritoryInfo, corpus_from_records
from atlas.render.html_map import generate_map, resolve_physics
from atlas.render.texts import MapTexts, RecordText
from atlas.render.views import build_view

BASE = "https://example.org/bench/"
FAMILIES = ["society", "economy", "ecosystems", "equipment-and-networks", "cultural-and-intangible-capital",
            "organisation-of-space", "flows"]
COLOURS = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def synthetic_corpus(nodes: int, seed: int = 0) -> tuple[Corpus, MapTexts]:
    """Return a corpus whose atlas view has about ``nodes`` nodes, and narratives for its experiences."""
    rng = random.Random(seed)
    n_exp = int(nodes * 0.6)
    n_issues = min(480, max(20, nodes // 10))
    n_principles = min(60, max(5, nodes // 50))
    n_territories = max(10, (nodes - n_exp - n_issues - n_principles) // 2)
    n_actors = max(0, nodes - n_exp - n_issues - n_principles - n_territories)

    def iri(kind: str, n: int) -> str:
        return f"{BASE}{kind}/{kind}-{n:05d}"

    families = [f"{BASE}issue/{f}" for f in FAMILIES]
    issues = [iri("issue", n) for n in range(n_issues)]
    principles = [iri("principle", n) for n in range(n_principles)]
    territories = [iri("territory", n) for n in range(n_territories)]
    actors = [iri("actor", n) for n in range(n_actors)]
    broader = {i: tuple(sorted(rng.sample(families, 1 if rng.random() < 0.8 else 2))) for i in issues}
    weights = [1.0 / (k + 1) ** 0.8 for k in range(n_issues)]
    records, years, located, illustrates, involves = {}, {}, {}, {}, {}
    records_text = {}
    for n in range(n_exp):
        e = iri("experience", n)
        records[e] = tuple(sorted(set(rng.choices(issues, weights, k=rng.randint(3, 8)))))
        start = rng.randint(1995, 2024)
        years[e] = (start, start + rng.randint(0, 6))
        located[e] = rng.choice(territories)
        illustrates[e] = tuple(sorted(set(rng.sample(principles, rng.randint(0, 2)))))
        if actors:
            involves[e] = tuple(sorted(set(rng.sample(actors, min(len(actors), rng.randint(0, 2))))))
        records_text[e] = RecordText(text={"en": f"Experience {n}: " + "a story of transition. " * 20,
                                           "fr": f"Expérience {n} : " + "un récit de transition. " * 20},
                                     sources=(f"https://example.org/source/{n}",))
    kinds = {**{e: "experience" for e in records}, **{i: "issue" for i in issues}, **{f: "family" for f in families},
             **{p: "principle" for p in principles}, **{t: "territory" for t in territories},
             **{a: "actor" for a in actors}}
    labels = {x: {"en": f"{k.capitalize()} {x.rsplit('/', 1)[1]}", "fr": f"{k.capitalize()} é {x.rsplit('/', 1)[1]}"}
              for x, k in kinds.items()}
    corpus = corpus_from_records(
        records, issues=tuple(issues), families=tuple(families), broader=broader, labels=labels, kinds=kinds,
        family_colours=dict(zip(families, COLOURS, strict=True)), experience_territory=located,
        experience_years=years, experience_principles=illustrates, experience_actors=involves,
        territories={t: TerritoryInfo(t, type=rng.choice(["rural", "peri-urban", "urban"])) for t in territories},
    )
    texts = MapTexts(name={"en": "Synthetic atlas", "fr": "Atlas synthétique"}, date="2026-01-01",
                     records=records_text)
    return corpus, texts


def time_to_interactive(browser, path: Path) -> float:
    """Seconds from navigation to ``window.__atlasReady`` in a fresh offline context."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    start = time.perf_counter()
    page.goto(path.resolve().as_uri(), wait_until="commit")
    # A selector, not wait_for_function: polling a JS predicate needs eval, which the page's CSP forbids.
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=120_000)
    elapsed = time.perf_counter() - start
    context.close()
    if errors:
        raise RuntimeError(f"{path.name}: {errors[0]}")
    return elapsed


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000, 10000])
    parser.add_argument("--view", default="atlas", choices=["atlas", "links", "principles"])
    parser.add_argument("--out", type=Path, default=None, help="Keep the maps in this directory.")
    parser.add_argument("--no-browser", action="store_true", help="Skip the Chromium measurement.")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-maps-"))
    out.mkdir(parents=True, exist_ok=True)
    browser = playwright = None
    if not args.no_browser and Path(CHROMIUM).exists():
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    header = (f"{'nodes':>7} {'edges':>7} {'physics':>7} {'view (s)':>9} {'write (s)':>9} {'size (MiB)':>10} "
              f"{'interactive (s)':>15}")
    print(f"view: {args.view}")
    print(header)
    print("-" * len(header))
    try:
        for size in args.sizes:
            corpus, texts = synthetic_corpus(size)
            t0 = time.perf_counter()
            view = build_view(corpus, args.view, top=size if args.view == "links" else None)
            t1 = time.perf_counter()
            page = generate_map(view, texts).encode("utf-8")
            path = out / f"{args.view}-{size}.html"
            path.write_bytes(page)
            t2 = time.perf_counter()
            ready = time_to_interactive(browser, path) if browser is not None else float("nan")
            physics = "on" if resolve_physics("auto", len(view.nodes)) else "off"
            print(f"{len(view.nodes):>7,} {len(view.edges):>7,} {physics:>7} {t1 - t0:>9.2f} {t2 - t1:>9.2f} "
                  f"{len(page) / 2**20:>10.1f} {ready:>15.2f}")
    finally:
        if browser is not None:
            browser.close()
            playwright.stop()


if __name__ == "__main__":
    main()
