"""Texts a map shows: excerpts, safe source URLs, the atlas's name and date."""

from __future__ import annotations

import pytest

from atlas.render.texts import EXCERPT_CHARS, RecordText, excerpt, read_texts, safe_url, texts_from_rows
from tests.conftest import iri

NS = "https://w3id.org/relational-atlas/ns#"


@pytest.mark.parametrize("url", ["https://example.org/", "http://example.org/a/b?c=d#e", "https://x.fr:8080/p"])
def test_safe_urls_are_kept(url):
    assert safe_url(url) == url


@pytest.mark.parametrize("url", [
    "javascript:window.__pwned=1", "JavaScript:alert(1)", "data:text/html,<script>x</script>", "vbscript:x",
    "https://", "//example.org/", "ftp://example.org/", "https://exa mple.org/", "https://example.org/\u2028",
    'https://example.org/"onmouseover="x', "https://example.org/<script>", "", "https://[::1", 42,
])
def test_unsafe_urls_are_dropped(url):
    assert safe_url(url) is None


def test_excerpt_cuts_long_texts_at_a_word():
    text = "word " * 1000
    cut = excerpt(text)
    assert len(cut) <= EXCERPT_CHARS and cut.endswith("word…")
    assert excerpt("  a\n\n b  ") == "a b"


def test_texts_from_rows_prefers_summary_then_narrative():
    t = texts_from_rows(
        [("A", "Atlas", "en", "2026-01-01"), ("A", "L'atlas", "fr", "2026-01-01")],
        [("e", NS + "narrative", "Narrative", "en"), ("e", NS + "summary", "Summary", "en"),
         ("e", NS + "narrative", "Récit", "fr"), ("p", NS + "statement", "Statement", "")],
        [("e", "https://b.org/"), ("e", "https://a.org/"), ("e", "javascript:x"), ("p", "mailto:x@y.z")],
    )
    assert t.name == {"en": "Atlas", "fr": "L'atlas"} and t.date == "2026-01-01"
    assert t.records["e"] == RecordText(text={"en": "Summary", "fr": "Récit"}, sources=("https://a.org/", "https://b.org/"))
    assert t.records["p"] == RecordText(text={"": "Statement"}, sources=())


def test_read_texts_of_the_mini_atlas(mini_store):
    t = read_texts(mini_store)
    assert t.name == {"en": "Test mini atlas", "fr": "Mini-atlas de test"} and t.date == "2026-11-25"
    wind = t.records[iri("experience", "le-mene-citizen-wind-farm")]
    assert wind.text["en"].startswith("A company created in 2012") and wind.text["fr"].startswith("Une société")
    assert wind.sources == ("https://www.mene.fr/le-mene-et-lenergie-tepos",)
    lesson = t.records[iri("experience", "le-mene-citizen-wind-farm") + "/lesson/1"]
    assert lesson.text["en"].startswith("Local households")
