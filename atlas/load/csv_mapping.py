"""The mapping file of ``atlas import csv``: which column holds which field.

A mapping is strict YAML (see ``docs/import.md`` for the whole format)::

    kind: issue                    # experience | issue
    language: fr                   # language of the cells (default: the atlas's first)
    columns:                       # field -> column, or {language: column}
      id: identifiant
      label: nom
      definition: description
    hierarchy: {column: identifiant, separator: "."}   # "1.2.3" is under "1.2"

Every problem of the mapping is reported at once, as ``MAPPING:LINE: …``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from atlas.errors import DataError, Problem
from atlas.load.fields import FieldReader, is_language_tag
from atlas.load.sources import decode
from atlas.load.yamlfile import YList, YMap, parse_yaml
from atlas.vocab import SLUG_RE

#: Fields of each kind and what their cells hold: text (by language), texts (a list by language),
#: id, ref(s) (slugs, or ids of rows of the same file), year, urls.
FIELDS = {
    "experience": {
        "id": "id", "title": "text", "territory": "ref", "start": "year", "end": "year", "actors": "refs",
        "issues": "refs", "principles": "refs", "collection": "ref", "summary": "text", "narrative": "text",
        "sources": "urls",
    },
    "issue": {
        "id": "id", "label": "text", "alt": "texts", "definition": "text", "broader": "refs", "related": "refs",
        "exact_match": "urls", "close_match": "urls",
    },
}
#: Fields every row must have (from its cell or the mapping's defaults).
REQUIRED = {"experience": ("title", "territory", "start", "issues", "sources"), "issue": ("label",)}
LIST_KINDS = {"texts", "refs", "urls"}
#: Fields a tag column may add to.
TAG_FIELDS = {"experience": ("issues", "principles", "actors"), "issue": ("broader", "related")}
KEYS = {"kind", "language", "delimiter", "columns", "separators", "values", "defaults", "tags", "hierarchy", "roots",
        "slug", "output", "skip_if_empty", "atlas"}


@dataclass(frozen=True)
class Tag:
    """A tag column: each value (mapped by ``values``, else slugified, with ``prefix``) is added to ``field``."""

    column: str
    field: str
    separator: str = ";"
    values: dict[str, str] = field(default_factory=dict)
    prefix: str | None = None
    create: bool = False  # issue imports: create a family for each tag (field broader)
    line: int = 0


@dataclass(frozen=True)
class CsvMapping:
    """A checked mapping. ``columns`` maps a field to ``{language: column}`` (``""``: the mapping's language)."""

    path: str
    kind: str
    columns: dict[str, dict[str, str]]
    language: str | None = None
    delimiter: str = ","
    separators: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    tags: tuple[Tag, ...] = ()
    hierarchy: tuple[str, str] | None = None  # (column, separator)
    roots: tuple[str, ...] = ()  # empty: rows without a parent become families
    slug_from: str = "id"
    slug_prefix: str | None = None
    output: str | None = None
    skip_if_empty: tuple[str, ...] = ()
    atlas: dict[str, object] = field(default_factory=dict)  # for a new atlas: name, base, licence, languages

    def fields(self) -> dict[str, str]:
        """The kind of every field of this mapping's record kind."""
        return FIELDS[self.kind]

    def separator(self, name: str) -> str:
        """The list separator of field ``name`` (default ``;``)."""
        return self.separators.get(name, ";")

    def used_columns(self) -> list[str]:
        """Every column the mapping reads, in a stable order."""
        cols = [c for f in sorted(self.columns) for _, c in sorted(self.columns[f].items())]
        cols += [t.column for t in self.tags]
        if self.hierarchy:
            cols.append(self.hierarchy[0])
        return list(dict.fromkeys(cols))


def _unescape(sep: str) -> str:
    return sep.replace("\\n", "\n").replace("\\t", "\t")


def parse_mapping(text: str, path: str) -> CsvMapping:
    """Parse and check a mapping file.

    Raises
    ------
    DataError
        Every problem, as ``path:line: message``.

    Examples
    --------
    >>> m = parse_mapping("kind: issue\\ncolumns: {label: Nom, id: Code}\\nhierarchy: {column: Code}\\n", "m.yaml")
    >>> m.kind, m.columns["label"], m.hierarchy
    ('issue', {'': 'Nom'}, ('Code', '.'))
    >>> parse_mapping("kind: issue\\ncolumns: {label: Nom, labels: T}\\n", "m.yaml")
    Traceback (most recent call last):
    ...
    atlas.errors.DataError: m.yaml:2: unknown field 'labels' for an issue (did you mean 'label'?)
    """
    doc = parse_yaml(text, path)
    r = FieldReader(path, ("en",))
    if not isinstance(doc, YMap):
        raise DataError([Problem(path, getattr(doc, "line", 1), "a mapping file is a YAML mapping (kind, columns…)")])
    r.only(doc, KEYS, "a mapping")
    kind = r.string(doc, "kind", required=True)
    if kind is not None and kind not in FIELDS:
        r.problem(doc.line_of("kind"), f"'kind' must be experience or issue, not {kind!r}")
    kind = kind if kind in FIELDS else "experience"
    fields = FIELDS[kind]
    what = "an experience" if kind == "experience" else "an issue"
    language = r.string(doc, "language")
    if language is not None and not is_language_tag(language):
        r.problem(doc.line_of("language"), f"'language' must be a language tag such as fr, not {language!r}")
    delimiter = _unescape(r.string(doc, "delimiter") or ",")
    if len(delimiter) != 1:
        r.problem(doc.line_of("delimiter"), f"'delimiter' must be one character, not {delimiter!r}")

    def field_map(key: str) -> YMap:
        value = doc.get(key)
        if value is None:
            return YMap()
        if not isinstance(value, YMap):
            r.problem(doc.line_of(key), f"'{key}' must be a mapping of fields")
            return YMap()
        for name in value:
            if name not in fields:
                import difflib

                close = difflib.get_close_matches(name, sorted(fields), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                r.problem(value.line_of(name), f"unknown field '{name}' for {what}{hint}")
        return value

    columns: dict[str, dict[str, str]] = {}
    for name, spec in field_map("columns").items():
        if name not in fields:
            continue
        line = doc["columns"].line_of(name)
        if isinstance(spec, str) and spec.strip():
            columns[name] = {"": str(spec)}
        elif isinstance(spec, YMap) and fields[name] in ("text", "texts") and spec:
            by_lang = {}
            for lang, col in spec.items():
                if not is_language_tag(lang) or not isinstance(col, str) or not col.strip():
                    r.problem(spec.line_of(lang), f"columns of '{name}' by language: write {{fr: Titre, en: Title}}")
                else:
                    by_lang[str(lang)] = str(col)
            columns[name] = by_lang
        else:
            r.problem(line, f"the column of '{name}' must be a column name"
                            + (" or a map {language: column}" if fields[name] in ("text", "texts") else ""))
    separators = {}
    for name, sep in field_map("separators").items():
        if name in fields and fields[name] not in LIST_KINDS:
            r.problem(doc["separators"].line_of(name), f"'{name}' is not a list field: it has no separator")
        elif not isinstance(sep, str) or not _unescape(str(sep)):
            r.problem(doc["separators"].line_of(name), f"the separator of '{name}' must be a non-empty string")
        else:
            separators[str(name)] = _unescape(str(sep))
    values: dict[str, dict[str, str]] = {}
    for name, table in field_map("values").items():
        if not _slug_table(table):
            r.problem(doc["values"].line_of(name), f"'values' of '{name}' must map cell values to slugs")
        else:
            values[str(name)] = {str(k): str(v) for k, v in table.items()}
    defaults: dict[str, str | tuple[str, ...]] = {}
    for name, value in field_map("defaults").items():
        if isinstance(value, str) and value.strip():
            defaults[str(name)] = str(value)
        elif isinstance(value, YList) and value and all(isinstance(v, str) and v.strip() for v in value):
            defaults[str(name)] = tuple(str(v) for v in value)
        else:
            r.problem(doc["defaults"].line_of(name), f"the default of '{name}' must be a string or a list of strings")
    tags = tuple(_tags(doc, r, kind))
    hierarchy = None
    if "hierarchy" in doc:
        h = doc["hierarchy"]
        if kind != "issue" or not isinstance(h, YMap):
            r.problem(doc.line_of("hierarchy"), "'hierarchy' is for issue imports: {column: …, separator: '.'}")
        else:
            r.only(h, {"column", "separator"}, "'hierarchy'")
            col = r.string(h, "column", required=True)
            sep = _unescape(r.string(h, "separator") or ".")
            if col:
                hierarchy = (col, sep)
    roots: tuple[str, ...] = ()
    if "roots" in doc:
        value = doc["roots"]
        items = value if isinstance(value, YList) else [value]
        if kind != "issue" or not all(isinstance(v, str) for v in items):
            r.problem(doc.line_of("roots"), "'roots' is for issue imports: family, or a list of broader slugs")
        elif not (len(items) == 1 and items[0] == "family"):
            bad = [v for v in items if not SLUG_RE.fullmatch(v)]
            if bad:
                r.problem(doc.line_of("roots"), f"'roots' must be 'family' or slugs, not {str(bad[0])!r}")
            roots = tuple(str(v) for v in items)
    slug_from, slug_prefix = "id", None
    if "slug" in doc:
        s = doc["slug"]
        if not isinstance(s, YMap):
            r.problem(doc.line_of("slug"), "'slug' must be a mapping {from: id|label|title, prefix: …}")
        else:
            r.only(s, {"from", "prefix"}, "'slug'")
            slug_from = r.string(s, "from") or "id"
            if slug_from not in ("id", "label", "title"):
                r.problem(s.line_of("from"), f"'from' must be id, label or title, not {slug_from!r}")
            slug_prefix = r.string(s, "prefix")
            if slug_prefix is not None and not SLUG_RE.fullmatch(slug_prefix):
                r.problem(s.line_of("prefix"), f"'prefix' must be a slug, not {slug_prefix!r}")
    output = r.string(doc, "output")
    if output is not None and (Path(output).is_absolute() or ".." in Path(output).parts):
        r.problem(doc.line_of("output"), f"'output' must be a path inside the atlas directory, not {output!r}")
    skip = []
    for name, line in r.slugs(doc, "skip_if_empty"):
        if name in fields:
            skip.append(name)
        else:
            r.problem(line, f"'skip_if_empty' names an unknown field '{name}'")
    atlas = _atlas(doc, r)
    for name in REQUIRED[kind]:
        if name not in columns and name not in defaults and not any(t.field == name for t in tags):
            r.problem(doc.line_of("columns") if "columns" in doc else doc.line,
                      f"{what} needs '{name}': give its column (columns:) or a default (defaults:)")
    if r.problems:
        raise DataError(r.problems)
    return CsvMapping(path=path, kind=kind, columns=columns, language=language, delimiter=delimiter,
                      separators=separators, values=values, defaults=defaults, tags=tags, hierarchy=hierarchy,
                      roots=roots, slug_from=slug_from, slug_prefix=slug_prefix, output=output,
                      skip_if_empty=tuple(skip), atlas=atlas)


def _slug_table(table: object) -> bool:
    return isinstance(table, YMap) and all(isinstance(v, str) and SLUG_RE.fullmatch(v) for v in table.values())


def _tags(doc: YMap, r: FieldReader, kind: str):
    value = doc.get("tags")
    if value is None:
        return
    items = value if isinstance(value, YList) else [value]
    for item in items:
        if not isinstance(item, YMap):
            r.problem(getattr(item, "line", doc.line_of("tags")), "a tag is a mapping {column, field, separator…}")
            continue
        r.only(item, {"column", "field", "separator", "values", "prefix", "create"}, "a tag")
        column = r.string(item, "column", required=True)
        name = r.string(item, "field") or TAG_FIELDS[kind][0]
        if name not in TAG_FIELDS[kind]:
            r.problem(item.line_of("field"), f"a tag adds to one of {', '.join(TAG_FIELDS[kind])}, not {name!r}")
        prefix = r.string(item, "prefix")
        if prefix is not None and not SLUG_RE.fullmatch(prefix):
            r.problem(item.line_of("prefix"), f"'prefix' must be a slug, not {prefix!r}")
        create = r.string(item, "create")
        if create is not None and (create != "family" or kind != "issue" or name != "broader"):
            r.problem(item.line_of("create"), "'create: family' is for issue imports with 'field: broader'")
        table = item.get("values")
        values = {}
        if _slug_table(table):
            values = {str(k): str(v) for k, v in table.items()}
        elif table is not None:
            r.problem(item.line_of("values"), "a tag's 'values' must map cell values to slugs")
        if column:
            yield Tag(column=column, field=name, separator=_unescape(r.string(item, "separator") or ";"),
                      values=values, prefix=prefix, create=create == "family", line=item.line)


def _atlas(doc: YMap, r: FieldReader) -> dict[str, object]:
    value = doc.get("atlas")
    if value is None:
        return {}
    if not isinstance(value, YMap):
        r.problem(doc.line_of("atlas"), "'atlas' must be a mapping {name, base, licence, languages}")
        return {}
    r.only(value, {"name", "base", "licence", "languages"}, "'atlas'")
    out: dict[str, object] = {}
    for key in ("name", "base", "licence"):
        text = r.string(value, key)
        if text is not None:
            out[key] = text
    if "base" in out and (not str(out["base"]).startswith(("http://", "https://")) or str(out["base"])[-1] not in "/#"):
        r.problem(value.line_of("base"), "'base' must be an http(s) IRI ending with '/' or '#'")
    langs = [lang for lang, _ in r.slugs(value, "languages")]
    if langs:
        out["languages"] = tuple(langs)
    return out


def read_mapping(path: str | Path) -> CsvMapping:
    """Read a mapping file (strict YAML, UTF-8) and check it."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError([Problem(str(path), 0, f"cannot read: {exc.strerror or exc}")]) from None
    return parse_mapping(decode(data, str(path)), str(path))
