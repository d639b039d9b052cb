"""Writing source files for the importers: slugs, YAML scalars the strict reader
reads back unchanged, family colours, and all-or-nothing atomic writes.

The importers (:mod:`atlas.load.skos`, :mod:`atlas.load.csv_import`) build the
whole content of every file first, then hand it to :func:`write_sources`; a
problem found while building means nothing is written. Every generated file
starts with :data:`MARKER`, so that an import never overwrites a file a person
wrote by hand.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from atlas.errors import DataError, Problem
from atlas.load.config import AtlasConfig
from atlas.load.sources import CONFIG_FILE, discover, read_config_file, read_source
from atlas.output import write_atomic
from atlas.vocab import KINDS

#: The first characters of every file an importer writes.
MARKER = "# Imported by `atlas import"

#: Colours given to imported families, in order (Okabe-Ito, then Paul Tol's muted scheme).
PALETTE = (
    "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7", "#999999",
    "#332288", "#88ccee", "#44aa99", "#117733", "#999933", "#ddcc77", "#cc6677", "#882255", "#aa4499",
)

_FOLD = str.maketrans({
    "œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
    "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i",
})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# What YAML would refuse or read as a line break inside a double-quoted scalar (JSON leaves them raw).
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
_NUMBERS = re.compile(r"(\d+)")


def fold_ascii(text: str) -> str:
    """Return ``text`` without accents, ligatures spelt out (``Œuvre`` → ``OEuvre``).

    Examples
    --------
    >>> fold_ascii("Mené, cœur, Straße")
    'Mene, coeur, Strasse'
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slugify(text: str, max_length: int = 60) -> str:
    """Return a slug (lower-case ASCII words joined by ``-``), cut at a word boundary.

    Returns ``""`` when nothing of ``text`` survives the folding (a label in
    Greek or Chinese, punctuation only).

    Examples
    --------
    >>> slugify("Énergie : rénovation des logements")
    'energie-renovation-des-logements'
    >>> slugify("1.2.3"), slugify("Κλίμα")
    ('1-2-3', '')
    """
    slug = _NOT_ALNUM.sub("-", fold_ascii(text).lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:max_length]
    return slug.strip("-")


def unique_slugs(bases: Iterable[tuple[str, str]], taken: Iterable[str] = ()) -> dict[str, str]:
    """Give each key a unique slug from its wished ``base``, adding ``-2``, ``-3``… to repeats.

    Keys are served in sorted order, so the result does not depend on the order
    of ``bases``; a suffixed slug never takes a base another key wished for.

    Parameters
    ----------
    bases : iterable of (key, base)
        The wished slug of each key (keys are unique).
    taken : iterable of str
        Slugs already used elsewhere (the target atlas).

    Examples
    --------
    >>> unique_slugs([("b", "water"), ("a", "water"), ("c", "water-2")])
    {'a': 'water', 'b': 'water-3', 'c': 'water-2'}
    >>> unique_slugs([("a", "water")], taken={"water"})
    {'a': 'water-2'}
    """
    pairs = sorted(bases, key=lambda kv: (kv[1], kv[0]))
    used = set(taken)
    wished = {base for _, base in pairs}
    out: dict[str, str] = {}
    repeats = []
    for key, base in pairs:
        if base in used:
            repeats.append((key, base))
        else:
            used.add(base)
            out[key] = base
    for key, base in repeats:
        n = 2
        while f"{base}-{n}" in used or f"{base}-{n}" in wished:
            n += 1
        used.add(f"{base}-{n}")
        out[key] = f"{base}-{n}"
    return dict(sorted(out.items()))


def natural_key(text: str) -> tuple:
    """Sort key that orders numbers by value (``1.2`` before ``1.10``).

    >>> sorted(["1.10", "1.2", "1.1a"], key=natural_key)
    ['1.1a', '1.2', '1.10']
    """
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in _NUMBERS.split(text) if p)


def yaml_string(text: str) -> str:
    """Return ``text`` as a double-quoted YAML scalar that reads back as exactly ``text``.

    JSON string syntax is YAML; the few characters JSON leaves raw but YAML
    refuses (or reads as a line break) are escaped too.

    Examples
    --------
    >>> print(yaml_string('NO: "yes"\\n'))
    "NO: \\"yes\\"\\n"
    >>> print(yaml_string("a\\u2028b"))
    "a\\u2028b"
    """
    quoted = json.dumps(text, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def yaml_flow(value: str | Sequence | Mapping) -> str:
    """Return a string, a list or a mapping (nested) as YAML flow syntax, every string quoted.

    >>> print(yaml_flow({"fr": ["a", "b"], "en": "c"}))
    {"en": "c", "fr": ["a", "b"]}
    """
    if isinstance(value, str):
        return yaml_string(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{yaml_string(k)}: {yaml_flow(v)}" for k, v in sorted(value.items())) + "}"
    return "[" + ", ".join(yaml_flow(v) for v in value) + "]"


def yaml_record(fields: Sequence[tuple[str, object]], indent: str = "  ") -> str:
    """Return one record of a YAML list: ``- key: value`` lines, skipping empty values.

    >>> print(yaml_record([("id", "water"), ("alt", []), ("broader", ["ecosystems"])]), end="")
      - id: "water"
        broader: ["ecosystems"]
    """
    lines = []
    for key, value in fields:
        if value is None or (not isinstance(value, str) and not value) or value == "":
            continue
        lead = f"{indent}- " if not lines else f"{indent}  "
        lines.append(f"{lead}{key}: {yaml_flow(value)}\n")  # type: ignore[arg-type]
    return "".join(lines)


def yaml_fields(fields: Sequence[tuple[str, object]]) -> str:
    """Return top-level ``key: value`` lines (front matter), skipping empty values.

    >>> print(yaml_fields([("title", {"fr": "Eau"}), ("end", None), ("issues", ["water"])]), end="")
    title: {"fr": "Eau"}
    issues: ["water"]
    """
    return "".join(f"{key}: {yaml_flow(value)}\n" for key, value in fields  # type: ignore[arg-type]
                   if value is not None and value != "" and (isinstance(value, str) or value))


def first_comment(data: bytes) -> str:
    """Return the line that says who wrote a file: the first, or the one after a front matter's ``---``.

    >>> first_comment(b"---\\n# Imported by x\\ntitle: y\\n---\\n"), first_comment(b"# a\\r\\nb")
    ('# Imported by x', '# a')
    """
    lines = data[:4096].split(b"\n", 2)
    line = lines[1] if lines[0].rstrip(b"\r") == b"---" and len(lines) > 1 else lines[0]
    return line.decode("utf-8", errors="replace").rstrip("\r")


def atlas_yaml(name: Mapping[str, str], base: str, languages: Sequence[str], licence: str, comment: str) -> str:
    """Return the ``atlas.yaml`` of a new atlas directory.

    >>> print(atlas_yaml({"en": "X"}, "https://e.org/x/", ["en"], "https://e.org/l", "# new"), end="")
    # new
    name: {"en": "X"}
    base: "https://e.org/x/"
    languages: ["en"]
    licence: "https://e.org/l"
    """
    return (f"{comment}\nname: {yaml_flow(name)}\nbase: {yaml_string(base)}\nlanguages: {yaml_flow(list(languages))}\n"
            f"licence: {yaml_string(licence)}\n")


def family_colour(n: int) -> str:
    """Return the colour of the ``n``-th imported family (from 0), cycling through :data:`PALETTE`.

    >>> family_colour(0), family_colour(len(PALETTE))
    ('#e69f00', '#e69f00')
    """
    return PALETTE[n % len(PALETTE)]


def write_sources(into: str | Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write generated source files under ``into``, refusing to overwrite a hand-written file.

    Every target is checked before anything is written; each file is then
    written atomically. A file counts as generated when :func:`first_comment`
    starts with :data:`MARKER`. Returns the paths written, in order.

    Raises
    ------
    DataError
        If a target exists and does not start with :data:`MARKER`, or is a directory.
    """
    into = Path(into)
    problems = []
    for rel in files:
        path = into / rel
        if path.is_dir():
            problems.append(Problem(str(path), 0, "is a directory"))
        elif path.exists() and not first_comment(path.read_bytes()).startswith(MARKER):
            problems.append(Problem(str(path), 1, "exists and was not written by an import: move it away or "
                                                  "choose another name"))
    if problems:
        raise DataError(problems)
    written = []
    for rel, data in files.items():
        path = into / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
        written.append(path)
    return written


@dataclass(frozen=True)
class ImportReport:
    """What an import wrote (paths relative to the atlas directory ``into``), counted, with notes."""

    into: str
    written: tuple[str, ...]
    counts: Mapping[str, int]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    """The atlas directory an import writes into, as found before writing."""

    into: Path
    config: AtlasConfig | None  # None: no atlas.yaml yet (the import writes one)
    taken: dict[str, set[str]] = field(default_factory=dict)  # IRI segment -> slugs of other files
    previous: tuple[str, ...] = ()  # files a previous run of the same import wrote


def read_target(into: str | Path, header: str, paths: Iterable[str] = ()) -> Target:
    """Read the configuration of ``into`` and the slugs its other files define.

    Files whose first line is ``header``, and generated files at one of
    ``paths``, were written by an earlier run of the same import: their slugs
    are free again (the new run rewrites them).

    Raises
    ------
    DataError
        If ``into`` is a file, or its ``atlas.yaml`` is invalid.
    """
    into = Path(into)
    if into.exists() and not into.is_dir():
        raise DataError([Problem(str(into), 0, "not a directory")])
    if not (into / CONFIG_FILE).is_file():
        return Target(into, None)
    config = read_config_file(into)
    own = set(paths)
    taken: dict[str, set[str]] = {}
    previous = []
    for rel in discover(into):
        data = (into / rel).read_bytes()
        comment = first_comment(data)
        if comment == header or (rel in own and comment.startswith(MARKER)):
            previous.append(rel)
            continue
        for kind, slug, _ in read_source(into, rel, config, data).defined:
            taken.setdefault(KINDS[kind][0], set()).add(slug)
    return Target(into, config, taken, tuple(previous))
