"""Memoise values derived from a corpus, once per corpus object.

A :class:`~atlas.model.Corpus` is immutable, so matrices and graphs derived
from it (the rolled-up incidence, the thesaurus distances, the evidence graph)
can be kept while the corpus lives and dropped with it. Callers share the
memoised value and must treat it as read-only.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from atlas.model import Corpus

T = TypeVar("T")

_MEMO: weakref.WeakKeyDictionary[Corpus, dict[Hashable, Any]] = weakref.WeakKeyDictionary()


def memoised(corpus: Corpus, key: Hashable, build: Callable[[], T]) -> T:
    """Return ``build()``, computed once per ``corpus`` object and ``key``.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a",)})
    >>> memoised(c, "answer", lambda: 42), memoised(c, "answer", lambda: 0)
    (42, 42)
    """
    slot = _MEMO.setdefault(corpus, {})
    if key not in slot:
        slot[key] = build()
    return slot[key]
