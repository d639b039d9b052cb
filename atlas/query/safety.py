"""What a query is allowed to do, decided by parsing it before it runs.

A query is parsed with rdflib's SPARQL 1.1 parser, a parser independent of the
engine that evaluates it. Only ``SELECT``, ``ASK``, ``CONSTRUCT`` and
``DESCRIBE`` pass; an update, a ``SERVICE`` anywhere in the query (nested in
``OPTIONAL``, ``UNION``, ``EXISTS``, a sub-query, ``SILENT`` or not) and a
dataset clause (``FROM``, ``FROM NAMED``) are refused with a
:class:`QueryRefusedError`, so nothing reaches the engine that could open a
network connection or read another dataset. Text the parser does not accept
is never run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pyparsing import ParseBaseException
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from atlas.errors import QueryError

_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}

_UPDATES = {
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT … WHERE",
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
}


class QueryRefusedError(QueryError):
    """A query that parses but is not allowed: an update, ``SERVICE``, ``FROM``."""


class QueryTimeoutError(QueryError):
    """A query that did not finish within its time limit (its work was stopped)."""


@dataclass(frozen=True)
class QueryInfo:
    """What parsing a query told: its form and the variables it projects.

    Attributes
    ----------
    form : str
        ``"SELECT"``, ``"ASK"``, ``"CONSTRUCT"`` or ``"DESCRIBE"``.
    projection : tuple of str or None
        The variables named in a ``SELECT`` clause, in order; ``None`` for
        ``SELECT *`` and for the other forms.
    """

    form: str
    projection: tuple[str, ...] | None = None

    @property
    def is_graph(self) -> bool:
        """Whether the query returns triples (``CONSTRUCT`` or ``DESCRIBE``)."""
        return self.form in ("CONSTRUCT", "DESCRIBE")


def _walk(node: Any) -> Iterator[Any]:
    """Yield every node of an rdflib parse tree (CompValues, lists, terms)."""
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, CompValue):
            stack.extend(dict.values(item))
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(item)


def _syntax_message(exc: ParseBaseException) -> str:
    return f"invalid SPARQL: {exc.msg} (line {exc.lineno}, column {exc.col})"


def _refuse_update(text: str, query_error: ParseBaseException) -> None:
    """Raise the right error for text that is not a query: an update, or a syntax error."""
    try:
        update = parseUpdate(text)
    except ParseBaseException:
        raise QueryError(_syntax_message(query_error)) from None
    except Exception:  # rdflib raises other errors on some malformed updates
        raise QueryError(_syntax_message(query_error)) from None
    names = [op.name for op in update.get("request") or [] if isinstance(op, CompValue)]
    if not names:
        raise QueryError("invalid SPARQL: the query is empty")
    ops = ", ".join(dict.fromkeys(_UPDATES.get(n, n) for n in names))
    raise QueryRefusedError(
        f"updates are not allowed ({ops}): queries are read-only; change the sources and run 'atlas build'"
    )


def check_query(text: str) -> QueryInfo:
    """Parse a query and refuse what is not allowed, without running it.

    Parameters
    ----------
    text : str
        SPARQL query text; the atlas prefixes need not be declared.

    Returns
    -------
    QueryInfo
        The query form and its projected variables.

    Raises
    ------
    QueryRefusedError
        For an update, a ``SERVICE`` clause anywhere, or ``FROM`` / ``FROM NAMED``.
    QueryError
        If the text is not valid SPARQL 1.1.

    Examples
    --------
    >>> check_query("SELECT ?e ?n WHERE { ?e atlas:startYear ?n }")
    QueryInfo(form='SELECT', projection=('e', 'n'))
    >>> check_query("ASK { ?s ?p ?o }").form
    'ASK'
    >>> try:
    ...     check_query("SELECT * WHERE { SERVICE <https://e.org/sparql> { ?s ?p ?o } }")
    ... except QueryRefusedError as exc:
    ...     print(exc)
    SERVICE is not allowed: queries run on the atlas only, never on another endpoint
    """
    if not isinstance(text, str) or not text.strip():
        raise QueryError("invalid SPARQL: the query is empty")
    try:
        parsed = parseQuery(text)
    except ParseBaseException as exc:
        _refuse_update(text, exc)
        raise  # pragma: no cover - _refuse_update always raises
    except RecursionError:
        # rdflib's parser recurses once per triple pattern of a group
        raise QueryError(
            "the query is too large for the safety check (about 80 triple patterns in one group at most): "
            "split long groups into { … } { … }"
        ) from None
    except Exception as exc:  # rdflib's parse actions raise plain exceptions (bad escapes, numbers)
        raise QueryError(f"invalid SPARQL: {exc}") from exc
    query = parsed[1]
    form = _FORMS.get(getattr(query, "name", ""))
    if form is None:  # pragma: no cover - the grammar only yields the four forms
        raise QueryError("invalid SPARQL: not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    for node in _walk(parsed):
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                silent = " SILENT" if dict.get(node, "silent") else ""
                raise QueryRefusedError(
                    f"SERVICE{silent} is not allowed: queries run on the atlas only, never on another endpoint"
                )
            if dict.get(node, "datasetClause"):
                raise QueryRefusedError(
                    "FROM and FROM NAMED are not allowed: the default graph is the union of the atlas; "
                    "use GRAPH ?g { … } to look into one source file"
                )
    projection = None
    if form == "SELECT" and dict.get(query, "projection"):
        projection = tuple(
            str(dict.get(v, "var") or dict.get(v, "evar")) for v in query["projection"]
        )
    return QueryInfo(form, projection)
