"""What a map's side panel and header show beyond the corpus: texts, sources, the atlas's name and date.

The :class:`~atlas.model.Corpus` holds structure, not prose. A map also shows
each record's narrative (or summary, statement, definition) as a short
excerpt, its lessons, its source links, and in its header the atlas's name and
the date of its data; :func:`read_texts` pulls these from a store with three
SPARQL queries. Maps built from hand-made corpora pass a :class:`MapTexts`
built by hand.

Source links are kept only if they are plain ``http``/``https`` URLs
(:func:`safe_url`); the page checks them again before making them links.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

EXCERPT_CHARS = 600
_UNSAFE_CHARS = re.compile(r'[\s\x00-\x1f\x7f\\"<>`]')
#: Which text stands for a record, first found first.
_TEXT_ORDER = ("summary", "narrative", "statement", "definition", "description")

_Q_ATLAS = """SELECT ?a ?title (LANG(?title) AS ?lang) ?date WHERE { ?a a atlas:Atlas .
  OPTIONAL { ?a dcterms:title ?title } OPTIONAL { ?a dcterms:modified ?date } }"""
_Q_TEXTS = """SELECT ?x ?p ?t (LANG(?t) AS ?lang) WHERE { ?x ?p ?t .
  VALUES ?p { atlas:summary atlas:narrative atlas:statement skos:definition dcterms:description }
  FILTER(isLiteral(?t)) }"""
_Q_SOURCES = "SELECT DISTINCT ?x ?s WHERE { ?x ?p ?s . VALUES ?p { dcterms:source foaf:homepage } FILTER(isIRI(?s)) }"


@dataclass(frozen=True)
class RecordText:
    """Prose about one record (an experience, issue, principle, lesson…).

    Attributes
    ----------
    text : mapping of str to str
        ``{lang: excerpt}``; plain text, whitespace collapsed.
    sources : tuple of str
        Safe http(s) URLs, sorted.
    """

    text: Mapping[str, str] = field(default_factory=dict)
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class MapTexts:
    """Texts of an atlas for its maps.

    Attributes
    ----------
    name : mapping of str to str
        The atlas's name by language.
    date : str or None
        Date of the data (``dcterms:modified``), ISO 8601.
    records : mapping of str to RecordText
        By IRI (lessons included, under their own IRIs).
    """

    name: Mapping[str, str] = field(default_factory=dict)
    date: str | None = None
    records: Mapping[str, RecordText] = field(default_factory=dict)


def safe_url(url: str) -> str | None:
    """Return ``url`` if it is a plain http or https URL with a host, else ``None``.

    Examples
    --------
    >>> safe_url("https://example.org/a?b=1")
    'https://example.org/a?b=1'
    >>> [safe_url(u) for u in ("javascript:alert(1)", "https:///x", "http://a b", "data:text/html,x", " http://x")]
    [None, None, None, None, None]
    """
    if not isinstance(url, str) or not url or _UNSAFE_CHARS.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return url


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """Return ``text`` with whitespace collapsed, cut at a word boundary under ``limit`` characters.

    Examples
    --------
    >>> excerpt("A  first\\nline.   And more words", 20)
    'A first line. And…'
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut + "…"


def texts_from_rows(
    atlas_rows: Iterable[tuple], text_rows: Iterable[tuple], source_rows: Iterable[tuple]
) -> MapTexts:
    """Assemble :class:`MapTexts` from the rows of the three queries of :func:`read_texts`.

    Examples
    --------
    >>> t = texts_from_rows(
    ...     [("https://a/", "Atlas", "en", "2026-01-02")],
    ...     [("https://a/e", "https://w3id.org/relational-atlas/ns#narrative", "Long  story", "en")],
    ...     [("https://a/e", "https://src.org/"), ("https://a/e", "javascript:x")])
    >>> t.name, t.date, t.records["https://a/e"]
    ({'en': 'Atlas'}, '2026-01-02', RecordText(text={'en': 'Long story'}, sources=('https://src.org/',)))
    """
    name: dict[str, str] = {}
    date = None
    for _a, title, lang, when in sorted(atlas_rows, key=lambda r: tuple(v or "" for v in r)):
        if title is not None:
            name.setdefault(lang or "", title)
        if when and date is None:
            date = when
    found: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for x, p, t, lang in sorted(text_rows, key=lambda r: tuple(v or "" for v in r)):
        kind = p.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        found[x][kind].setdefault(lang or "", t)
    sources: dict[str, set[str]] = defaultdict(set)
    for x, s in source_rows:
        if (url := safe_url(s)) is not None:
            sources[x].add(url)
    records = {}
    for x in sorted(set(found) | set(sources)):
        text: dict[str, str] = {}
        for kind in _TEXT_ORDER:
            for lang, value in sorted(found.get(x, {}).get(kind, {}).items()):
                text.setdefault(lang, excerpt(value))
        records[x] = RecordText(text=dict(sorted(text.items())), sources=tuple(sorted(sources.get(x, ()))))
    return MapTexts(name=dict(sorted(name.items())), date=date, records=records)


def read_texts(store) -> MapTexts:
    """Read the texts a map shows from ``store`` (anything with ``select``).

    Examples
    --------
    >>> from atlas.store import open_store
    >>> read_texts(open_store(memory=True))
    MapTexts(name={}, date=None, records={})
    """
    return texts_from_rows(store.select(_Q_ATLAS), store.select(_Q_TEXTS), store.select(_Q_SOURCES))
