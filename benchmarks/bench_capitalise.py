"""Time capitalisation, candidates, peers, journeys and communities on synthetic corpora.

Builds seeded corpora in memory (~500 issues under 20 families, 60 principles,
2,000 territories with random types, populations, regions and coordinates,
5,000 actors, 3–8 issues per experience, lessons on one experience in ten) at
10k and 100k experiences, and prints one row per computation: the first
("cold") call, which also builds the per-corpus indexes, and the best of three
later ("warm") calls.

    .venv/bin/python benchmarks/bench_capitalise.py [SIZES...]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import numpy as np

from atlas.analysis.candidates import find_candidates
from atlas.analysis.capitalisation import capitalise, capitalise_principles
from atlas.analysis.communities import list_communities, suggest_communities
from atlas.analysis.journey import plan_journey
from atlas.analysis.lessons import check_lessons
from atlas.analysis.peers import find_complements, find_peers
from atlas.model import CommunityInfo, Corpus, LessonInfo, TerritoryInfo, corpus_from_records
from benchmarks.timing import time_call

BASE = "https://example.org/atlas/"
TYPES = ("rural", "peri-urban", "urban")
ACTOR_TYPES = (
    "local-authority", "association", "company", "cooperative", "research-centre",
    "public-service", "citizens-group", "network", "foundation",
)  # fmt: skip
REGIONS = tuple(f"region-{i:02d}" for i in range(13))


def make_corpus(n_experiences: int, *, seed: int = 0) -> Corpus:
    """Return a seeded synthetic corpus of ``n_experiences`` experiences."""
    rng = np.random.default_rng(seed)
    families = tuple(f"{BASE}issue/family-{f:02d}" for f in range(20))
    issues = [f"{BASE}issue/issue-{i:03d}" for i in range(480)]
    broader = {}
    for i, iri in enumerate(issues):
        parent = families[i % 20]
        if i >= 40 and rng.random() < 0.1:  # some issues sit under another issue of their family
            parent = issues[i % 20 + 20 * int(rng.integers(0, 2))]
        broader[iri] = (parent,)
    top = [f"{BASE}principle/p{k:02d}" for k in range(12)]
    subs = [f"{BASE}principle/p{k:02d}-{s}" for k in range(12) for s in range(4)]
    principles = top + subs
    principle_broader = {s: (top[int(s.rsplit("/p", 1)[1][:2])],) for s in subs}
    territories = {}
    for t in range(2000):
        iri = f"{BASE}territory/t{t:04d}"
        territories[iri] = TerritoryInfo(
            iri,
            type=TYPES[int(rng.integers(0, 3))],
            level="municipality",
            population=int(rng.lognormal(9, 1.5)),
            region=REGIONS[int(rng.integers(0, len(REGIONS)))],
            country="FR",
            lat=float(rng.uniform(42.5, 51)),
            long=float(rng.uniform(-4.5, 8)),
        )
    t_list = sorted(territories)
    actors = [f"{BASE}actor/a{a:04d}" for a in range(5000)]
    actor_types = {a: ACTOR_TYPES[int(rng.integers(0, len(ACTOR_TYPES)))] for a in actors}
    records, exp_territory, years, exp_principles, exp_actors, lessons = {}, {}, {}, {}, {}, []
    for e in range(n_experiences):
        iri = f"{BASE}experience/e{e:06d}"
        # Each experience leans towards one family, so that clusters exist.
        home = int(rng.integers(0, 20))
        k = int(rng.integers(3, 9))
        near = rng.integers(0, 24, size=k) * 20 + home
        far = rng.integers(0, 480, size=k)
        tags = tuple(
            sorted({issues[int(a if rng.random() < 0.6 else b)] for a, b in zip(near, far, strict=True)})
        )
        records[iri] = tags
        exp_territory[iri] = t_list[int(rng.integers(0, len(t_list)))]
        start = int(rng.integers(1990, 2025))
        years[iri] = (start, None)
        exp_principles[iri] = tuple(
            sorted({principles[int(p)] for p in rng.integers(0, 60, size=rng.integers(0, 3))})
        )
        exp_actors[iri] = tuple(
            sorted({actors[int(a)] for a in rng.integers(0, 5000, size=rng.integers(1, 4))})
        )
        if rng.random() < 0.1:
            lessons.append(
                LessonInfo(
                    f"{iri}/lesson/1",
                    iri,
                    (None, "structural", "circumstantial")[int(rng.integers(0, 3))],
                    principles=tuple(
                        principles[int(p)] for p in rng.integers(0, 60, size=rng.integers(0, 2))
                    ),
                    issues=(tags[int(rng.integers(0, len(tags)))],),
                )
            )
    communities = {}
    for c in range(20):
        iri = f"{BASE}community/c{c:02d}"
        members = tuple(sorted({t_list[int(t)] for t in rng.integers(0, 2000, size=8)}))
        themes = tuple(sorted({issues[int(i)] for i in rng.integers(0, 480, size=4)}))
        communities[iri] = CommunityInfo(iri, "community", "thematic", members=members, themes=themes)
    kinds = (
        {f: "family" for f in families} | {i: "issue" for i in issues} | {p: "principle" for p in principles}
    )
    kinds |= {t: "territory" for t in territories} | {a: "actor" for a in actors}
    kinds |= {e: "experience" for e in records} | {c: "community" for c in communities}
    return corpus_from_records(
        records,
        issues=tuple(issues),
        families=families,
        broader=broader,
        kinds=kinds,
        experience_territory=exp_territory,
        experience_years=years,
        experience_principles=exp_principles,
        experience_actors=exp_actors,
        principle_broader=principle_broader,
        territories=territories,
        actor_types=actor_types,
        lessons=tuple(lessons),
        communities=communities,
    )


def steps(corpus: Corpus) -> list[tuple[str, Callable[[], object]]]:
    """The computations to time, each as (name, call)."""
    principle = f"{BASE}principle/p03"
    issue = f"{BASE}issue/issue-007"
    territory = f"{BASE}territory/t0042"
    asked = [f"{BASE}issue/issue-{i:03d}" for i in (7, 28, 113)]
    return [
        ("capitalise PRINCIPLE (first call builds the indexes)", lambda: capitalise(corpus, principle)),
        ("capitalise ISSUE", lambda: capitalise(corpus, issue)),
        ("capitalise (all 60 principles)", lambda: capitalise_principles(corpus)),
        ("capitalise --check-lessons", lambda: check_lessons(corpus)),
        ("candidates (3 kinds, top 20)", lambda: find_candidates(corpus)),
        (
            "peers: similar + complementary",
            lambda: (find_peers(corpus, territory), find_complements(corpus, territory)),
        ),
        ("journey, 3 issues", lambda: plan_journey(corpus, territory, asked)),
        ("journey, 3 issues, max 200 km", lambda: plan_journey(corpus, territory, asked, max_km=200)),
        ("communities: suggest + list", lambda: (suggest_communities(corpus), list_communities(corpus))),
    ]


def main(sizes: list[int]) -> None:
    rows = []
    for n in sizes:
        start = time.perf_counter()
        corpus = make_corpus(n)
        rows.append(
            (n, "build the synthetic corpus (not part of the timings)", time.perf_counter() - start, None)
        )
        for name, func in steps(corpus):
            cold, _, warm = time_call(func)
            rows.append((n, name, cold, warm))
        # Each command as a fresh process would run it: every index built anew.
        fresh = make_corpus(n)
        for name, func in steps(fresh):
            if name.startswith("candidates"):
                rows.append((n, "candidates, cold (indexes included)", time_call(func, repeat=0)[0], None))
    print("| experiences | computation | first call (s) | warm, best of 3 (s) |")
    print("|---:|---|---:|---:|")
    for n, name, cold, warm in rows:
        print(f"| {n:,} | {name} | {cold:.3f} | {'' if warm is None else f'{warm:.3f}'} |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
