"""Typed reading of record fields: text in several languages, years, numbers,
URLs, slugs. Each reader appends a :class:`~atlas.errors.Problem` and returns
``None`` on bad input, so that every problem of a file is reported at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pyoxigraph import NamedNode

from atlas.errors import Problem
from atlas.load.yamlfile import YList, YMap

_YEAR = re.compile(r"^-?[0-9]{4}$")
_INT = re.compile(r"^(0|[1-9][0-9]*)$")
_DECIMAL = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# what an N-Triples IRI may not hold (controls, space, <>"{}|^`\\); the rest is left to the IRI parser
_URL = re.compile(r"https?://[^\x00-\x20<>\"{}|\\^`\x7f-\x9f]+")


@dataclass
class FieldReader:
    """Reads the fields of one record and collects the problems found."""

    path: str
    languages: tuple[str, ...]
    problems: list[Problem] = field(default_factory=list)

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def line(self, data: YMap, key: str) -> int:
        return data.line_of(key)

    def text(self, data: YMap, key: str, *, required: bool = False) -> dict[str, str] | None:
        """A string (in the default language) or a ``{lang: string}`` map."""
        value = data.get(key)
        if value is None:
            if required:
                self.problem(data.line, f"missing field '{key}'")
            return None
        if isinstance(value, str):
            if not value.strip():
                self.problem(value.line, f"'{key}' is empty")
                return None
            return {self.languages[0]: str(value).strip()}
        if isinstance(value, YMap):
            out: dict[str, str] = {}
            for lang, text in value.items():
                line = value.line_of(lang)
                if lang not in self.languages:
                    declared = ", ".join(self.languages)
                    hint = " (a comma inside {…} starts a new entry: quote the text)" if " " in lang else ""
                    self.problem(line, f"language '{lang}' of '{key}' is not declared in atlas.yaml ({declared}){hint}")
                elif not isinstance(text, str) or not text.strip():
                    self.problem(line, f"'{key}' in '{lang}' must be a non-empty string")
                else:
                    out[str(lang)] = str(text).strip()
            return out or None
        self.problem(value.line, f"'{key}' must be a string or a map by language")
        return None

    def texts(self, data: YMap, key: str) -> dict[str, list[str]]:
        """Several strings, or a ``{lang: [strings]}`` map (alternative labels)."""
        value = data.get(key)
        if value is None:
            return {}
        if isinstance(value, YList):
            items = {self.languages[0]: value}
        elif isinstance(value, YMap):
            items = {}
            for lang, v in value.items():
                if lang not in self.languages:
                    self.problem(value.line_of(lang), f"language '{lang}' of '{key}' is not declared in atlas.yaml")
                    continue
                items[str(lang)] = v if isinstance(v, YList) else [v]
        elif isinstance(value, str):
            items = {self.languages[0]: [value]}
        else:
            self.problem(value.line, f"'{key}' must be a list of strings or a map by language")
            return {}
        out: dict[str, list[str]] = {}
        for lang, vals in items.items():
            for v in vals:
                if isinstance(v, str) and v.strip():
                    out.setdefault(lang, []).append(str(v).strip())
                else:
                    self.problem(getattr(v, "line", data.line_of(key)), f"'{key}' items must be non-empty strings")
        return out

    def string(self, data: YMap, key: str, *, required: bool = False, pattern: re.Pattern | None = None,
               what: str = "") -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(data.line, f"missing field '{key}'")
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(getattr(value, "line", data.line_of(key)), f"'{key}' must be a non-empty string")
            return None
        if pattern is not None and not pattern.match(value):
            self.problem(value.line, f"'{key}' must be {what}, not {str(value)!r}")
            return None
        return str(value)

    def year(self, data: YMap, key: str) -> str | None:
        return self.string(data, key, pattern=_YEAR, what="a year such as 2012")

    def integer(self, data: YMap, key: str) -> str | None:
        return self.string(data, key, pattern=_INT, what="a whole number without leading zeros")

    def decimal(self, data: YMap, key: str, low: float, high: float) -> str | None:
        text = self.string(data, key, pattern=_DECIMAL, what="a decimal number such as 48.27")
        if text is None:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern already excludes it
            return None
        if not low <= number <= high:
            self.problem(data[key].line, f"'{key}' must lie between {low:g} and {high:g}, not {text}")
            return None
        return text

    def colour(self, data: YMap, key: str) -> str | None:
        return self.string(data, key, required=True, pattern=_COLOUR, what='a colour such as "#2e7d32"')

    def country(self, data: YMap, key: str) -> str | None:
        return self.string(data, key, pattern=_COUNTRY, what="an ISO 3166-1 alpha-2 code such as FR")

    def date(self, data: YMap, key: str) -> str | None:
        return self.string(data, key, pattern=_DATE, what="a date such as 2026-11-25")

    def url(self, value: Any, key: str, fallback_line: int) -> str | None:
        if not isinstance(value, str):
            self.problem(fallback_line, f"'{key}' must be a URL")
            return None
        reason = url_problem(value)
        if reason is not None:
            self.problem(value.line, f"'{key}' must be an http or https URL, not {str(value)!r}{reason}")
            return None
        return str(value)

    def urls(self, data: YMap, key: str, *, required: bool = False) -> list[tuple[str, str | None]]:
        """A list of URLs, each a string or ``{url: …, title: …}``; returns ``(url, title)`` pairs."""
        value = data.get(key)
        if value is None:
            if required:
                self.problem(data.line, f"missing field '{key}' (at least one http(s) URL)")
            return []
        items = value if isinstance(value, YList) else [value]
        out = []
        for item in items:
            if isinstance(item, YMap):
                self.only(item, {"url", "title"}, key)
                url = self.url(item.get("url"), f"{key}.url", item.line)
                title = self.string(item, "title")
                if url:
                    out.append((url, title))
            else:
                url = self.url(item, key, data.line_of(key))
                if url:
                    out.append((url, None))
        if required and not out and not self.problems:
            self.problem(data.line_of(key), f"'{key}' needs at least one http(s) URL")
        return out

    def slugs(self, data: YMap, key: str) -> list[tuple[str, int]]:
        """A slug or a list of slugs, with their lines."""
        value = data.get(key)
        if value is None:
            return []
        items = value if isinstance(value, YList) else [value]
        out = []
        for item in items:
            if isinstance(item, str) and item.strip():
                out.append((str(item).strip(), item.line))
            else:
                self.problem(getattr(item, "line", data.line_of(key)), f"'{key}' must list ids (slugs)")
        return out

    def choice(self, data: YMap, key: str, allowed: dict[str, Any], *, required: bool = False) -> Any:
        value = self.string(data, key, required=required)
        if value is None:
            return None
        if value not in allowed:
            self.problem(data[key].line, f"'{key}' must be one of {', '.join(sorted(allowed))}, not {value!r}")
            return None
        return allowed[value]

    def only(self, data: YMap, allowed: set[str], what: str) -> None:
        """Report every key of ``data`` that is not in ``allowed``, with a did-you-mean."""
        import difflib

        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.problem(data.line_of(key), f"unknown field '{key}' in {what}{hint}")


def url_problem(text: str) -> str | None:
    """Return why ``text`` is not an http(s) URL usable as an IRI (``""`` if it is not one at all), or None.

    The scheme and the characters are checked first; then the IRI parser checks the
    rest (host, percent-encoding, fragment), so that no URL a contributor wrote can
    make an invalid RDF term.

    Examples
    --------
    >>> url_problem("https://www.mene.fr/le-mene") is None
    True
    >>> url_problem("ftp://www.mene.fr"), url_problem("https://www.mene.fr/a b")
    ('', '')
    >>> url_problem("https://www.mene.fr/100%")
    " (invalid IRI percent encoding '%')"
    """
    if _URL.fullmatch(text) is None:
        return ""
    try:
        NamedNode(text)
    except ValueError as exc:
        reason = str(exc)
        return f" ({reason[:1].lower()}{reason[1:]})"
    return None


def is_language_tag(tag: str) -> bool:
    """Return whether ``tag`` looks like a BCP 47 language tag we accept.

    >>> is_language_tag("fr"), is_language_tag("pt-BR"), is_language_tag("French")
    (True, True, False)
    """
    return bool(_LANG.match(tag))
