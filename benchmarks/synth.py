"""Synthetic atlases in the source formats, with a realistic shape.

~500 issues in 7 families with several parents, ~60 principles, ~2,000
territories, 3–8 issues per experience, issue popularity skewed (Zipf-like);
optionally *planted* associations between chosen issues among the noise, so
that link-finding methods can be scored.

    python -m benchmarks.synth OUT_DIR --experiences 10000 [--seed 1] [--plant a:b:0.02 ...]
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

FAMILIES = ["society", "economy", "ecosystems", "equipment-and-networks", "cultural-and-intangible-capital",
            "organisation-of-space", "flows"]
COLOURS = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
TYPES = ["rural", "peri-urban", "urban"]
REGIONS = ["Bretagne", "Normandie", "Occitanie", "Grand Est", "Hauts-de-France", "Bourgogne-Franche-Comté",
           "Auvergne-Rhône-Alpes", "Nouvelle-Aquitaine", "Pays de la Loire", "Centre-Val de Loire"]
ACTOR_TYPES = ["local-authority", "association", "company", "cooperative", "research-centre", "public-service",
               "citizens-group"]


@dataclass(frozen=True)
class Plant:
    """A planted association: experiences tagged with ``a`` also get ``b`` with probability ``rate`` boost."""

    a: str
    b: str
    rate: float


@dataclass(frozen=True)
class Shape:
    issues: int = 500
    middle: int = 60  # intermediate descriptors under the families
    principles: int = 60
    territories: int = 2000
    actors: int = 3000


def issue_slug(n: int) -> str:
    return f"issue-{n:04d}"


def thesaurus(rng: random.Random, shape: Shape) -> tuple[list[str], dict[str, list[str]]]:
    """Return the leaf issue slugs and each issue's parents (middle issues under families)."""
    broader: dict[str, list[str]] = {}
    middle = [f"theme-{n:03d}" for n in range(shape.middle)]
    for n, m in enumerate(middle):
        broader[m] = [FAMILIES[n % len(FAMILIES)]]
    leaves = [issue_slug(n) for n in range(shape.issues - shape.middle)]
    for leaf in leaves:
        k = 1 if rng.random() < 0.6 else 2 if rng.random() < 0.8 else 3
        broader[leaf] = sorted(set(rng.sample(middle, k)))
    return leaves, broader


def generate_atlas(out: Path, experiences: int, *, seed: int = 1, plants: Sequence[Plant] = (),
                   shape: Shape = Shape()) -> Path:
    """Write a synthetic atlas of ``experiences`` experiences into ``out``; return ``out``."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "experiences").mkdir(exist_ok=True)
    (out / "atlas.yaml").write_text(
        "name: {fr: Atlas synthétique, en: Synthetic atlas}\nbase: https://example.org/synth/\n"
        "languages: [fr, en]\nlicence: https://creativecommons.org/publicdomain/zero/1.0/\n", encoding="utf-8")
    leaves, broader = thesaurus(rng, shape)
    lines = ["families:"]
    for f, c in zip(FAMILIES, COLOURS, strict=True):
        lines += [f"  - id: {f}", f"    label: {{fr: Famille {f}, en: Family {f}}}", f'    colour: "{c}"']
    lines.append("issues:")
    for slug, parents in broader.items():
        lines += [f"  - id: {slug}", f"    label: {{fr: Enjeu {slug}, en: Issue {slug}}}",
                  f"    broader: [{', '.join(parents)}]"]
    (out / "thesaurus.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["principles:"]
    for n in range(shape.principles):
        lines += [f"  - id: principle-{n:03d}", f"    label: {{fr: Principe {n}, en: Principle {n}}}"]
        if n >= 4:
            lines.append(f"    broader: [principle-{n % 4:03d}]")
    (out / "principles.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["territories:"]
    for n in range(shape.territories):
        lines += [f"  - id: territory-{n:04d}", f"    label: Territory {n}", f"    type: {rng.choice(TYPES)}",
                  "    level: municipality", f"    population: {int(10 ** rng.uniform(2.5, 5.5))}",
                  f"    region: {rng.choice(REGIONS)}", "    country: FR",
                  f"    lat: {rng.uniform(43.0, 50.5):.4f}", f"    long: {rng.uniform(-4.5, 7.5):.4f}"]
    lines.append("actors:")
    for n in range(shape.actors):
        lines += [f"  - id: actor-{n:04d}", f"    label: Actor {n}", f"    type: {rng.choice(ACTOR_TYPES)}",
                  f"    territory: territory-{rng.randrange(shape.territories):04d}"]
    (out / "places.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    weights = [1.0 / (r + 10) for r in range(len(leaves))]
    plant_by_a: dict[str, list[Plant]] = {}
    for p in plants:
        plant_by_a.setdefault(p.a, []).append(p)
    for n in range(experiences):
        k = rng.randint(3, 8)
        tags = set(rng.choices(leaves, weights=weights, k=k))
        for a in sorted(tags):
            for p in plant_by_a.get(a, ()):
                if rng.random() < p.rate:
                    tags.add(p.b)
        write_experience(out, n, sorted(tags), rng, shape)
    return out


def write_experience(out: Path, n: int, tags: Iterable[str], rng: random.Random, shape: Shape) -> None:
    territory = rng.randrange(shape.territories)
    start = rng.randint(1990, 2024)
    principles = sorted({f"principle-{rng.randrange(shape.principles):03d}" for _ in range(rng.randint(0, 2))})
    actors = sorted({f"actor-{rng.randrange(shape.actors):04d}" for _ in range(rng.randint(1, 3))})
    text = (
        "---\n"
        f"title: {{fr: Expérience {n}, en: Experience {n}}}\n"
        f"territory: territory-{territory:04d}\n"
        f"start: {start}\n"
        + (f"end: {start + rng.randint(0, 6)}\n" if rng.random() < 0.5 else "")
        + "actors:\n" + "".join(f"  - id: {a}\n    role: {{en: partner}}\n" for a in actors)
        + f"issues: [{', '.join(tags)}]\n"
        + (f"principles: [{', '.join(principles)}]\n" if principles else "")
        + "lessons:\n  - text: {en: A lesson.}\n    scope: " + rng.choice(["structural", "circumstantial"]) + "\n"
        + f"sources: [https://example.org/source/{n}]\n"
        "lang: en\n---\n"
        f"Narrative of experience {n}.\n"
    )
    (out / "experiences" / f"experience-{n:06d}.md").write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--experiences", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plant", action="append", default=[], metavar="A:B:RATE",
                        help="plant an association: experiences with issue A also get B with probability RATE")
    args = parser.parse_args(argv)
    plants = [Plant(a, b, float(r)) for a, b, r in (p.split(":") for p in args.plant)]
    generate_atlas(args.out, args.experiences, seed=args.seed, plants=plants)


if __name__ == "__main__":
    main()
