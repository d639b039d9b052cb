"""Commands for capitalisation and peers: capitalise, candidates, peers, journey, communities."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import click

from atlas.cli.app import emit, load_corpus, main, output_options

KIND_CHOICES = ("issue+actor-type", "issue+issue", "issue+lesson")
DIMENSIONS = ("type", "population", "region", "period")
PRINCIPLE_COLUMNS = ["principle", "classification", "cases", "territories", "context_classes", "diversity"]
CHECK_COLUMNS = ["status", "lesson", "experience", "declared", "computed", "cases", "territories"]
CANDIDATE_COLUMNS = ["rank", "kind", "issue", "with", "score", "cases", "territories", "diversity"]
CANDIDATE_EVIDENCE = ["coverage", "closest_principle", "experiences", "actors", "lessons"]
PEER_COLUMNS = ["relation", "territory", "score", "issues", "principles", "context", "why", "iri"]
JOURNEY_COLUMNS = ["rank", "experience", "territory", "covers", "round", "km", "context", "actors", "why"]
COMMUNITY_COLUMNS = ["community", "kind", "themes", "members", "experiences", "note", "iri"]

# fmt: off


def _threshold_options(func: Callable) -> Callable:
    """Add the thresholds of the structural / circumstantial classification."""
    for option in (
        click.option("--min-diversity", type=click.FloatRange(0, 1), default=0.5, show_default=True,
                     help="Least context diversity (mean normalised entropy) for 'structural'."),
        click.option("--min-territories", type=click.IntRange(min=1), default=3, show_default=True,
                     help="Least number of distinct territories to decide."),
        click.option("--min-cases", type=click.IntRange(min=1), default=3, show_default=True,
                     help="Least number of experiences to decide."),
    ):
        func = option(func)
    return func


def _labels(corpus, iris: Iterable[str], lang: str, limit: int | None = None) -> list[str]:
    iris = list(iris)
    shown = [corpus.label(i, lang) for i in (iris if limit is None else iris[:limit])]
    if limit is not None and len(iris) > limit:
        shown.append(f"… (+{len(iris) - limit})")
    return shown


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


@main.command()
@click.argument("name", required=False)
@click.option("--within", multiple=True, metavar="PLACE",
              help="Only the experiences of this territory, or of this community's territories (repeatable).")
@click.option("--check-lessons", is_flag=True,
              help="Check the lessons contributors marked structural or circumstantial against the data.")
@_threshold_options
@output_options(top=20)
@click.pass_context
def capitalise(ctx: click.Context, name: str | None, within: tuple[str, ...], check_lessons: bool,
               min_cases: int, min_territories: int, min_diversity: float, fmt: str, lang: str,
               top: int) -> None:
    """Tell whether a principle, an issue or a lesson is structural or circumstantial.

    NAME is a principle, an issue or family (slug, IRI or label) or a lesson
    (its IRI, or its end: EXPERIENCE/lesson/N). Without NAME, every principle is
    ranked. Structural: at least --min-cases experiences in at least
    --min-territories territories whose contexts (type, population class,
    region, decade) are diverse enough; circumstantial: tied to one context;
    undecidable: too few cases.

    \b
    Examples:
      atlas capitalise
      atlas capitalise conditions-of-engagement --within villes-pairs
      atlas capitalise energy --min-diversity 0.6 --format json
      atlas capitalise --check-lessons
    """
    from atlas.analysis import capitalisation as cap
    from atlas.analysis.lessons import check_lessons as checks_of

    corpus = load_corpus(ctx)
    thresholds = {"min_cases": min_cases, "min_territories": min_territories, "min_diversity": min_diversity}
    places = within or None
    if check_lessons:
        rows = [{"lesson": c.lesson, "experience": corpus.label(c.experience, lang), "declared": c.declared,
                 "computed": c.computed, "status": c.status, "cases": c.cases, "territories": c.territories,
                 "diversity": round(c.diversity, 3), "reasons": list(c.reasons)}
                for c in checks_of(corpus, **thresholds)[:top]]
        emit(rows, [*CHECK_COLUMNS, "diversity", "reasons"], fmt)
        return
    if name is None:
        rows = [{"principle": corpus.label(r.subject, lang), "classification": r.classification,
                 "cases": r.cases, "territories": len(r.territories),
                 "context_classes": len(r.context_classes),
                 "diversity": round(r.diversity, 3), "reasons": list(r.reasons), "iri": r.subject}
                for r in cap.capitalise_principles(corpus, within=places, **thresholds)[:top]]
        emit(rows, [*PRINCIPLE_COLUMNS, "reasons", "iri"], fmt)
        return
    _emit_report(corpus, cap.capitalise(corpus, name, within=places, **thresholds), fmt, lang, top)


def _emit_report(corpus, report, fmt: str, lang: str, top: int) -> None:
    from atlas.analysis.contexts import experience_contexts

    evidence = []
    shown = report.experiences[:top]
    for e, context in zip(shown, experience_contexts(corpus, shown), strict=True):
        where = corpus.experience_territory.get(e)
        evidence.append({"experience": corpus.label(e, lang),
                         "territory": corpus.label(where, lang) if where else None,
                         **dict(zip(DIMENSIONS, context, strict=True)), "iri": e})
    if fmt == "json":
        distribution = {d: [list(pair) for pair in v] for d, v in report.distribution.items()}
        classes = [{"context": dict(zip(DIMENSIONS, c, strict=True)), "cases": n}
                   for c, n in report.context_classes]
        summary = {"subject": report.subject, "label": corpus.label(report.subject, lang),
                   "kind": report.kind, "classification": report.classification, "declared": report.declared,
                   "reasons": list(report.reasons), "cases": report.cases,
                   "territories": list(report.territories), "diversity": report.diversity,
                   "entropy": report.entropy, "distribution": distribution, "context_classes": classes,
                   "lessons": list(report.lessons), "evidence": evidence}
        emit([summary], list(summary), "json")
        return
    if fmt == "table":
        declared = f" (contributor: {report.declared})" if report.declared else ""
        click.echo(f"{corpus.label(report.subject, lang)} ({report.kind}) <{report.subject}>")
        click.echo(f"  {report.classification.upper()}{declared}: {'; '.join(report.reasons)}")
        entropy = ", ".join(f"{d} {report.entropy[d]:.2f}" for d in DIMENSIONS)
        click.echo(f"  diversity {report.diversity:.2f}: {entropy}")
        for d in DIMENSIONS:
            if report.distribution[d]:
                click.echo(f"  {d}: " + ", ".join(f"{v} ({n})" for v, n in report.distribution[d]))
        for lesson in report.lessons:
            click.echo(f"  lesson: {lesson}")
        click.echo("")
    emit(evidence, ["experience", "territory", *DIMENSIONS, "iri"], fmt)


@main.command()
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KIND_CHOICES),
              help="Combinations to count (repeatable; default: all three).")
@click.option("--max-coverage", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="A combination whose cases one principle covers this much is named already.")
@_threshold_options
@output_options(top=20)
@click.pass_context
def candidates(ctx: click.Context, kinds: tuple[str, ...], max_coverage: float, min_cases: int,
               min_territories: int, min_diversity: float, fmt: str, lang: str, top: int) -> None:
    """List candidate principles: combinations recurring across diverse contexts that no principle names.

    A combination is an issue with an actor type, two issues together, or an
    issue with the theme of a lesson drawn from it. Score = diversity ×
    log2(1 + territories) × (1 − coverage by the closest principle).

    \b
    Examples:
      atlas candidates --top 10
      atlas candidates --kind issue+actor-type --format csv
    """
    from atlas.analysis.candidates import find_candidates

    corpus = load_corpus(ctx)
    found = find_candidates(corpus, kinds=kinds or KIND_CHOICES, min_cases=min_cases,
                            min_territories=min_territories, min_diversity=min_diversity,
                            max_coverage=max_coverage, top=top)
    rows = []
    for rank, c in enumerate(found, 1):
        second = c.items[1] if c.kind == "issue+actor-type" else corpus.label(c.items[1], lang)
        closest = corpus.label(c.closest_principle, lang) if c.closest_principle else None
        rows.append({"rank": rank, "kind": c.kind, "issue": corpus.label(c.items[0], lang), "with": second,
                     "score": round(c.score, 3), "cases": c.cases, "territories": c.territories,
                     "diversity": round(c.diversity, 3), "coverage": _percent(c.coverage),
                     "closest_principle": closest, "experiences": _labels(corpus, c.experiences, lang, 5),
                     "actors": _labels(corpus, c.actors, lang, 5), "lessons": list(c.lessons[:5])})
    emit(rows, CANDIDATE_COLUMNS + CANDIDATE_EVIDENCE, fmt)


@main.command()
@click.argument("territory")
@output_options(top=10)
@click.pass_context
def peers(ctx: click.Context, territory: str, fmt: str, lang: str, top: int) -> None:
    """Find the territories most similar to TERRITORY, and the most complementary ones.

    Similar: shared issues and principles (Jaccard) and context (type,
    population class, region). Complementary: experience on the issues
    TERRITORY lacks next to its own in the thesaurus. --top applies to each list.

    \b
    Examples:
      atlas peers le-mene
      atlas peers "Loos-en-Gohelle" --top 5 --format json
    """
    from atlas.analysis.peers import find_complements, find_peers

    corpus = load_corpus(ctx)
    rows = []
    for p in find_peers(corpus, territory, top=top):
        why = (f"shares {len(p.shared_issues)} issues (Jaccard {p.issue_similarity:.2f}), "
               f"{len(p.shared_principles)} principles, {len(p.shared_context)}/3 of its context")
        rows.append({"relation": "similar", "territory": corpus.label(p.territory, lang),
                     "score": round(p.score, 3), "issues": _labels(corpus, p.shared_issues, lang),
                     "principles": _labels(corpus, p.shared_principles, lang),
                     "context": list(p.shared_context), "why": why, "iri": p.territory})
    for c in find_complements(corpus, territory, top=top):
        why = "; ".join(f"{corpus.label(g, lang)} (next to {', '.join(_labels(corpus, near, lang))})"
                        for g, near in c.covered)
        rows.append({"relation": "complementary", "territory": corpus.label(c.territory, lang),
                     "score": round(c.score, 3), "issues": _labels(corpus, (g for g, _ in c.covered), lang),
                     "principles": [], "context": list(c.shared_context), "why": why, "iri": c.territory})
    emit(rows, PEER_COLUMNS, fmt)


@main.command()
@click.argument("territory")
@click.option("--issue", "issues", multiple=True, metavar="ISSUE",
              help="An issue to learn about (repeatable; default: the territory's own issues).")
@click.option("--max-km", type=click.FloatRange(min=0), default=None,
              help="Only experiences at most this far (km) from TERRITORY; needs coordinates.")
@output_options(top=5)
@click.pass_context
def journey(ctx: click.Context, territory: str, issues: tuple[str, ...], max_km: float | None, fmt: str,
            lang: str, top: int) -> None:
    """Plan a learning journey: experiences elsewhere to visit, and who carried them.

    Greedy cover of the issues, each visit weighted by how comparable its
    territory is (type, population class, region); once every issue is
    covered, a next round offers more.

    \b
    Examples:
      atlas journey loos-en-gohelle --issue energy-renovation-of-housing --issue local-savings
      atlas journey le-mene --max-km 300 --top 3
    """
    from atlas.analysis.journey import plan_journey

    corpus = load_corpus(ctx)
    rows = []
    for v in plan_journey(corpus, territory, issues, top=top, max_km=max_km):
        actors = [f"{corpus.label(a, lang)} ({corpus.actor_types[a]})" if a in corpus.actor_types
                  else corpus.label(a, lang) for a in v.actors]
        rows.append({"rank": v.rank, "experience": corpus.label(v.experience, lang),
                     "territory": corpus.label(v.territory, lang) if v.territory else None,
                     "covers": _labels(corpus, v.covers, lang), "round": v.round, "km": v.distance_km,
                     "context": list(v.shared_context), "actors": actors, "why": list(v.reasons),
                     "iri": v.experience})
    emit(rows, [*JOURNEY_COLUMNS, "iri"], fmt)


@main.command()
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the Leiden clustering.")
@click.option("--resolution", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
              help="Higher: more, smaller issue clusters.")
@click.option("--existing", "which", flag_value="existing", help="Only the existing communities.")
@click.option("--suggested", "which", flag_value="suggested", help="Only the suggested communities.")
@output_options(top=20)
@click.pass_context
def communities(ctx: click.Context, seed: int, resolution: float, which: str | None, fmt: str, lang: str,
                top: int) -> None:
    """Suggest thematic learning communities and list the existing ones.

    A suggestion groups the territories whose experiences mostly address one
    cluster of co-occurring issues; the existing communities, work areas and
    journeys come with their members, themes and the members' experiences on
    those themes. --top applies to each list.

    \b
    Examples:
      atlas communities
      atlas communities --suggested --resolution 1.5 --format json
    """
    from atlas.analysis.communities import list_communities, suggest_communities

    corpus = load_corpus(ctx)
    rows = []
    if which in (None, "suggested"):
        for s in suggest_communities(corpus, seed=seed, resolution=resolution)[:top]:
            note = ""
            if s.closest_existing:
                closest = corpus.label(s.closest_existing, lang)
                note = f"closest existing: {closest} ({_percent(s.overlap)} of members)"
            members = [f"{corpus.label(t, lang)} ({_percent(share)})" for t, share in s.members]
            rows.append({"community": f"suggestion {s.number}", "kind": "suggested",
                         "themes": _labels(corpus, s.themes, lang, 8), "members": members,
                         "experiences": s.experiences, "note": note, "iri": None})
    if which in (None, "existing"):
        for c in list_communities(corpus)[:top]:
            note = f"part of {corpus.label(c.part_of, lang)}" if c.part_of else ""
            if c.visits:
                note = "visits: " + ", ".join(_labels(corpus, c.visits, lang))
            rows.append({"community": corpus.label(c.iri, lang),
                         "kind": f"{c.kind} ({c.type})" if c.type else c.kind,
                         "themes": _labels(corpus, c.themes, lang),
                         "members": _labels(corpus, c.territories + c.actors, lang),
                         "experiences": len(c.experiences), "note": note, "iri": c.iri})
    emit(rows, COMMUNITY_COLUMNS, fmt)


# fmt: on
