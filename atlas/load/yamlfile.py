"""Strict YAML reading that keeps values as written and remembers their lines.

The event stream of the YAML parser (libyaml when available) is turned into
plain containers ourselves (or, for the plain subset most sources use, the
lines are read directly, with the same result), so that:

- duplicate keys, anchors, aliases and explicit tags are errors;
- every scalar stays the string the contributor wrote (``NO`` is not ``False``,
  ``012`` is not ``10``); only an empty plain scalar, ``~`` and ``null`` are ``None``;
- every mapping, sequence and scalar carries its 1-based line number.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from atlas.errors import DataError, Problem

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULLS = {"", "~", "null", "Null", "NULL"}


class YStr(str):
    """A scalar as written, with its line and whether it was quoted (made by :func:`ystr`)."""

    line: int
    quoted: bool = False


def ystr(value: str, line: int, quoted: bool = False, _new: Any = str.__new__) -> YStr:
    """Return ``value`` as a :class:`YStr` of ``line``.

    A function rather than ``YStr.__new__``, and ``quoted`` stored only when
    true: a front matter makes dozens of these, and each costs a third less.

    >>> s = ystr("012", 4)
    >>> s, s.line, s.quoted, ystr("NO", 5, quoted=True).quoted
    ('012', 4, False, True)
    """
    obj = _new(YStr, value)
    obj.line = line
    if quoted:
        obj.quoted = True
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
    plain = _parse_plain(text, first_line)
    if plain is not _NOT_PLAIN:
        return plain
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
                value = ystr(f"<complex key at line {line}>", line)
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
                value = None if not style and event.value in _NULLS else ystr(event.value, line, bool(style))
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


# -- a fast reader for the plain subset ---------------------------------------------
#
# Most sources use a small, plain part of YAML: block mappings and sequences,
# plain or simply quoted one-line scalars, one-line flow lists and mappings.
# Reading that part line by line gives the same containers as the event
# stream, in two thirds of the time (libyaml makes a Python event and two
# marks for every token): 100-110 µs instead of 169 µs for a typical
# experience's front matter. Anything else (comments, anchors, tags, escapes,
# block or multi-line scalars, odd indentation, a duplicate or null key) is
# left to the full reader, which also reports every problem; differential
# tests keep both equal.

_NOT_PLAIN = object()  # the text is outside the fast subset
_OUTSIDE = re.compile(r"[\t\r#\\\x85\u2028\u2029\ufeff]")
_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_-]*):(?: +(.*))?\Z")
_FLOW_KEY_AT = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_-]*): +")
# a plain scalar that starts with an indicator, holds ": " or a bracket, or ends with ":"
_NOT_PLAIN_BLOCK = re.compile(r"\A[-?:,\[\]{}#&*!|>'\"%@`]|: |:\Z|[\[\]{}]")
_NOT_PLAIN_FLOW = re.compile(r"\A[-?:,\[\]{}#&*!|>'\"%@`]|: |:\Z|[\[\]{}?]")


class _OutsideError(Exception):
    """The fast reader met something outside its subset."""


def _scalar(text: str, line: int, flow: bool) -> YStr | None:
    first = text[0]
    if first == '"' or first == "'":
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != first or first in inner:
            raise _OutsideError
        return ystr(inner, line, True)
    if (_NOT_PLAIN_FLOW if flow else _NOT_PLAIN_BLOCK).search(text) is not None:
        raise _OutsideError
    return None if text in _NULLS else ystr(text, line)


def _flow_items(inner: str, line: int, mapping: bool) -> list:
    """The items of a one-line flow collection: scalars, or ``(key, scalar)`` pairs."""
    items: list = []
    pos, end = 0, len(inner)
    while True:
        while pos < end and inner[pos] == " ":
            pos += 1
        if pos == end:
            return items  # empty, or after a trailing comma
        key = None
        if mapping:
            entry = _FLOW_KEY_AT.match(inner, pos)
            if entry is None or entry.group(1) in _NULLS:
                raise _OutsideError
            key, pos = entry.group(1), entry.end()
            if pos == end:
                raise _OutsideError  # a key without a value
        if inner[pos] in "\"'":
            close = inner.find(inner[pos], pos + 1)
            if close < 0 or inner[close + 1: close + 2] == inner[pos]:
                raise _OutsideError  # unterminated, or an escaped quote
            value = _scalar(inner[pos: close + 1], line, True)
            pos = close + 1
            while pos < end and inner[pos] == " ":
                pos += 1
        else:
            comma = inner.find(",", pos)
            stop = end if comma < 0 else comma
            value = _scalar(inner[pos:stop].rstrip(" ") or "-", line, True)  # "-": an empty item is declined
            pos = stop
        if value is None:
            raise _OutsideError
        items.append(value if key is None else (key, value))
        if pos == end:
            return items
        if inner[pos] != ",":
            raise _OutsideError
        pos += 1


def _inline(text: str, line: int) -> Any:
    """A value written on the rest of a line: a scalar or a one-line flow collection."""
    first = text[0]
    if first != "[" and first != "{":
        return _scalar(text, line, False)
    inner = text[1:-1]
    if text[-1] != ("]" if first == "[" else "}"):
        raise _OutsideError
    items = _flow_items(inner, line, first == "{")
    if first == "[":
        seq = YList(items)
        seq.line, seq.item_lines = line, [line] * len(seq)
        return seq
    m = YMap()
    m.line, m.key_lines = line, {}
    for key, value in items:
        if key in m:
            raise _OutsideError
        m[key] = value
        m.key_lines[key] = line
    return m


_END = (-1, "", 0)  # after the last line: less indented than anything


class _BlockReader:
    """Block mappings and sequences, from the non-blank lines as ``[indent, content, line]``."""

    def __init__(self, text: str, first_line: int) -> None:
        items = []
        for n, raw in enumerate(text.split("\n"), start=first_line):
            content = raw.lstrip(" ")
            if content:
                indent = len(raw) - len(content)
                content = content.rstrip(" ")
                if not content.isprintable() or content.startswith(("---", "...")):
                    raise _OutsideError
                items.append([indent, content, n])
        items.append(_END)
        self.items, self.pos = items, 0

    def block(self, indent: int) -> Any:
        content = self.items[self.pos][1]
        if content == "-" or content.startswith("- "):
            return self.sequence(indent)
        return self.mapping(indent)

    def nested(self, indent: int, sequence_allowed: bool) -> Any:
        """The value of a key or item written on the following lines (``None`` if there are none)."""
        col, content, _ = self.items[self.pos]
        if col > indent:
            return self.block(col)
        if col == indent and sequence_allowed and (content == "-" or content.startswith("- ")):
            return self.sequence(indent)  # a sequence at the key's own indentation
        return None

    def mapping(self, indent: int) -> YMap:
        items = self.items
        m = YMap()
        key_lines = m.key_lines = {}
        m.line = items[self.pos][2]
        while (item := items[self.pos])[0] >= indent:
            col, content, line = item
            entry = _KEY.match(content)
            if col != indent or entry is None:
                raise _OutsideError
            key, rest = entry.group(1), entry.group(2)
            if key in m or key in _NULLS:  # a null key is a problem the full reader reports
                raise _OutsideError
            self.pos += 1
            if rest:
                m[key] = _inline(rest, line)
                if items[self.pos][0] > indent:
                    raise _OutsideError  # a multi-line scalar, or a misplaced block
            else:
                m[key] = self.nested(indent, True)
            key_lines[key] = line
        return m

    def sequence(self, indent: int) -> YList:
        items = self.items
        seq = YList()
        seq.line, item_lines = items[self.pos][2], []
        seq.item_lines = item_lines
        while (item := items[self.pos])[0] >= indent:
            col, content, line = item
            if col != indent or not (content == "-" or content.startswith("- ")):
                if col == indent:
                    break  # the key that follows a sequence at its key's indentation
                raise _OutsideError
            rest = content[1:].lstrip(" ")
            if not rest:
                self.pos += 1
                value = self.nested(indent + 1, False)
            elif rest == "-" or rest.startswith("- "):
                raise _OutsideError
            elif _KEY.match(rest):
                item[0], item[1] = col + len(content) - len(rest), rest  # the mapping starts on this line
                value = self.mapping(item[0])
            else:
                value = _inline(rest, line)
                self.pos += 1
                if items[self.pos][0] > indent:
                    raise _OutsideError
            if value is None:
                raise _OutsideError
            seq.append(value)
            item_lines.append(value.line if value.__class__ is not YStr else line)
        return seq


def _parse_plain(text: str, first_line: int) -> Any:
    """Read ``text`` if it is in the fast subset, else return ``_NOT_PLAIN``."""
    if _OUTSIDE.search(text):
        return _NOT_PLAIN
    try:
        reader = _BlockReader(text, first_line)
        indent = reader.items[0][0]
        if indent < 0:
            return _NOT_PLAIN  # nothing but blank lines
        root = reader.block(indent)
        return root if reader.items[reader.pos] is _END else _NOT_PLAIN
    except _OutsideError:
        return _NOT_PLAIN
