"""Strict YAML: values kept as written, lines remembered, dangerous constructs refused."""

import pytest

from atlas.errors import DataError
from atlas.load.yamlfile import YList, YMap, parse_yaml


def test_values_are_kept_as_written():
    doc = parse_yaml("a: NO\nb: 012\nc: yes\nd: 1.50\ne: ~\nf:\ng: '~'\n", "x.yaml")
    assert doc == {"a": "NO", "b": "012", "c": "yes", "d": "1.50", "e": None, "f": None, "g": "~"}


def test_lines_of_keys_and_items():
    doc = parse_yaml("first: 1\nlist:\n  - a\n  - b: 2\n", "x.yaml")
    assert isinstance(doc, YMap) and isinstance(doc["list"], YList)
    assert doc.line_of("first") == 1 and doc.line_of("list") == 2
    assert doc["list"].item_lines == [3, 4]
    assert doc["list"][1].line_of("b") == 4


def test_first_line_offsets_front_matter():
    doc = parse_yaml("a: 1\nb: 2\n", "e.md", first_line=2)
    assert doc.line_of("b") == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", "x.yaml:3: duplicate key 'a' (first at line 1)"),
        ("a: &x 1\n", "x.yaml:1: anchors are not allowed (&x)"),
        ("a: [1]\nb: *x\n", "x.yaml:2: aliases are not allowed (*x)"),
        ("a: !!python/object/apply:os.system [ls]\n", "x.yaml:1: explicit tags are not allowed"),
        ("a: !!int 3\n", "x.yaml:1: explicit tags are not allowed (tag:yaml.org,2002:int)"),
        ("a: [1, 2\n", "x.yaml:2: invalid YAML"),
        ("a: 1\n---\nb: 2\n", "x.yaml:2: only one YAML document is allowed per file"),
    ],
)
def test_refused(text, message):
    with pytest.raises(DataError) as err:
        parse_yaml(text, "x.yaml")
    assert str(err.value).startswith(message)


def test_every_problem_is_reported():
    with pytest.raises(DataError) as err:
        parse_yaml("a: &x 1\nb: 1\nb: 2\n", "x.yaml")
    assert [p.line for p in err.value.problems] == [1, 3]


def test_alias_after_anchor_both_reported():
    with pytest.raises(DataError) as err:
        parse_yaml("a: &x 1\nb: *x\n", "x.yaml")
    assert str(err.value) == "x.yaml:1: anchors are not allowed (&x)\nx.yaml:2: aliases are not allowed (*x)"


# -- the fast reader of the plain subset agrees with the event reader -----------------

def _full(text: str, first_line: int = 1):
    """What the event reader (libyaml) gives, bypassing the fast reader."""
    import atlas.load.yamlfile as yf

    real = yf._parse_plain
    yf._parse_plain = lambda *_: yf._NOT_PLAIN
    try:
        return parse_yaml(text, "x.yaml", first_line)
    finally:
        yf._parse_plain = real


def _shape(value):
    """Everything the readers promise: types, values, lines, quoting, key and item lines."""
    if isinstance(value, YMap):
        return ("map", value.line, [(k, value.key_lines[k], _shape(v)) for k, v in value.items()])
    if isinstance(value, YList):
        return ("list", value.line, list(value.item_lines), [_shape(v) for v in value])
    if value is None:
        return None
    return ("str", str(value), value.line, value.quoted)


def _agree(text: str, first_line: int = 1) -> bool:
    """The fast reader gives exactly the full reader's result, or declines; return whether it read."""
    from atlas.load.yamlfile import _NOT_PLAIN, _parse_plain

    fast = _parse_plain(text, first_line)
    if fast is _NOT_PLAIN:
        return False
    assert _shape(fast) == _shape(_full(text, first_line)), text
    return True


def test_fast_reader_reads_the_common_shapes():
    text = ("title: {fr: Cantines bio, en: Organic canteens}\nterritory: grande-synthe\nstart: 2011\n"
            "actors:\n  - id: town\n    role: {en: lead}\n  -   id: other\n      role: partner\n"
            "issues: [food-system, biodiversity,]\nempty: []\nnone: {}\nnothing:\ntilde: ~\n"
            "sources: [https://example.org/a, 'https://e.org/x']\nquoted: \"q\"\n"
            "list:\n- a\n- 'NO'\n- 012\nlast: \"\"\n")
    assert _agree(text, 2)
    doc = parse_yaml(text, "x.md", 2)
    assert doc["issues"] == ["food-system", "biodiversity"] and doc.line_of("issues") == 10
    assert doc["list"][1].quoted and doc["list"][2] == "012" and doc["nothing"] is None and doc["tilde"] is None


@pytest.mark.parametrize("text", [
    "a: 1 # comment\n", "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: |\n  text\n", "a: >\n  text\n",
    "a: 1\na: 2\n", "null: 1\n", "a: {Null: 1}\n",
    "a: long\n  continued\n", "a: [1,\n  2]\n", "a: \"esc\\n\"\n", "a: 'it''s'\n",
    "a:\n\tb: 1\n", "- - a\n", "a: b: c\n", "? a\n: b\n", "---\na: 1\n", "a: [[1]]\n", "a: {b: [1]}\n",
    "a:\n  - \n", "a: -1\n", "a:  x\n b: 1\n", "a:\n  b: 1\n c: 2\n", "'a': 1\n", "a: x\r\nb: y\n",
])
def test_fast_reader_declines_what_it_does_not_know(text):
    from atlas.load.yamlfile import _NOT_PLAIN, _parse_plain

    assert _parse_plain(text, 1) is _NOT_PLAIN


def test_fast_reader_agrees_on_every_source_of_the_default_and_test_atlases():
    from pathlib import Path

    from atlas.load.markdown import split_front_matter

    root = Path(__file__).resolve().parent.parent
    read = 0
    for path in sorted([*root.glob("data/**/*.yaml"), *root.glob("tests/data/**/*.yaml")]):
        read += _agree(path.read_text(encoding="utf-8"))
    for path in sorted([*root.glob("data/**/*.md"), *root.glob("tests/data/**/*.md")]):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            read += _agree(split_front_matter(text, str(path))[0], 2)
    assert read >= 50  # most real sources are in the subset


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_fast_reader_agrees_on_random_documents(seed):
    """Random documents near the subset's edges: whenever the fast reader reads, it agrees."""
    import random

    rng = random.Random(seed)
    words = ["a", "b-c", "NO", "012", "~", "null", "", "x y", "http://e.org/p#f", "https://e.org/a?b",
             "L'école", "'q'", '"d"', "a:b", "a: b", "-", "- a", "[a]", "{a: b}", "a,b", "é", "1.0", "?",
             "a ", " a", "x:", "\"\"", "''", "[]", "{}", "[a, b]", "[a,]", "{fr: x, en: y}", "[a, 'b, c']",
             "R & D", "&x", "*x", "!x", "|", ">", "%x", "@x", "a > b", "5*", "\"a, b\"", "'say \"hi\"'",
             "\"it's\"", "{a: \"x, y\"}", "[\"a\", 'b']", "[a, \"b]", "{a: b, a: c}", "[a b, c]", "[ a , b ]",
             "{fr: \"x ; y\", en: 'z'}", "[,]", "[a,,b]", "{a:b}", "{a: }", "[a]x", "\"x\" y", "a\"b", "[a?]",
             "{null: x}", "[~, null]", "{a: [b]}", "a]", "a}", "ça", "123", "-5", ":x", "?x", "x ?", "a: "]
    keys = ["id", "title", "a", "b", "NO", "k-1", "a b", "x"]
    read = 0

    def block(depth: int, indent: int) -> list[str]:
        out = []
        for _ in range(rng.randint(1, 4)):
            pad = " " * indent
            if rng.random() < 0.3 and depth < 3:
                out.append(f"{pad}{rng.choice(keys)}:")
                inner = indent + rng.choice([0, 1, 2, 4])
                if rng.random() < 0.5:
                    out += [f"{' ' * inner}- {rng.choice(words)}" for _ in range(rng.randint(1, 3))]
                else:
                    out += block(depth + 1, inner)
            elif rng.random() < 0.2 and depth < 3:
                out.append(f"{pad}- {rng.choice(keys)}: {rng.choice(words)}")
                out += [f"{pad}  {rng.choice(keys)}: {rng.choice(words)}" for _ in range(rng.randint(0, 2))]
            else:
                out.append(f"{pad}{rng.choice(keys)}: {rng.choice(words)}")
            if rng.random() < 0.1:
                out.append("")
        return out

    for _ in range(2000):
        text = "\n".join(block(0, rng.choice([0, 0, 2]))) + rng.choice(["\n", "", "\n\n"])
        try:
            _full(text)
        except DataError:
            from atlas.load.yamlfile import _NOT_PLAIN, _parse_plain

            assert _parse_plain(text, 1) is _NOT_PLAIN, text  # a problem is always left to the full reader
            continue
        read += _agree(text, rng.choice([1, 2]))
    assert read > 200
