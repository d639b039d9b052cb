"""Memoise values derived from a corpus, once per corpus object, and across processes.

A :class:`~atlas.model.Corpus` is immutable, so matrices and graphs derived
from it (the rolled-up incidence, the thesaurus distances, the evidence graph)
can be kept while the corpus lives and dropped with it. Callers share the
memoised value and must treat it as read-only.

A corpus read from a store on disk also has a
:attr:`~atlas.model.Corpus.derived_cache` (see :mod:`atlas.graph`): values
are then saved beside the store on first use and loaded by later commands,
keyed by the store's content and the analysis code, so they cannot be stale.
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
        disk = corpus.derived_cache
        if disk is None:
            slot[key] = build()
        else:
            found, value = disk.load(key)
            if not found:
                value = build()
                disk.save(key, value)
            slot[key] = value
    return slot[key]
