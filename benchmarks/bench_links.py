"""Time the systemic-links analysis and score it on planted links.

Builds seeded synthetic corpora in memory (no store): ~500 issues in 7
families — 60 themes under the families, 440 descriptors under 1–3 themes,
so the thesaurus is polyhierarchical —, 60 principles, 3,000 actors, 2,000
territories, 3–8 issues per experience with Zipf-like popularity and a pull
towards one family per experience (realistic noise: issues of a family meet
more often). Known associations can be planted among the noise:

- **remote** plants ``A~B`` (two descriptors with no family in common):
  an experience addressing ``A`` also addresses ``B`` with probability ``rate``;
- **hidden** plants ``A–B–C``: experiences addressing ``A`` or ``C`` also
  address the bridge ``B`` (probability ``rate``) and illustrate a bridge
  principle, while ``A`` and ``C`` never meet.

Prints two tables: library time of each query, cold (first call on a fresh
corpus object: includes building the memoised matrices, as a fresh CLI
process would; wall-clock and CPU time, the latter less sensitive to a busy
machine) and warm (best of three later calls); and precision@k of
``remote_links`` and ``hidden_links`` for the planted links at 10k.

    .venv/bin/python benchmarks/bench_links.py [--sizes 1000 10000 100000] [--seed 0]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from atlas.analysis.explain import explain
from atlas.analysis.hidden import hidden_links
from atlas.analysis.lattice import families_of
from atlas.analysis.links import compute_links
from atlas.analysis.remote import remote_links
from atlas.analysis.structure import bridging_issues, cluster_issues, structural_gaps
from atlas.model import Corpus, corpus_from_records
from benchmarks.timing import time_call

BASE = "https://example.org/synth/"
N_FAMILIES, N_THEMES, N_LEAVES = 7, 60, 440
N_PRINCIPLES, N_ACTORS, N_TERRITORIES = 60, 3000, 2000


@dataclasses.dataclass(frozen=True)
class Synthetic:
    """A synthetic corpus and what was planted in it."""

    corpus: Corpus
    remote: tuple[tuple[str, str], ...]
    hidden: tuple[tuple[str, str, str], ...]


def _iri(kind: str, n: int) -> str:
    return f"{BASE}{kind}/{kind}-{n:04d}"


def make_corpus(
    n_experiences: int,
    *,
    seed: int = 0,
    n_remote: int = 20,
    remote_rate: float = 0.1,
    n_hidden: int = 10,
    hidden_rate: float = 0.3,
) -> Synthetic:
    """Return a seeded synthetic corpus with planted remote and hidden links."""
    rng = np.random.default_rng(seed)
    families = [f"{BASE}issue/family-{f}" for f in range(N_FAMILIES)]
    themes = [f"{BASE}issue/theme-{t:03d}" for t in range(N_THEMES)]
    leaves = [f"{BASE}issue/issue-{i:04d}" for i in range(N_LEAVES)]
    broader: dict[str, tuple[str, ...]] = {t: (families[n % N_FAMILIES],) for n, t in enumerate(themes)}
    leaf_family = np.zeros(N_LEAVES, dtype=np.int64)
    for i, leaf in enumerate(leaves):
        home = int(rng.integers(N_THEMES))
        parents = {home}
        extra = rng.random()
        if extra > 0.6:
            parents.add(int(rng.integers(N_THEMES)))
        if extra > 0.9:
            parents.add(int(rng.integers(N_THEMES)))
        broader[leaf] = tuple(sorted(themes[p] for p in parents))
        leaf_family[i] = home % N_FAMILIES
    popularity = 1.0 / (rng.permutation(N_LEAVES) + 10.0)

    fam_of = {leaf: set() for leaf in leaves}
    for leaf in leaves:
        for t in broader[leaf]:
            fam_of[leaf].update(broader[t])
    # Plants use mid-popularity descriptors, each in one plant only.
    rank = np.argsort(-popularity)
    pool = [leaves[i] for i in rank[60:400]]
    order = rng.permutation(len(pool))
    pool = [pool[i] for i in order]
    used: set[str] = set()

    def pick(avoid: set[str]) -> str:
        for leaf in pool:
            if leaf not in used and not (fam_of[leaf] & avoid):
                used.add(leaf)
                return leaf
        raise RuntimeError("not enough descriptors to plant")

    remote = []
    for _ in range(n_remote):
        a = pick(set())
        remote.append(tuple(sorted((a, pick(fam_of[a])))))
    hidden = []
    for _ in range(n_hidden):
        a = pick(set())
        c = pick(fam_of[a])
        b = pick(fam_of[a] | fam_of[c])
        hidden.append((a, b, c))

    # Experiences: 3–8 draws, each from the experience's family with probability 0.5.
    index = {leaf: i for i, leaf in enumerate(leaves)}
    by_family = [np.flatnonzero(leaf_family == f) for f in range(N_FAMILIES)]
    cum_all = np.cumsum(popularity) / popularity.sum()
    cum_fam = [np.cumsum(popularity[m]) / popularity[m].sum() for m in by_family]
    sizes = rng.integers(3, 9, n_experiences)
    home_family = rng.integers(0, N_FAMILIES, n_experiences)
    experiences: dict[str, tuple[str, ...]] = {}
    principles: dict[str, tuple[str, ...]] = {}
    plants_by_a: dict[int, list[int]] = {}
    for a, b in remote:
        plants_by_a.setdefault(index[a], []).append(index[b])
    hidden_by: dict[int, tuple[int, int]] = {}  # A or C -> (B, C or A)
    for h, (a, b, c) in enumerate(hidden):
        hidden_by[index[a]] = (index[b], index[c], h)
        hidden_by[index[c]] = (index[b], index[a], h)
    for e in range(n_experiences):
        draws = rng.random(sizes[e])
        local = rng.random(sizes[e]) < 0.5
        tags = set()
        for u, is_local in zip(draws, local, strict=True):
            if is_local:
                members = by_family[home_family[e]]
                tags.add(int(members[np.searchsorted(cum_fam[home_family[e]], u)]))
            else:
                tags.add(int(np.searchsorted(cum_all, u)))
        for a in sorted(tags):
            for b in plants_by_a.get(a, ()):
                if rng.random() < remote_rate:
                    tags.add(b)
        principle_set = {int(p) for p in rng.integers(0, N_PRINCIPLES, rng.integers(0, 3))}
        for a in sorted(tags):
            if a in hidden_by:
                b, other, h = hidden_by[a]
                tags.discard(other)  # A and C never meet
                if rng.random() < hidden_rate:
                    tags.add(b)
                    principle_set.add(N_PRINCIPLES + h)
        iri = f"{BASE}experience/experience-{e:06d}"
        experiences[iri] = tuple(leaves[t] for t in sorted(tags))
        principles[iri] = tuple(_iri("principle", p) for p in sorted(principle_set))
    places = rng.integers(0, N_TERRITORIES, n_experiences)
    territory = {e: _iri("territory", int(t)) for e, t in zip(experiences, places, strict=True)}
    actors = {e: tuple(sorted({_iri("actor", int(a)) for a in rng.integers(0, N_ACTORS, rng.integers(1, 4))}))
              for e in experiences}
    years = {e: (int(y), None) for e, y in zip(experiences, rng.integers(1990, 2025, n_experiences), strict=True)}
    corpus = corpus_from_records(
        experiences,
        issues=tuple(leaves + themes),
        families=tuple(families),
        broader=broader,
        experience_principles=principles,
        experience_actors=actors,
        experience_territory=territory,
        experience_years=years,
        content_hash=f"synthetic-{n_experiences}-{seed}",
    )
    return Synthetic(corpus, tuple(remote), tuple(hidden))


def timings(sizes: Sequence[int], seed: int) -> None:
    """Print the timing table."""
    print("| experiences | query | cold wall (s) | cold CPU (s) | warm wall (s) |")
    print("|---:|---|---:|---:|---:|")
    for n in sizes:
        synth = make_corpus(n, seed=seed)
        a, b = synth.remote[0]

        def fresh(s: Synthetic = synth) -> Corpus:
            return dataclasses.replace(s.corpus)  # a new object: nothing memoised yet

        queries: list[tuple[str, Callable[[Corpus], object]]] = [
            ("links (all pairs, top 20)", lambda c: compute_links(c, top=20)),
            ("links ISSUE (top 20)", lambda c, a=a: compute_links(c, issue=a, top=20)),
            ("links, npmi, p ≤ 0.01", lambda c: compute_links(c, measure="npmi", max_p_value=0.01, top=20)),
            ("remote (top 20)", lambda c: remote_links(c, top=20)),
            ("hidden ISSUE (top 20)", lambda c, a=a: hidden_links(c, a, top=20)),
            ("explain A B (k = 5)", lambda c, a=a, b=b: explain(c, a, b, k=5)),
            ("explain experience territory", lambda c: explain(c, c.experiences[0], c.experience_territory[
                c.experiences[-1]], k=5)),
            ("clusters", lambda c: cluster_issues(c)),
            ("bridges", lambda c: bridging_issues(c)),
            ("gaps", lambda c: structural_gaps(c)),
        ]
        for name, run in queries:
            corpus = fresh()
            cold, cold_cpu, warm = time_call(lambda c=corpus, run=run: run(c))
            print(f"| {n:,} | {name} | {cold:.3f} | {cold_cpu:.3f} | {warm:.3f} |")
        sys.stdout.flush()


def precision(n: int, seed: int, rates: Sequence[float]) -> None:
    """Print precision@k of remote and hidden links for planted links at ``n`` experiences."""
    print("| planted | rate | query | k | precision@k |")
    print("|---|---:|---|---:|---:|")
    for rate in rates:
        synth = make_corpus(n, seed=seed, remote_rate=rate, hidden_rate=min(1.0, 3 * rate))
        # The arms A–B and B–C of a hidden plant are planted remote associations too.
        planted = set(synth.remote) | {tuple(sorted(p)) for a, b, c in synth.hidden for p in ((a, b), (b, c))}
        for measure in ("association", "npmi"):
            found = remote_links(synth.corpus, measure=measure, top=len(planted))
            for k in (10, len(synth.remote), len(planted)):
                hits = sum((x.source, x.target) in planted for x in found[:k])
                print(f"| {len(planted)} remote | {rate} / {3 * rate:.2g} | remote --measure {measure} | {k} | "
                      f"{hits / k:.2f} |")
        targets = {tuple(sorted((a, c))) for a, _, c in synth.hidden}
        found = hidden_links(synth.corpus, top=len(targets))
        hits = sum((h.source, h.target) in targets for h in found)
        print(f"| {len(targets)} hidden | {3 * rate:.2g} | hidden (all pairs) | {len(targets)} | "
              f"{hits / len(targets):.2f} |")
        first = sum(bool(r) and r[0].target == c for a, _, c in synth.hidden
                    for r in [hidden_links(synth.corpus, a, top=1)])
        print(f"| {len(targets)} hidden | {3 * rate:.2g} | hidden A (is C first?) | 1 | {first / len(targets):.2f} |")
        assert all(not (set(families_of(synth.corpus, a)) & set(families_of(synth.corpus, b))) for a, b in planted)
        sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--precision-at", type=int, default=10000)
    parser.add_argument("--rates", type=float, nargs="+", default=[0.05, 0.1, 0.2])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    timings(args.sizes, args.seed)
    print()
    precision(args.precision_at, args.seed, args.rates)


if __name__ == "__main__":
    main()
