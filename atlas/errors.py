"""The one error hierarchy of Relational Atlas.

The library raises these and never prints or exits; ``atlas.cli`` turns any
:class:`AtlasError` into ``Error: …`` and exit status 1, in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in a source file, reported as ``path:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class AtlasError(Exception):
    """Base for every error raised on purpose."""


class DataError(AtlasError):
    """A source file or record is malformed (path, line, record id).

    Carries every problem found, not only the first; ``str()`` gives one
    ``path:line: message`` per line, sorted by path and line.
    """

    def __init__(self, problems: Iterable[Problem] | str):
        if isinstance(problems, str):
            self.problems: tuple[Problem, ...] = ()
            super().__init__(problems)
            return
        self.problems = tuple(sorted(set(problems)))
        super().__init__("\n".join(str(p) for p in self.problems))


class ValidationError(DataError):
    """Records break the ontology's shapes (all problems, not the first)."""


class QueryError(AtlasError):
    """SPARQL could not be parsed, is not allowed, or timed out."""


class StoreError(AtlasError):
    """The store cannot be opened, locked, or reached."""


class ExportError(AtlasError):
    """A map or export could not be written."""


class NotFoundError(AtlasError):
    """A record named by the user (slug, IRI or label) does not exist."""
