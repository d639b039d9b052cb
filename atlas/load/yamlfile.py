"""Strict YAML reading that keeps values as written and remembers their lines.

The event stream of the YAML parser (libyaml when available) is turned into
plain containers ourselves, so that:

- duplicate keys, anchors, aliases and explicit tags are errors;
- every scalar stays the string the contributor wrote (``NO`` is not ``False``,
  ``012`` is not ``10``); only an empty plain scalar, ``~`` and ``null`` are ``None``;
- every mapping, sequence and scalar carries its 1-based line number.
"""

from __future__ import annotations

from typing import Any

import yaml

from atlas.errors import DataError, Problem

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULLS = {"", "~", "null", "Null", "NULL"}


class YStr(str):
    """A scalar as written, with its line and whether it was quoted."""

    line: int
    quoted: bool

    def __new__(cls, value: str, line: int, quoted: bool) -> YStr:
        obj = super().__new__(cls, value)
        obj.line = line
        obj.quoted = quoted
        return obj


class YMap(dict):
    """A mapping with the line of the mapping and of each key."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Return the line of ``key`` if present, else the line of the mapping."""
        return self.key_lines.get(key, self.line)


class YList(list):
    """A sequence with its line and the line of each item."""

    line: int
    item_lines: list[int]


def parse_yaml(text: str, path: str, first_line: int = 1) -> Any:
    """Parse one YAML document strictly.

    Parameters
    ----------
    text : str
        The YAML text.
    path : str
        Shown in error messages.
    first_line : int
        Line number of the first line of ``text`` in its file (front matter
        starts at line 2 of a Markdown file).

    Returns
    -------
    YMap, YList, YStr or None

    Raises
    ------
    DataError
        With every structural problem found (duplicate keys, aliases, tags) or
        the parser's syntax error.

    Examples
    --------
    >>> doc = parse_yaml("a: NO\\nb: 012\\n", "x.yaml")
    >>> doc["a"], doc["b"], doc.line_of("b")
    ('NO', '012', 2)
    >>> parse_yaml("a: 1\\na: 2\\n", "x.yaml")
    Traceback (most recent call last):
    ...
    atlas.errors.DataError: x.yaml:2: duplicate key 'a' (first at line 1)
    """
    offset = first_line - 1
    problems: list[Problem] = []
    stack: list[list[Any]] = []  # [container, pending_key or None]
    root: Any = None

    def line_of(event: Any) -> int:
        return event.start_mark.line + 1 + offset

    def add(value: Any, line: int) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        frame = stack[-1]
        container = frame[0]
        if isinstance(container, YList):
            container.append(value)
            container.item_lines.append(line)
        elif frame[1] is None:
            if not isinstance(value, str):
                problems.append(Problem(path, line, "a mapping key must be a plain string"))
                value = YStr(f"<complex key at line {line}>", line, False)
            frame[1] = value
        else:
            key = frame[1]
            if key in container:
                problems.append(
                    Problem(path, key.line, f"duplicate key {str(key)!r} (first at line {container.key_lines[key]})")
                )
            else:
                container[str(key)] = value
                container.key_lines[str(key)] = key.line
            frame[1] = None

    def check_node(event: Any) -> None:
        if getattr(event, "anchor", None):
            problems.append(Problem(path, line_of(event), f"anchors are not allowed (&{event.anchor})"))
        tag = getattr(event, "tag", None)
        scalar = isinstance(event, yaml.ScalarEvent)
        if tag is not None and not (scalar and (event.implicit[0] or tag == "!")):
            problems.append(Problem(path, line_of(event), f"explicit tags are not allowed ({tag})"))

    scalar_event = yaml.ScalarEvent
    parser = _Loader(text)
    try:
        # what yaml.parse() does, without a generator frame per event
        while parser.check_event():
            event = parser.get_event()
            if event.__class__ is scalar_event:  # most events: the fast path, inlined
                line = event.start_mark.line + 1 + offset
                if event.anchor is not None or event.tag is not None:
                    check_node(event)
                style = event.style  # libyaml says '' where the pure parser says None
                value = None if not style and event.value in _NULLS else YStr(event.value, line, bool(style))
                if stack:
                    frame = stack[-1]
                    container = frame[0]
                    if container.__class__ is YList:
                        container.append(value)
                        container.item_lines.append(line)
                        continue
                    if frame[1] is None and value is not None:  # a mapping key
                        frame[1] = value
                        continue
                add(value, line)
            elif isinstance(event, yaml.MappingStartEvent):
                check_node(event)
                m = YMap()
                m.line = line_of(event)
                m.key_lines = {}
                stack.append([m, None])
            elif isinstance(event, yaml.SequenceStartEvent):
                check_node(event)
                seq = YList()
                seq.line = line_of(event)
                seq.item_lines = []
                stack.append([seq, None])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                container = stack.pop()[0]
                add(container, container.line)
            elif isinstance(event, yaml.AliasEvent):
                problems.append(Problem(path, line_of(event), f"aliases are not allowed (*{event.anchor})"))
                add(None, line_of(event))
            elif isinstance(event, yaml.DocumentStartEvent) and root is not None:
                problems.append(Problem(path, line_of(event), "only one YAML document is allowed per file"))
                break
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else first_line
        raise DataError([Problem(path, line, f"invalid YAML: {exc.problem or exc}")]) from None
    except yaml.YAMLError as exc:
        raise DataError([Problem(path, first_line, f"invalid YAML: {exc}")]) from None
    finally:
        parser.dispose()
    if problems:
        raise DataError(problems)
    return root
