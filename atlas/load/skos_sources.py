"""Importing a SKOS thesaurus as the issue thesaurus of an atlas directory.

:func:`generate_issue_sources` turns a :class:`~atlas.load.skos.Thesaurus`
into two source files, and :func:`import_skos` writes them:

- ``thesaurus/NAME.yaml`` (the format of ``docs/sources.md``): every concept
  without a broader concept (the top concepts) becomes a family with a
  colour; every other concept an issue with its ``broader`` (polyhierarchy
  kept), ``related``, labels, alternative labels and definitions in every
  language, and ``exact_match`` back to its IRI;
- ``thesaurus/NAME.ttl``: what the YAML format cannot hold: the concept
  schemes (minted under ``BASE thesaurus/imported/``) with their top concepts
  and members, notations, and the families' IRIs and alternative labels.

Slugs come from the preferred label in English, else in the atlas's first language (or, with
``slugs="notation"``, from the notation), ASCII-folded and made unique with
numeric suffixes in a stable order. A ``broader`` cycle (allowed by SKOS, not
by a thesaurus of issues) is broken at the edge that closes it, and a
``related`` link between a concept and one of its ancestors (which SKOS
forbids) is left out; the notes say how many.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF, SKOS

from atlas.errors import DataError, Problem
from atlas.load.emit import (
    MARKER,
    ImportReport,
    atlas_yaml,
    family_colour,
    natural_key,
    read_target,
    slugify,
    unique_slugs,
    write_sources,
    yaml_record,
)
from atlas.load.fields import is_language_tag
from atlas.load.skos import Concept, Thesaurus, read_skos
from atlas.vocab import DEFAULT_BASE, PREFIXES, SLUG_RE, mint_iri

_HTTP = ("http://", "https://")


@dataclass
class _Local:
    """A concept's texts restricted to the atlas's languages."""

    pref: dict[str, str]
    alt: dict[str, list[str]]
    definition: dict[str, str]


def _localise(c: Concept, languages: Sequence[str]) -> _Local:
    default = languages[0]
    pref = {lang: text for lang, text in c.pref.items() if lang in languages}
    alt: dict[str, set[str]] = defaultdict(set)
    for lang, texts in c.alt.items():
        if (lang or default) in languages:
            alt[lang or default].update(texts)
    if "" in c.pref:  # a label without a language is read in the atlas's first language
        if default in pref:
            alt[default].add(c.pref[""])
        else:
            pref[default] = c.pref[""]
    definition: dict[str, list[str]] = defaultdict(list)
    for lang in sorted(c.definition, key=lambda x: x == ""):
        target = lang or default
        if target in languages and not (lang == "" and target in definition):
            definition[target].extend(c.definition[lang])
    alt_out = {lang: sorted(v - {pref.get(lang)}) for lang, v in sorted(alt.items()) if v - {pref.get(lang)}}
    return _Local(pref, alt_out, {lang: "\n\n".join(v) for lang, v in sorted(definition.items())})


def _local_name(iri: str) -> str:
    return iri.rstrip("/#").replace("#", "/").rsplit("/", 1)[-1]


def _break_cycles(parents: dict[str, set[str]]) -> int:
    """Remove, in place, the ``broader`` edges that close cycles; return how many."""
    children: dict[str, set[str]] = defaultdict(set)
    for c, ps in parents.items():
        for p in ps:
            children[p].add(c)

    def reached() -> set[str]:
        seen = set()
        todo = [c for c, ps in parents.items() if not ps]
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(children[c] - seen)
        return seen

    broken = 0
    seen = reached()
    while len(seen) < len(parents):
        path, node = [], min(set(parents) - seen)
        while node not in path:
            path.append(node)
            node = min(parents[node])  # every parent of an unreached concept is unreached
        last = path[-1]
        parents[last].discard(node)
        children[node].discard(last)
        broken += 1
        seen = reached()
    return broken


def _ancestors(parents: Mapping[str, set[str]]) -> dict[str, frozenset[str]]:
    memo: dict[str, frozenset[str]] = {}

    def up(c: str) -> frozenset[str]:
        if c not in memo:
            stack, out = list(parents[c]), set()
            while stack:
                p = stack.pop()
                if p not in out:
                    out.add(p)
                    stack.extend(parents[p])
            memo[c] = frozenset(out)
        return memo[c]

    return {c: up(c) for c in parents}


def _order(c: Concept, slug: str) -> tuple:
    return (0, natural_key(c.notations[0]), slug) if c.notations else (1, (), slug)


def generate_issue_sources(
    thesaurus: Thesaurus,
    *,
    name: str,
    languages: Sequence[str],
    base: str,
    header: str,
    slugs: str = "label",
    prefix: str | None = None,
    taken: set[str] | frozenset[str] = frozenset(),
) -> tuple[dict[str, bytes], dict[str, int], list[str]]:
    """Return the source files of ``thesaurus`` as an issue thesaurus (pure, deterministic).

    Parameters
    ----------
    thesaurus : Thesaurus
    name : str
        A slug naming the files (``thesaurus/NAME.yaml`` and ``.ttl``) and the scheme.
    languages : sequence of str
        The atlas's languages; the first one holds labels given without a language.
        Texts in other languages are left out.
    base : str
        The atlas's base IRI (for the IRIs in the Turtle file).
    header : str
        The first line of each file (a comment).
    slugs : {"label", "notation"}
        Where slugs come from (falling back to the label, the notation, the IRI).
    prefix : str, optional
        Put before every slug (``gemet`` → ``gemet-water``).
    taken : set of str
        Slugs of issues and families defined elsewhere in the atlas.

    Returns
    -------
    files : dict of str to bytes
        Relative path → content.
    counts : dict of str to int
    notes : list of str

    Examples
    --------
    >>> from atlas.load.skos import parse_skos
    >>> t = parse_skos(b'''@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    ... <https://e.org/w> skos:prefLabel "Eau"@fr . <https://e.org/d> skos:prefLabel "Eau potable"@fr ;
    ...   skos:broader <https://e.org/w> .''', "turtle", "t.ttl")
    >>> files, counts, notes = generate_issue_sources(t, name="t", languages=["fr"], base="https://e.org/a/",
    ...                                              header="# test")
    >>> print(files["thesaurus/t.yaml"].decode())
    # test
    families:
      - id: "eau"
        label: {"fr": "Eau"}
        colour: "#e69f00"
    issues:
      - id: "eau-potable"
        label: {"fr": "Eau potable"}
        broader: ["eau"]
        exact_match: ["https://e.org/d"]
    <BLANKLINE>
    """
    if slugs not in ("label", "notation"):
        raise ValueError(f"slugs must be 'label' or 'notation', not {slugs!r}")
    if prefix is not None and not SLUG_RE.fullmatch(prefix):
        raise DataError([Problem("--prefix", 0, f"{prefix!r} is not a slug (lower-case words joined by '-')")])
    notes = list(thesaurus.notes)
    concepts = thesaurus.concepts
    local = {iri: _localise(c, languages) for iri, c in concepts.items()}
    unlabelled = 0
    for iri, loc in local.items():
        if not loc.pref:
            c = concepts[iri]
            loc.pref[languages[0]] = c.notations[0] if c.notations else _local_name(iri) or iri
            unlabelled += 1
    if unlabelled:
        notes.append(f"{unlabelled} concepts have no label in {', '.join(languages)}: their notation or IRI "
                     "is their label")
    dropped = sorted({lang or "(none)" for c in concepts.values() for lang in c.pref} - set(languages) - {"(none)"})
    if dropped:
        notes.append(f"texts in {', '.join(dropped)} were left out (not languages of the atlas)")

    bases = []
    for iri, c in concepts.items():
        found = slugify(c.notations[0]) if slugs == "notation" and c.notations else ""
        # English first when the atlas has it: ids of the default atlas are English whatever its first language
        for lang in [*(["en"] if "en" in languages else []), *languages, *sorted(local[iri].pref)]:
            if not found and lang in local[iri].pref:
                found = slugify(local[iri].pref[lang])
        found = found or (slugify(c.notations[0]) if c.notations else "") or slugify(_local_name(iri)) or "concept"
        bases.append((iri, f"{prefix}-{found}" if prefix else found))
    slug = unique_slugs(bases, taken)

    parents = {iri: set(c.broader) for iri, c in concepts.items()}
    broken = _break_cycles(parents)
    if broken:
        notes.append(f"{broken} broader links closing a cycle were left out")
    ancestors = _ancestors(parents)
    families = sorted((iri for iri, ps in parents.items() if not ps), key=lambda i: _order(concepts[i], slug[i]))
    family_set = set(families)
    issues = sorted((iri for iri in concepts if iri not in family_set), key=lambda i: _order(concepts[i], slug[i]))
    related: dict[str, set[str]] = defaultdict(set)
    left_out = 0
    for a, c in concepts.items():
        for b in c.related:
            if a >= b:
                continue
            if a in family_set or b in family_set or a in ancestors[b] or b in ancestors[a]:
                left_out += 1
                continue
            first, second = sorted((a, b), key=lambda i: slug[i])
            related[first].add(second)
    if left_out:
        notes.append(f"{left_out} related links were left out (to a family, or to an ancestor)")

    yaml = [header, "\n"]
    yaml.append("families:\n")
    for n, iri in enumerate(families):
        loc = local[iri]
        yaml.append(yaml_record([("id", slug[iri]), ("label", loc.pref), ("colour", family_colour(n)),
                                 ("definition", loc.definition)]))
    yaml.append("issues:\n" if issues else "issues: []\n")
    for iri in issues:
        loc = local[iri]
        yaml.append(yaml_record([
            ("id", slug[iri]), ("label", loc.pref), ("alt", loc.alt), ("definition", loc.definition),
            ("broader", sorted(slug[p] for p in parents[iri])),
            ("related", sorted(slug[r] for r in related.get(iri, ()))),
            ("exact_match", [iri] if iri.startswith(_HTTP) else []),
        ]))
    turtle = _turtle(thesaurus, name=name, languages=languages, base=base, slug=slug, local=local,
                     families=family_set, header=header)
    files = {f"thesaurus/{name}.yaml": "".join(yaml).encode("utf-8"), f"thesaurus/{name}.ttl": turtle}
    counts = {"families": len(families), "issues": len(issues),
              "broader": sum(len(ps) for ps in parents.values()), "related": sum(map(len, related.values())),
              "languages": len({lang for loc in local.values() for lang in loc.pref})}
    return files, counts, notes


def _turtle(thesaurus: Thesaurus, *, name: str, languages: Sequence[str], base: str, slug: Mapping[str, str],
            local: Mapping[str, _Local], families: set[str], header: str) -> bytes:
    """The Turtle companion file: schemes, top concepts, notations, what families cannot say in YAML."""

    def n(term: object) -> ox.NamedNode:
        return ox.NamedNode(str(term))

    def ours(iri: str) -> ox.NamedNode:
        return n(mint_iri(base, "issue", slug[iri]))

    triples = []
    add = triples.append
    root = f"{base}thesaurus/imported/{name}"
    schemes = sorted(thesaurus.schemes.values(), key=lambda s: s.iri)
    if len(schemes) > 1:
        names = unique_slugs([(s.iri, slugify(s.labels.get(languages[0], "")) or slugify(_local_name(s.iri))
                               or "scheme") for s in schemes])
        scheme_iri = {s.iri: n(f"{root}/{names[s.iri]}") for s in schemes}
    else:
        scheme_iri = {s.iri: n(root) for s in schemes}
    if not schemes:
        add(ox.Triple(n(root), n(RDF.type), n(SKOS.ConceptScheme)))
        add(ox.Triple(n(root), n(SKOS.prefLabel), ox.Literal(thesaurus.source, language=languages[0])))
    for s in schemes:
        node = scheme_iri[s.iri]
        add(ox.Triple(node, n(RDF.type), n(SKOS.ConceptScheme)))
        labels = {lang or languages[0]: text for lang, text in s.labels.items() if (lang or languages[0]) in languages}
        for lang, text in sorted((labels or {languages[0]: thesaurus.source}).items()):
            add(ox.Triple(node, n(SKOS.prefLabel), ox.Literal(text, language=lang)))
        if s.iri.startswith(_HTTP):
            add(ox.Triple(node, n(DCTERMS.source), n(s.iri)))
        for c in sorted(s.top):
            add(ox.Triple(node, n(SKOS.hasTopConcept), ours(c)))
            add(ox.Triple(ours(c), n(SKOS.topConceptOf), node))
    for iri, c in thesaurus.concepts.items():
        me = ours(iri)
        for sc in sorted(c.schemes) if schemes else [None]:
            add(ox.Triple(me, n(SKOS.inScheme), scheme_iri.get(sc, n(root))))
        for notation in c.notations:
            add(ox.Triple(me, n(SKOS.notation), ox.Literal(notation)))
        if iri in families or not iri.startswith(_HTTP):
            add(ox.Triple(me, n(SKOS.exactMatch), n(iri)))
        if iri in families:
            for lang, texts in local[iri].alt.items():
                for text in texts:
                    add(ox.Triple(me, n(SKOS.altLabel), ox.Literal(text, language=lang)))

    def key(t: ox.Triple) -> tuple:
        o = t.object
        return (t.subject.value, t.predicate.value, o.value, getattr(o, "language", None) or "")

    prefixes = {p: PREFIXES[p] for p in ("dcterms", "rdf", "skos")}
    body = ox.serialize(sorted(set(triples), key=key), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return (header + "\n").encode("utf-8") + body


def choose_languages(thesaurus: Thesaurus, declared: Sequence[str] | None, wanted: Sequence[str] | None,
                     path: str) -> list[str]:
    """Return the languages an import keeps.

    ``wanted`` (``--languages``) wins; else the atlas's declared languages, which must
    cover every language of the thesaurus (so that nothing is lost silently);
    else, for a new atlas, the thesaurus's languages, most used first.

    Raises
    ------
    DataError
        If a language is malformed, not declared by the atlas, or the
        thesaurus has labels in languages the atlas does not declare.

    Examples
    --------
    >>> from atlas.load.skos import Thesaurus
    >>> choose_languages(Thesaurus("t", {}, {}), ["fr", "en"], None, "t.rdf")
    ['fr', 'en']
    """
    found = thesaurus.languages()
    if wanted:
        bad = [lang for lang in wanted if not is_language_tag(lang)]
        undeclared = [lang for lang in wanted if declared is not None and lang not in declared]
        if bad or undeclared:
            what = f"malformed language tags {bad}" if bad else f"languages {undeclared} are not in atlas.yaml"
            raise DataError([Problem(path, 0, f"--languages: {what}")])
        return list(wanted)
    if declared is not None:
        missing = [lang for lang in found if lang not in declared]
        if missing:
            raise DataError([Problem(path, 0, f"the thesaurus has labels in {', '.join(missing)}, which atlas.yaml "
                                              f"does not declare ({', '.join(declared)}): add them to its "
                                              "'languages', or keep some with --languages")])
        return list(declared)
    kept = [lang for lang in found if is_language_tag(lang)]
    return kept or ["en"]


def thesaurus_name(path: Path, name: str | None = None) -> str:
    """Return the slug naming the files written from the thesaurus at ``path``.

    ``name`` (``--name``) wins; else the file name before its first dot, as a slug;
    else ``"thesaurus"``.

    Raises
    ------
    DataError
        If ``name`` is not a slug.

    Examples
    --------
    >>> thesaurus_name(Path("Thésaurus Citego.rdf")), thesaurus_name(Path("t.rdf"), "eau")
    ('thesaurus-citego', 'eau')
    """
    name = name or slugify(path.name.split(".")[0]) or "thesaurus"
    if not SLUG_RE.fullmatch(name):
        raise DataError([Problem(str(path), 0, f"--name {name!r} is not a slug (lower-case words joined by '-')")])
    return name


def import_skos(
    path: str | Path,
    into: str | Path,
    *,
    fmt: str | None = None,
    scheme: str | None = None,
    name: str | None = None,
    languages: Sequence[str] | None = None,
    slugs: str = "label",
    prefix: str | None = None,
    base: str | None = None,
    licence: str | None = None,
) -> ImportReport:
    """Import a SKOS thesaurus file as an issue thesaurus into the atlas directory ``into``.

    Writes ``thesaurus/NAME.yaml`` and ``thesaurus/NAME.ttl`` (see the module
    docstring), and ``atlas.yaml`` when ``into`` has none (with ``base``, or a
    base under the default one). Nothing is written if there is any problem.

    Parameters
    ----------
    path : str or Path
        The thesaurus file (``.rdf``/``.xml``/``.owl``, ``.ttl``, ``.nt``).
    into : str or Path
        The atlas directory (created if missing).
    fmt : {"rdfxml", "turtle", "ntriples"}, optional
        The format, when the extension does not say it.
    scheme : str, optional
        IRI of the one concept scheme to import.
    name : str, optional
        Slug naming the output files (default: from the file name).
    languages : sequence of str, optional
        Languages to keep (see :func:`choose_languages`).
    slugs : {"label", "notation"}
    prefix : str, optional
        A slug put before every imported slug.
    base : str, optional
        Base IRI of a new atlas (ignored when ``atlas.yaml`` exists).
    licence : str, optional
        Licence IRI of a new atlas (default: the licence the concept scheme
        declares; one is needed when ``atlas.yaml`` must be written).

    Returns
    -------
    ImportReport

    Raises
    ------
    DataError
        Unsafe or invalid input (with file and line), language conflicts, or a
        target file that an import did not write.
    """
    path = Path(path)
    thesaurus = read_skos(path, fmt, scheme=scheme)
    name = thesaurus_name(path, name)
    header = f"{MARKER} skos` from {path.name}: import it again rather than editing this file."
    target = read_target(into, header, paths=(f"thesaurus/{name}.yaml", f"thesaurus/{name}.ttl"))
    declared = target.config.languages if target.config else None
    langs = choose_languages(thesaurus, declared, languages, str(path))
    atlas_base = target.config.base if target.config else (base or f"{DEFAULT_BASE}imported/{name}/")
    files, counts, notes = generate_issue_sources(
        thesaurus, name=name, languages=langs, base=atlas_base, header=header, slugs=slugs, prefix=prefix,
        taken=target.taken.get("issue", set()),
    )
    if target.config is None:
        only = next(iter(thesaurus.schemes.values())) if len(thesaurus.schemes) == 1 else None
        licence = licence or next((x for s in thesaurus.schemes.values() for x in s.licences if x.startswith(_HTTP)),
                                  None)
        if licence is None:
            raise DataError([Problem(str(Path(into) / "atlas.yaml"), 0, "a new atlas needs a licence and the thesaurus "
                                     "declares none (dcterms:license): give it with --licence URL")])
        title = {lang: text for lang, text in (only.labels if only else {}).items() if lang in langs}
        comment = f"{MARKER} skos` from {path.name}: edit freely (name, base, languages, licence)."
        files = {"atlas.yaml": atlas_yaml(title or {langs[0]: thesaurus.source}, atlas_base, langs, licence,
                                          comment).encode("utf-8"), **files}
    stale = sorted(set(target.previous) - set(files))
    if stale:
        notes.append(f"files of an earlier import of {path.name} not written this time: {', '.join(stale)}")
    write_sources(into, files)
    return ImportReport(str(into), tuple(files), counts, tuple(notes))
