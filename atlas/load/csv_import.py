"""Importing a spreadsheet (CSV) of experiences or issues into source files.

``atlas import csv FILE --mapping MAPPING.yaml`` reads the CSV with a real CSV
reader (cells may hold several lines of Markdown) while counting physical
lines, so that every problem names the line where its record starts:
``FILE:LINE: column 'X': message``. Every bad row is reported at once, and
nothing is written when there is any problem.

Experiences become ``experiences/SLUG.md`` files (front matter and narrative);
issues one YAML file, the rows without a parent becoming families. The mapping
format (:mod:`atlas.load.csv_mapping`) is described in ``docs/import.md``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from atlas.errors import DataError, Problem
from atlas.load.csv_mapping import CsvMapping, read_mapping
from atlas.load.emit import (
    MARKER,
    ImportReport,
    atlas_yaml,
    family_colour,
    read_target,
    slugify,
    unique_slugs,
    write_sources,
    yaml_fields,
    yaml_record,
)
from atlas.load.fields import url_problem
from atlas.load.sources import decode
from atlas.vocab import DEFAULT_BASE

_YEARS = (re.compile(r"^(-?[0-9]{4})(?:\.0+)?$"), re.compile(r"^([0-9]{4})-[0-9]{1,2}(?:-[0-9]{1,2})?$"),
          re.compile(r"^[0-9]{1,2}/[0-9]{1,2}/([0-9]{4})$"))
_NEEDS = {"start": "a start year", "issues": "at least one issue", "sources": "at least one http(s) source"}
_LANG_MARK = re.compile(r"^\s*<!--\s*lang:", re.MULTILINE)


class _CountingLines:
    """Iterates over the lines of a text for :mod:`csv`, counting them."""

    def __init__(self, lines: Iterator[str]):
        self.lines = lines
        self.count = 0

    def __iter__(self) -> _CountingLines:
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.count += 1
        return line


def parse_csv(text: str, path: str, delimiter: str = ",") -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Return the header and the records of a CSV text, each with the line where it starts.

    Blank lines are skipped. Cells keep their line breaks (``\\r\\n`` read as ``\\n``).

    Raises
    ------
    DataError
        For a missing or repeated column name, malformed quoting, or records
        whose number of cells differs from the header's (all at once).

    Examples
    --------
    >>> header, rows = parse_csv('id,text\\n1,"two\\nlines"\\n2,x\\n', "t.csv")
    >>> header, rows
    (['id', 'text'], [(2, ['1', 'two\\nlines']), (4, ['2', 'x'])])
    """
    import io

    lines = _CountingLines(iter(io.StringIO(text, newline="")))
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    problems: list[Problem] = []
    while True:
        start = lines.count + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(path, lines.count, f"malformed CSV: {exc}"))
            break
        if cells:
            records.append((start, [c.replace("\r\n", "\n").replace("\r", "\n") for c in cells]))
    if not records:
        raise DataError(problems or [Problem(path, 1, "no header row")])
    (header_line, header), rows = records[0], records[1:]
    header = [h.strip() for h in header]
    seen: dict[str, int] = {}
    for n, name in enumerate(header, start=1):
        if name and name in seen:
            problems.append(Problem(path, header_line, f"column {name!r} appears twice (columns {seen[name]} and {n})"))
        seen.setdefault(name, n)
    for line, cells in rows:
        if len(cells) != len(header):
            problems.append(Problem(path, line, f"{len(cells)} cells where the header has {len(header)}"))
    if problems:
        raise DataError(problems)
    return header, rows


@dataclass
class _Row:
    line: int
    cells: dict[str, str]
    slug: str = ""
    key: str = ""  # id or notation, as written


def _year(text: str) -> str | None:
    for pattern in _YEARS:
        m = pattern.match(text)
        if m:
            return m.group(1)
    return None


class _RowReader:
    """Reads the fields of rows, collecting ``FILE:LINE: column 'X': …`` problems."""

    def __init__(self, mapping: CsvMapping, path: str, language: str):
        self.m = mapping
        self.path = path
        self.language = language
        self.problems: list[Problem] = []

    def problem(self, row: _Row, column: str | None, message: str) -> None:
        where = f"column '{column}': " if column else ""
        self.problems.append(Problem(self.path, row.line, where + message))

    def column(self, name: str) -> str | None:
        cols = self.m.columns.get(name)
        return next(iter(cols.values())) if cols else None

    def cell(self, row: _Row, name: str) -> str:
        col = self.column(name)
        return row.cells.get(col, "").strip() if col else ""

    def text(self, row: _Row, name: str) -> dict[str, str]:
        out = {}
        for lang, col in self.m.columns.get(name, {}).items():
            value = row.cells.get(col, "").strip()
            if value:
                out[lang or self.language] = value
        default = self.m.defaults.get(name)
        if not out and isinstance(default, str):
            out[self.language] = default
        return out

    def texts(self, row: _Row, name: str) -> dict[str, list[str]]:
        out = {}
        for lang, col in self.m.columns.get(name, {}).items():
            items = [" ".join(v.split()) for v in row.cells.get(col, "").split(self.m.separator(name))]
            items = list(dict.fromkeys(v for v in items if v))
            if items:
                out[lang or self.language] = items
        return out

    def items(self, row: _Row, name: str) -> list[str]:
        """The values of a list field: split cell, or the default."""
        cell = self.cell(row, name)
        if not cell:
            default = self.m.defaults.get(name)
            return [default] if isinstance(default, str) else list(default or ())
        return [v.strip() for v in cell.split(self.m.separator(name)) if v.strip()]

    def ref(self, row: _Row, name: str, value: str, ids: dict[str, str], column: str | None) -> str | None:
        table = self.m.values.get(name, {})
        if value in table:
            return table[value]
        if value in ids:
            return ids[value]
        slug = slugify(value, max_length=200)
        if not slug:
            self.problem(row, column, f"cannot make an id of {value!r} (give it in 'values:' of the mapping)")
            return None
        return slug

    def single(self, row: _Row, name: str) -> str | None:
        """A one-value reference field (territory, collection): the whole cell, or the default."""
        value = self.cell(row, name) or self.m.defaults.get(name)
        if not isinstance(value, str) or not value:
            return None
        return self.ref(row, name, value, {}, self.column(name))

    def refs(self, row: _Row, name: str, ids: dict[str, str]) -> list[str]:
        column = self.column(name)
        out = [self.ref(row, name, v, ids, column) for v in self.items(row, name)]
        for tag in self.m.tags:
            if tag.field == name:
                for v in row.cells.get(tag.column, "").split(tag.separator):
                    if v.strip():
                        out.append(tag_slug(tag, v.strip()))
        return list(dict.fromkeys(v for v in out if v))

    def urls(self, row: _Row, name: str) -> list[str]:
        out = []
        for item in self.items(row, name):
            # URLs hold no blanks: a cell may also list them one per line or separated by spaces
            parts = item.split() if all("://" in part for part in item.split()) else [item]
            for url in parts:
                if url_problem(url) is None:
                    out.append(url)
                else:
                    self.problem(row, self.column(name), f"{url!r} is not an http(s) URL")
        return list(dict.fromkeys(out))

    def year(self, row: _Row, name: str) -> str | None:
        value = self.cell(row, name) or self.m.defaults.get(name)
        if not isinstance(value, str) or not value:
            return None
        year = _year(value)
        if year is None:
            self.problem(row, self.column(name), f"{value!r} is not a year (2012, 2012-05-01 or 01/05/2012)")
        return year

    def require(self, row: _Row, name: str, present: object, what: str) -> None:
        if not present:
            needed = _NEEDS.get(name, f"a {name}")
            self.problem(row, self.column(name), f"empty, and {what} needs {needed}" if self.column(name)
                         else f"no value for '{name}' ({what} needs {needed})")


def tag_slug(tag, value: str) -> str:
    """The slug a tag value stands for: from the tag's ``values``, else the value slugified, with ``prefix``.

    >>> from atlas.load.csv_mapping import Tag
    >>> tag_slug(Tag("Thème", "broader", prefix="theme"), "Mieux se loger")
    'theme-mieux-se-loger'
    """
    if value in tag.values:
        return tag.values[value]
    slug = slugify(value)
    return f"{tag.prefix}-{slug}" if tag.prefix else slug


def _kept_rows(rows: list[_Row], reader: _RowReader) -> tuple[list[_Row], list[int]]:
    kept, skipped = [], []
    for row in rows:
        if any(not reader.cell(row, name) for name in reader.m.skip_if_empty):
            skipped.append(row.line)
        else:
            kept.append(row)
    return kept, skipped


def _assign_slugs(rows: list[_Row], reader: _RowReader, label_field: str, taken: set[str]) -> None:
    m = reader.m
    bases = []
    for row in rows:
        base = slugify(row.key) if m.slug_from == "id" and row.key else ""
        if not base:
            labels = reader.text(row, label_field)
            base = slugify(labels.get(reader.language) or next(iter(labels.values()), "")) or f"row-{row.line}"
        bases.append((f"{row.line:09d}", f"{m.slug_prefix}-{base}" if m.slug_prefix else base))
    slugs = unique_slugs(bases, taken)
    for row in rows:
        row.slug = slugs[f"{row.line:09d}"]


def _keys(rows: list[_Row], reader: _RowReader, column: str | None) -> dict[str, _Row]:
    """Rows by their id (or notation), reporting empty and repeated ones."""
    by_key: dict[str, _Row] = {}
    for row in rows:
        row.key = row.cells.get(column, "").strip() if column else ""
        if not column:
            continue
        if not row.key:
            reader.problem(row, column, "empty id")
        elif row.key in by_key:
            reader.problem(row, column, f"id {row.key!r} is repeated (first at line {by_key[row.key].line})")
        else:
            by_key[row.key] = row
    return by_key


def generate_issue_file(rows: list[_Row], reader: _RowReader, header: str, taken: set[str],
                        ) -> tuple[bytes, dict[str, int], list[str]]:
    """The YAML file of an issue import (raises :class:`DataError` with every bad row)."""
    m = reader.m
    id_column = reader.column("id") or (m.hierarchy[0] if m.hierarchy else None)
    by_key = _keys(rows, reader, id_column)
    notation = {id(row): row.cells.get(m.hierarchy[0], "").strip() for row in rows} if m.hierarchy else {}
    by_notation = {notation[id(row)]: row for row in rows if notation.get(id(row))}
    created = sorted({(tag_slug(t, v.strip()), v.strip()) for t in m.tags if t.create for row in rows
                      for v in row.cells.get(t.column, "").split(t.separator) if v.strip()})
    _assign_slugs(rows, reader, "label", taken | {slug for slug, _ in created})
    ids = {key: row.slug for key, row in by_key.items()}
    families, issues, notes = [], [], []
    row_families: set[str] = set()
    parents: dict[int, list[str]] = {}
    for row in rows:
        broader = []
        if m.hierarchy and notation[id(row)] and m.hierarchy[1] in notation[id(row)]:
            parent = notation[id(row)].rsplit(m.hierarchy[1], 1)[0]
            if parent in by_notation:
                broader.append(by_notation[parent].slug)
            else:
                reader.problem(row, m.hierarchy[0], f"no row has the parent {parent!r} of {notation[id(row)]!r}")
        explicit = [r for r in reader.refs(row, "broader", ids) if r != row.slug]
        parents[id(row)] = broader + [r for r in explicit if r not in broader]
        if not broader and not reader.items(row, "broader") and not m.roots:
            row_families.add(row.slug)
    ignored_tags = 0
    for row in rows:
        labels = reader.text(row, "label")
        reader.require(row, "label", labels, "an issue")
        definition = reader.text(row, "definition")
        if row.slug in row_families:
            ignored_tags += len(parents[id(row)])
            families.append(yaml_record([("id", row.slug), ("label", labels), ("colour", family_colour(len(families))),
                                         ("definition", definition)]))
            continue
        broader = parents[id(row)] or list(m.roots)
        related = [r for r in reader.refs(row, "related", ids) if r != row.slug]
        for r in related:
            if r in row_families or r in broader:
                reader.problem(row, reader.column("related"), f"related {r!r} is a family or a broader issue")
        issues.append(yaml_record([
            ("id", row.slug), ("label", labels), ("alt", reader.texts(row, "alt")), ("definition", definition),
            ("broader", broader), ("related", related), ("exact_match", reader.urls(row, "exact_match")),
            ("close_match", reader.urls(row, "close_match")),
        ]))
    for slug, value in created:
        families.append(yaml_record([("id", slug), ("label", {reader.language: value}),
                                     ("colour", family_colour(len(families)))]))
    if reader.problems:
        raise DataError(reader.problems)
    if ignored_tags:
        notes.append(f"{ignored_tags} tags of top rows were left out (a family has no broader)")
    text = [header, "\n", "families:\n" if families else "families: []\n", *families,
            "issues:\n" if issues else "issues: []\n", *issues]
    return "".join(text).encode("utf-8"), {"families": len(families), "issues": len(issues)}, notes


def generate_experience_files(rows: list[_Row], reader: _RowReader, header: str, taken: set[str], outdir: str,
                              ) -> tuple[dict[str, bytes], dict[str, int]]:
    """The Markdown files of an experience import (raises :class:`DataError` with every bad row)."""
    _keys(rows, reader, reader.column("id"))
    _assign_slugs(rows, reader, "title", taken)
    files = {}
    for row in rows:
        title = reader.text(row, "title")
        reader.require(row, "title", title, "an experience")
        territory = reader.single(row, "territory")
        reader.require(row, "territory", territory, "an experience")
        start, end = reader.year(row, "start"), reader.year(row, "end")
        if start is None and not reader.cell(row, "start"):
            reader.require(row, "start", None, "an experience")
        if start and end and int(end) < int(start):
            reader.problem(row, reader.column("end"), f"ends ({end}) before it starts ({start})")
        issues = reader.refs(row, "issues", {})
        reader.require(row, "issues", issues, "an experience")
        reader.require(row, "sources", reader.items(row, "sources"), "an experience")
        sources = reader.urls(row, "sources")
        narrative = reader.text(row, "narrative")
        for lang, text in narrative.items():
            if _LANG_MARK.search(text):
                column = reader.m.columns["narrative"].get(lang, reader.column("narrative"))
                reader.problem(row, column, "a line '<!-- lang: … -->' would split the narrative")
        langs = sorted(narrative, key=lambda lang: (lang != reader.language, lang))
        front = yaml_fields([
            ("title", title), ("territory", territory), ("start", start), ("end", end),
            ("actors", reader.refs(row, "actors", {})), ("issues", issues),
            ("principles", reader.refs(row, "principles", {})),
            ("collection", reader.single(row, "collection")), ("summary", reader.text(row, "summary")),
            ("sources", sources), ("lang", langs[0] if langs else None),
        ])
        files[f"{outdir}/{row.slug}.md"] = f"---\n{header}\n{front}---\n{_body(narrative, langs)}".encode()
    if reader.problems:
        raise DataError(reader.problems)
    return files, {"experiences": len(files)}


def _body(narrative: dict[str, str], langs: Sequence[str]) -> str:
    parts = [narrative[lang] if n == 0 else f"<!-- lang: {lang} -->\n{narrative[lang]}" for n, lang in enumerate(langs)]
    return "\n\n".join(parts) + "\n" if parts else ""


def _new_atlas(mapping: CsvMapping, into: Path, name: str, comment: str) -> tuple[bytes, tuple[str, ...], str]:
    """``atlas.yaml`` for a new atlas directory, from the mapping's ``atlas:`` block."""
    a = mapping.atlas
    languages = tuple(a.get("languages") or ((mapping.language,) if mapping.language else ()))  # type: ignore[arg-type]
    missing = [k for k, ok in (("licence", "licence" in a), ("languages", bool(languages))) if not ok]
    if missing:
        raise DataError([Problem(str(into / "atlas.yaml"), 0, f"no atlas.yaml here: create it, or give "
                                 f"{' and '.join(missing)} in the 'atlas:' block of {mapping.path}")])
    base = str(a.get("base") or f"{DEFAULT_BASE}imported/{name}/")
    title = {languages[0]: str(a.get("name") or name)}
    return atlas_yaml(title, base, languages, str(a["licence"]), comment).encode("utf-8"), languages, base


def import_csv(path: str | Path, mapping_path: str | Path, into: str | Path) -> ImportReport:
    """Import a CSV of experiences or issues into the atlas directory ``into``, as the mapping says.

    Parameters
    ----------
    path : str or Path
        The CSV file (UTF-8, a header row).
    mapping_path : str or Path
        The mapping (``docs/import.md``).
    into : str or Path
        The atlas directory; without ``atlas.yaml``, one is written from the
        mapping's ``atlas:`` block.

    Returns
    -------
    ImportReport

    Raises
    ------
    DataError
        Every problem of the mapping (``MAPPING:LINE``), or of the CSV
        (``FILE:LINE: column 'X': …``), or a target file an import did not
        write. Nothing is written then.
    """
    path, into = Path(path), Path(into)
    mapping = read_mapping(mapping_path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError([Problem(str(path), 0, f"cannot read: {exc.strerror or exc}")]) from None
    header_row, records = parse_csv(decode(data, str(path)), str(path), mapping.delimiter)
    missing = [c for c in mapping.used_columns() if c not in header_row]
    if missing:
        known = ", ".join(repr(h) for h in header_row if h)
        raise DataError([Problem(str(path), records[0][0] - 1 if records else 1,
                                 f"column {c!r} named in {mapping.path} is not in the header (columns: {known})")
                         for c in missing])
    name = slugify(path.name.split(".")[0]) or "import"
    header = (f"{MARKER} csv` from {path.name} with {Path(mapping_path).name}: import it again rather than "
              "editing this file.")
    target = read_target(into, header)
    files: dict[str, bytes] = {}
    if target.config is None:
        comment = f"{MARKER} csv` from {path.name}: edit freely (name, base, languages, licence)."
        files["atlas.yaml"], languages, _ = _new_atlas(mapping, into, name, comment)
    else:
        languages = target.config.languages
    language = mapping.language or languages[0]
    used = {lang or language for cols in mapping.columns.values() for lang in cols} | {language}
    undeclared = sorted(used - set(languages))
    if undeclared:
        raise DataError([Problem(mapping.path, 1, f"languages {', '.join(undeclared)} are not declared by the atlas "
                                                  f"({', '.join(languages)})")])
    reader = _RowReader(mapping, str(path), language)
    rows, skipped = _kept_rows([_Row(line, dict(zip(header_row, cells, strict=True))) for line, cells in records],
                               reader)
    notes = [f"{len(skipped)} rows skipped (empty {', '.join(mapping.skip_if_empty)}): lines "
             f"{', '.join(map(str, skipped))}"] if skipped else []
    if mapping.kind == "issue":
        out = mapping.output or f"thesaurus/{name}.yaml"
        content, counts, more = generate_issue_file(rows, reader, header, target.taken.get("issue", set()))
        files[out] = content
        notes += more
    else:
        outdir = (mapping.output or "experiences").rstrip("/")
        experiences, counts = generate_experience_files(rows, reader, header, target.taken.get("experience", set()),
                                                        outdir)
        files.update(experiences)
    stale = sorted(set(target.previous) - set(files))
    if stale:
        notes.append(f"files of an earlier import of {path.name} not written this time: {', '.join(stale)}")
    write_sources(into, files)
    return ImportReport(str(into), tuple(files), {"rows": len(records), **counts}, tuple(notes))
