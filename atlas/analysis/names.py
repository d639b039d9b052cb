"""Resolve what a user types (slug, IRI or label) to the IRI of a record.

Matching ignores case and accents; an unknown name raises
:class:`~atlas.errors.NotFoundError` with the closest names as suggestions.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

from atlas.errors import NotFoundError
from atlas.model import Corpus


def fold(text: str) -> str:
    """Return ``text`` without accents, case-folded, with runs of spaces, ``-`` and ``_`` as one space.

    Examples
    --------
    >>> fold("Énergie  citoyenne")
    'energie citoyenne'
    >>> fold("le-mene")
    'le mene'
    """
    if not text.isascii():  # ASCII has nothing to decompose
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(text.casefold().replace("-", " ").replace("_", " ").split())


def _slug(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def resolve_name(corpus: Corpus, name: str, kinds: Iterable[str] | None = None) -> str:
    """Return the IRI of the record that ``name`` designates.

    ``name`` may be an IRI, a slug (the last segment of an IRI) or a label in any
    language, compared without accents and case. A slug typed exactly as it is
    wins over names that only match once folded.

    Parameters
    ----------
    corpus : Corpus
    name : str
        What the user typed.
    kinds : iterable of str, optional
        Restrict to these record kinds (``issue``, ``family``, ``experience``…).

    Returns
    -------
    str
        The record's IRI.

    Raises
    ------
    NotFoundError
        If nothing matches, or a label matches several records; the message
        lists the closest names.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records(
    ...     {"x/experience/e1": ("x/issue/biodiversity",)},
    ...     kinds={"x/issue/biodiversity": "issue", "x/experience/e1": "experience"},
    ...     labels={"x/issue/biodiversity": {"fr": "Biodiversité", "en": "Biodiversity"}})
    >>> resolve_name(c, "BIODIVERSITE")
    'x/issue/biodiversity'
    >>> resolve_name(c, "biodiversity", kinds=["issue"])
    'x/issue/biodiversity'
    >>> resolve_name(c, "biodiversty")
    Traceback (most recent call last):
    ...
    atlas.errors.NotFoundError: unknown name 'biodiversty' (did you mean 'biodiversity'?)
    """
    wanted = set(kinds) if kinds is not None else None
    if name in corpus.kinds and (wanted is None or corpus.kinds[name] in wanted):
        return name
    tail = "/" + name
    exact = [i for i, k in corpus.kinds.items() if i.endswith(tail) and (wanted is None or k in wanted)]
    if len(exact) == 1:  # an exact slug wins over names that only match once folded
        return exact[0]
    candidates = sorted(i for i, k in corpus.kinds.items() if wanted is None or k in wanted)
    key = fold(name)
    by_slug = [i for i in candidates if fold(_slug(i)) == key]
    if len(by_slug) == 1:
        return by_slug[0]
    by_label = sorted({i for i in candidates for lab in corpus.labels.get(i, {}).values() if fold(lab) == key})
    if len(by_label) == 1:
        return by_label[0]
    if len(by_slug) + len(by_label) > 1:
        options = ", ".join(sorted({_slug(i) for i in by_slug + by_label}))
        raise NotFoundError(f"name {name!r} is ambiguous: {options}")
    scored = []
    for i in candidates:
        keys = {fold(_slug(i))} | {fold(lab) for lab in corpus.labels.get(i, {}).values()}
        best = max(difflib.SequenceMatcher(None, key, k).ratio() for k in keys)
        if best >= 0.6:
            scored.append((-best, _slug(i)))
    close = [slug for _, slug in sorted(scored)[:3]]
    hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
    what = "/".join(sorted(wanted)) if wanted else "name"
    raise NotFoundError(f"unknown {what} {name!r}{hint}")
