"""Aligning the issues of an atlas to an external SKOS thesaurus by their labels.

:func:`align_labels` proposes, for each issue or family of ours:

- ``skos:exactMatch`` to every external concept with a label equal to one of
  ours once accents, case and punctuation are ignored (preferred or
  alternative labels, in the same language; a label without a language
  matches any);
- failing that, ``skos:closeMatch`` to the external concept(s) scoring best
  above ``threshold``, the score of two labels being the Dice coefficient
  of their content words (stop words removed, a final ``s``
  dropped, words spelt alike counted as one). Only concepts sharing at
  least one content word are compared, so thousands of concepts align in
  about a second.

:func:`align_skos` writes the proposals as ``thesaurus/NAME-alignment.ttl``
in the atlas directory, one commented statement per match, which ``atlas
build`` loads like any Turtle source: review it, delete the lines you reject.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib.namespace import SKOS

from atlas.errors import DataError, Problem
from atlas.load.emit import MARKER, ImportReport, first_comment, fold_ascii, write_sources
from atlas.load.skos import Thesaurus, read_skos
from atlas.load.skos_sources import thesaurus_name
from atlas.load.sources import build_index, discover, read_config_file, read_source, write_quads
from atlas.vocab import ATLAS

#: Words left out when comparing labels (French and English articles, prepositions, conjunctions).
STOPWORDS = frozenset((
    "a", "au", "aux", "avec", "d", "dans", "de", "des", "du", "en", "et", "l", "la", "le", "les", "ou", "par",
    "pour", "sur", "un", "une", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the",
    "to", "with",
))
_NON_WORD = re.compile(r"[^a-z0-9]+")
#: Two words are taken as the same when their character similarity is at least this.
WORD_SIMILARITY = 0.85


@dataclass(frozen=True, order=True)
class Match:
    """One proposed alignment: ``ours`` (an issue IRI) ``relation`` ``theirs`` (an external concept)."""

    ours: str
    relation: str  # "exactMatch" or "closeMatch"
    theirs: str
    score: float
    our_label: str
    their_label: str


def normalise_label(text: str) -> str:
    """Return ``text`` folded to lower-case ASCII words separated by single spaces.

    >>> normalise_label("  Biodiversité : l'Érosion ")
    'biodiversite l erosion'
    """
    return " ".join(_NON_WORD.sub(" ", fold_ascii(text).lower()).split())


def label_words(text: str) -> frozenset[str]:
    """Return the content words of a label: normalised, without stop words, a final ``s`` dropped.

    >>> sorted(label_words("Rénovation énergétique des logements"))
    ['energetique', 'logement', 'renovation']
    """
    words = set()
    for w in normalise_label(text).split():
        if w not in STOPWORDS:
            words.add(w[:-1] if len(w) > 3 and w.endswith("s") else w)
    return frozenset(words)


def _similar(a: str, b: str) -> bool:
    return a == b or difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= WORD_SIMILARITY


def label_score(a: str, b: str) -> float:
    """Similarity of two labels in [0, 1]: the Dice coefficient of their content words.

    Two words count as the same when equal or spelt alike (character
    similarity at least :data:`WORD_SIMILARITY`: ``pesticide``, ``pesticides``).

    >>> label_score("Energy renovation of housing", "Housing energy renovation")
    1.0
    >>> round(label_score("Energy renovation", "Energy renovation of housing"), 2)   # 2*2/(2+3)
    0.8
    >>> round(label_score("Living environment", "Environment"), 2)   # 2*1/(2+1)
    0.67
    """
    wa, wb = sorted(label_words(a)), sorted(label_words(b))
    if not wa or not wb:
        return 0.0
    free = [w for w in wb if w not in wa]
    same = len(wa) - len([w for w in wa if w not in wb])
    for w in (w for w in wa if w not in wb):
        hit = next((x for x in free if _similar(w, x)), None)
        if hit is not None:
            free.remove(hit)
            same += 1
    return 2 * same / (len(wa) + len(wb))


def _compatible(la: str, lb: str) -> bool:
    return la == lb or not la or not lb


def align_labels(ours: Mapping[str, Mapping[str, Sequence[str]]], theirs: Mapping[str, Mapping[str, Sequence[str]]],
                 *, threshold: float = 0.75) -> list[Match]:
    """Propose exact and close matches between two sets of labelled concepts.

    Parameters
    ----------
    ours, theirs : mapping of IRI to mapping of language to labels
        Each concept's labels by language tag (``""``: no language), the
        preferred label first.
    threshold : float
        The lowest score of a close match.

    Returns
    -------
    list of Match
        Sorted by our IRI, relation, their IRI.

    Examples
    --------
    >>> ours = {"o:bio": {"en": ["Biodiversity"]}, "o:reno": {"en": ["Energy renovation of housing"]}}
    >>> theirs = {"t:1": {"en": ["biodiversity"]}, "t:2": {"en": ["Housing energy renovation"]},
    ...           "t:3": {"fr": ["Énergie"]}}
    >>> [(m.ours, m.relation, m.theirs) for m in align_labels(ours, theirs)]
    [('o:bio', 'exactMatch', 't:1'), ('o:reno', 'closeMatch', 't:2')]
    """
    exact: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # normalised -> (lang, iri, label)
    by_word: dict[str, set[str]] = defaultdict(set)
    for iri in sorted(theirs):
        for lang, labels in sorted(theirs[iri].items()):
            for label in labels:
                exact[normalise_label(label)].append((lang, iri, label))
                for w in label_words(label):
                    by_word[w].add(iri)
    matches = []
    for iri in sorted(ours):
        labels = [(lang, label) for lang, ls in sorted(ours[iri].items()) for label in ls]
        found: dict[str, Match] = {}
        for lang, label in labels:
            for their_lang, their_iri, their_label in exact.get(normalise_label(label), []):
                if _compatible(lang, their_lang) and their_iri not in found:
                    found[their_iri] = Match(iri, "exactMatch", their_iri, 1.0, label, their_label)
        if found:
            matches.extend(found.values())
            continue
        candidates = sorted({c for _, label in labels for w in label_words(label) for c in by_word.get(w, ())})
        best: list[Match] = []
        for cand in candidates:
            pairs = [(label_score(label, their), label, their) for lang, label in labels
                     for their_lang, theirs_ in sorted(theirs[cand].items()) if _compatible(lang, their_lang)
                     for their in theirs_]
            if not pairs:
                continue
            score, label, their = max(pairs, key=lambda p: p[0])
            if score < threshold:
                continue
            if best and score > best[0].score:
                best = []
            if not best or score == best[0].score:
                best.append(Match(iri, "closeMatch", cand, round(score, 4), label, their))
        matches.extend(best)
    return sorted(matches)


def thesaurus_labels(thesaurus: Thesaurus) -> dict[str, dict[str, list[str]]]:
    """Labels of every concept of ``thesaurus`` by language, preferred first.

    >>> from atlas.load.skos import Concept
    >>> t = Thesaurus("t", {"x:a": Concept("x:a", pref={"en": "A"}, alt={"en": ["Ay"]})}, {})
    >>> thesaurus_labels(t)
    {'x:a': {'en': ['A', 'Ay']}}
    """
    out = {}
    for iri, c in thesaurus.concepts.items():
        langs = sorted(set(c.pref) | set(c.alt))
        out[iri] = {lang: ([c.pref[lang]] if lang in c.pref else []) + c.alt.get(lang, []) for lang in langs}
    return out


def read_atlas_labels(data_dir: str | Path, skip_header: str | None = None) -> dict[str, dict[str, list[str]]]:
    """Labels of the issues and families of an atlas directory, by IRI and language, preferred first.

    Files whose first line is ``skip_header`` (an earlier alignment) are not read.

    Raises
    ------
    DataError
        If the atlas has problems (the same ones ``atlas validate`` reports, without SHACL).
    """
    data_dir = Path(data_dir)
    config = read_config_file(data_dir)
    sources = []
    for rel in discover(data_dir):
        data = (data_dir / rel).read_bytes()
        if skip_header and first_comment(data) == skip_header:
            continue
        sources.append(read_source(data_dir, rel, config, data))
    problems = [p for src in sources for p in src.problems]
    index = build_index(config, [(s.relpath, k, slug, line) for s in sources for k, slug, line in s.defined], problems)
    if problems:
        raise DataError(problems)
    for src in sources:
        write_quads(src, config, index)
        problems.extend(src.problems)
    if problems:
        raise DataError(problems)
    quads = [q for src in sources for q in src.quads]
    wanted = {str(ATLAS.Issue), str(ATLAS.IssueFamily)}
    concepts = {q.subject.value for q in quads if q.predicate.value.endswith("#type") and q.object.value in wanted}
    labels: dict[str, dict[str, list[str]]] = {c: {} for c in sorted(concepts)}
    for rank, predicate in enumerate((str(SKOS.prefLabel), str(SKOS.altLabel))):
        for q in sorted((q for q in quads if q.predicate.value == predicate and q.subject.value in concepts),
                        key=lambda q: (q.subject.value, q.object.value)):
            by_lang = labels[q.subject.value].setdefault(q.object.language or "", [])
            if q.object.value not in by_lang:
                (by_lang.insert(0, q.object.value) if rank == 0 else by_lang.append(q.object.value))
    return labels


def _comment(text: str) -> str:
    return " ".join(text.split())


def generate_alignment(matches: Sequence[Match], header: str, source: str) -> bytes:
    """Return the Turtle alignment file: one commented statement per match.

    Examples
    --------
    >>> m = Match("https://e.org/a/issue/water", "exactMatch", "https://t.org/1", 1.0, "Water", "water")
    >>> print(generate_alignment([m], "# test", "t.rdf").decode(), end="")
    # test
    # Proposed alignments to t.rdf (1 exact, 0 close): review them, delete the lines you reject.
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    <BLANKLINE>
    # "Water" = "water"
    <https://e.org/a/issue/water> skos:exactMatch <https://t.org/1> .
    """
    exact = sum(m.relation == "exactMatch" for m in matches)
    lines = [header, f"# Proposed alignments to {_comment(source)} ({exact} exact, {len(matches) - exact} close): "
                     "review them, delete the lines you reject.", f"@prefix skos: <{SKOS}> .", ""]
    for m in matches:
        how = "=" if m.relation == "exactMatch" else f"~ ({m.score:.2f})"
        lines.append(f'# "{_comment(m.our_label)}" {how} "{_comment(m.their_label)}"')
        lines.append(f"<{m.ours}> skos:{m.relation} <{m.theirs}> .")
    return ("\n".join(lines) + "\n").encode("utf-8")


def align_skos(path: str | Path, into: str | Path, *, fmt: str | None = None, scheme: str | None = None,
               name: str | None = None, threshold: float = 0.75) -> ImportReport:
    """Align the issues of the atlas ``into`` to a SKOS thesaurus file; write ``thesaurus/NAME-alignment.ttl``.

    Raises
    ------
    DataError
        Unsafe or invalid thesaurus, an atlas with problems, or a target file
        an import did not write.
    """
    if not 0 < threshold <= 1:
        raise DataError([Problem("--threshold", 0, f"must lie in (0, 1], not {threshold}")])
    path = Path(path)
    thesaurus = read_skos(path, fmt, scheme=scheme)
    name = thesaurus_name(path, name)
    header = f"{MARKER} skos --align` from {path.name}: proposals to review (running it again rewrites them)."
    ours = read_atlas_labels(into, skip_header=header)
    matches = align_labels(ours, thesaurus_labels(thesaurus), threshold=threshold)
    rel = f"thesaurus/{name}-alignment.ttl"
    write_sources(into, {rel: generate_alignment(matches, header, path.name)})
    exact = sum(m.relation == "exactMatch" for m in matches)
    aligned = len({m.ours for m in matches})
    return ImportReport(str(into), (rel,), {"exact": exact, "close": len(matches) - exact, "aligned issues": aligned,
                                            "issues": len(ours), "concepts": len(thesaurus.concepts)},
                        tuple(thesaurus.notes))
