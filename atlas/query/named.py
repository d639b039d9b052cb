"""The library of named queries shipped in ``atlas/queries/*.rq``.

Each file starts with a comment header::

    # title: Experiences addressing an issue
    # description: Experiences that address an issue or one of its
    #   narrower issues, with their territory and start year.
    # param ?issue: IRI of an issue or an issue family
    # param ?lang: language of labels (default "en")

A line indented after ``#`` continues the field above it. Parameters are
variables the caller may bind (``--param issue=<…>``); left unbound, a query
answers for every value. A parameter is always projected by the query (its
value shows in the answer), as bound variables must be.
"""

from __future__ import annotations

import difflib
import importlib.resources
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from atlas.errors import NotFoundError, QueryError

_FIELD = re.compile(r"^#\s?(title|description|param\s+[?$]([A-Za-z_][A-Za-z0-9_]*))\s*:\s*(.*)$")
_CONTINUATION = re.compile(r"^#\s{2,}(\S.*)$")
NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class NamedQuery:
    """A query of the library, with what its header says.

    Attributes
    ----------
    name : str
        The file name without ``.rq`` (``experiences-by-issue``).
    title, description : str
        What it answers.
    params : tuple of (str, str)
        Parameter names (without ``?``) and what to give.
    text : str
        The SPARQL text (header included: it is made of comments).
    """

    name: str
    title: str
    description: str
    params: tuple[tuple[str, str], ...]
    text: str

    @property
    def param_names(self) -> tuple[str, ...]:
        """The names of the parameters, in header order."""
        return tuple(name for name, _ in self.params)

    def check_params(self, bindings: Mapping[str, Any]) -> None:
        """Refuse bindings for variables the query does not take as parameters.

        Raises
        ------
        QueryError
            Naming the unknown parameter and the accepted ones.
        """
        for name in bindings:
            if name not in self.param_names:
                accepted = ", ".join(f"?{p}" for p in self.param_names) or "no parameter"
                raise QueryError(f"query {self.name!r} has no parameter ?{name} (it takes {accepted})")


def parse_header(name: str, text: str) -> NamedQuery:
    """Read the comment header of a named query.

    Examples
    --------
    >>> q = parse_header("demo", "# title: Demo\\n# description: Counts\\n#   things.\\n"
    ...                  "# param ?x: an IRI\\nSELECT ?x WHERE { ?x ?p ?o }\\n")
    >>> q.title, q.description, q.params
    ('Demo', 'Counts things.', (('x', 'an IRI'),))
    """
    fields: dict[str, str] = {}
    params: list[list[str]] = []
    last: list[str] | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _FIELD.match(line)
        if match:
            if match.group(2):
                params.append([match.group(2), match.group(3).strip()])
                last = params[-1]
            else:
                fields[match.group(1)] = match.group(3).strip()
                last = None
                key = match.group(1)
            continue
        match = _CONTINUATION.match(line)
        if match:
            if last is not None:
                last[1] = f"{last[1]} {match.group(1).strip()}".strip()
            elif fields:
                fields[key] = f"{fields[key]} {match.group(1).strip()}".strip()
    if "title" not in fields:
        raise QueryError(f"named query {name!r} has no '# title:' header line")
    return NamedQuery(name, fields["title"], fields.get("description", ""), tuple(map(tuple, params)), text)


def _directory() -> Any:
    return importlib.resources.files("atlas").joinpath("queries")


def list_queries() -> list[NamedQuery]:
    """Return the named queries shipped with the package, sorted by name.

    Examples
    --------
    >>> "experiences-by-issue" in [q.name for q in list_queries()]
    True
    """
    queries = []
    for entry in _directory().iterdir():
        if entry.name.endswith(".rq"):
            name = entry.name[: -len(".rq")]
            queries.append(parse_header(name, entry.read_text(encoding="utf-8")))
    return sorted(queries, key=lambda q: q.name)


def get_query(name: str) -> NamedQuery:
    """Return one named query.

    Raises
    ------
    NotFoundError
        If no query has that name (with the closest names as suggestions).

    Examples
    --------
    >>> get_query("issue-pairs").param_names
    ('min',)
    """
    entry = _directory().joinpath(f"{name}.rq")
    if NAME_RE.match(name) and entry.is_file():
        return parse_header(name, entry.read_text(encoding="utf-8"))
    names = [q.name for q in list_queries()]
    close = difflib.get_close_matches(name, names, n=3)
    hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else " (see 'atlas queries')"
    raise NotFoundError(f"no named query {name!r}{hint}")
