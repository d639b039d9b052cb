"""Experiences as Markdown files: a YAML front matter and a narrative body.

The body may hold several languages: a line ``<!-- lang: xx -->`` starts the
text in language ``xx``; what comes before the first such line is in the
front matter's ``lang`` (or the atlas's first language).
"""

from __future__ import annotations

import re

from atlas.errors import DataError, Problem
from atlas.load.yamlfile import YMap, parse_yaml

_LANG_MARK = re.compile(r"^<!--\s*lang:\s*([A-Za-z0-9-]+)\s*-->\s*$")


def split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """Return ``(front_matter, body, body_first_line)`` of a Markdown file.

    Raises
    ------
    DataError
        If the file does not start with ``---`` or the front matter is not closed.

    Examples
    --------
    >>> split_front_matter("---\\ntitle: x\\n---\\nBody\\n", "e.md")
    ('title: x\\n', 'Body\\n', 4)
    >>> split_front_matter("---\\ntitle: x\\n", "e.md")
    Traceback (most recent call last):
    ...
    atlas.errors.DataError: e.md:1: unterminated front matter: no closing '---' line
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != "---":
        raise DataError([Problem(path, 1, "an experience must start with a '---' front matter line")])
    for n, line in enumerate(lines[1:], start=1):
        if line.rstrip("\r\n") in ("---", "..."):
            return "".join(lines[1:n]), "".join(lines[n + 1 :]), n + 2
    raise DataError([Problem(path, 1, "unterminated front matter: no closing '---' line")])


def split_languages(body: str, default_lang: str, languages: tuple[str, ...], path: str, first_line: int,
                    problems: list[Problem]) -> dict[str, str]:
    """Return the narrative by language.

    Examples
    --------
    >>> split_languages("Hello\\n<!-- lang: fr -->\\nBonjour\\n", "en", ("fr", "en"), "e.md", 5, [])
    {'en': 'Hello', 'fr': 'Bonjour'}
    """
    parts: dict[str, list[str]] = {}
    lang = default_lang
    current: list[str] = parts.setdefault(lang, [])
    for n, line in enumerate(body.splitlines(), start=first_line):
        m = _LANG_MARK.match(line.strip())
        if m:
            lang = m.group(1)
            if lang not in languages:
                problems.append(Problem(path, n, f"language '{lang}' is not declared in atlas.yaml"))
            elif lang in parts and "".join(parts[lang]).strip():
                problems.append(Problem(path, n, f"the narrative in '{lang}' is given twice"))
            current = parts.setdefault(lang, [])
            current.clear()
            continue
        current.append(line + "\n")
    return {k: "".join(v).strip() for k, v in parts.items() if "".join(v).strip()}


def parse_experience(text: str, path: str, languages: tuple[str, ...]) -> tuple[YMap, dict[str, str]]:
    """Return the front matter (strict YAML) and the narrative by language of an experience file."""
    front, body, body_line = split_front_matter(text, path)
    data = parse_yaml(front, path, first_line=2)
    if not isinstance(data, YMap):
        raise DataError([Problem(path, 2, "the front matter must be a mapping of fields (title, territory, …)")])
    problems: list[Problem] = []
    lang = data.get("lang")
    default = str(lang) if isinstance(lang, str) else languages[0]
    if lang is not None and default not in languages:
        problems.append(Problem(path, data.line_of("lang"), f"language '{default}' is not declared in atlas.yaml"))
    narrative = split_languages(body, default, languages, path, body_line, problems)
    if problems:
        raise DataError(problems)
    return data, narrative
