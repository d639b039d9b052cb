"""``atlas.yaml``: what an atlas directory declares (name, base IRI, languages,
licence, date), how it is checked, and the statements describing the atlas itself."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Quad
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from atlas.errors import Problem
from atlas.load.fields import FieldReader
from atlas.load.yamlfile import YMap
from atlas.vocab import ATLAS


def _n(term: object) -> NamedNode:
    return NamedNode(str(term))


TYPE, TITLE, DESCRIPTION = _n(RDF.type), _n(DCTERMS.title), _n(DCTERMS.description)


@dataclass(frozen=True)
class AtlasConfig:
    """What ``atlas.yaml`` declares."""

    name: Mapping[str, str]
    base: str
    languages: tuple[str, ...]
    licence: str | None = None
    description: Mapping[str, str] = field(default_factory=dict)
    date: str | None = None

    def to_json(self) -> str:
        return json.dumps(
            {"name": dict(self.name), "base": self.base, "languages": list(self.languages),
             "licence": self.licence, "description": dict(self.description), "date": self.date},
            sort_keys=True,
        )


def read_config(data: object, path: str) -> tuple[AtlasConfig | None, list[Problem]]:
    """Check the mapping of ``atlas.yaml`` and return the configuration and problems."""
    from atlas.load.fields import is_language_tag, url_problem

    if not isinstance(data, YMap):
        return None, [Problem(path, 1, "atlas.yaml must be a mapping (name, base, languages, licence)")]
    r = FieldReader(path, ("en",))
    r.only(data, {"name", "base", "languages", "licence", "description", "date"}, "atlas.yaml")
    langs = r.slugs(data, "languages")
    for lang, line in langs:
        if not is_language_tag(lang):
            r.problem(line, f"bad language tag {lang!r} (use BCP 47 tags such as fr or pt-BR)")
    languages = tuple(lang for lang, _ in langs if is_language_tag(lang))
    if not languages:
        r.problem(data.line_of("languages"), "'languages' must list at least one language tag (e.g. [fr, en])")
        languages = ("en",)
    r.languages = languages
    base = r.string(data, "base", required=True)
    if base is not None:
        reason = url_problem(base)
        if reason is not None or base[-1] not in "/#":
            r.problem(data["base"].line, f"'base' must be an http(s) IRI ending with '/' or '#', not {base!r}"
                                         f"{reason or ''}")
    name = r.text(data, "name", required=True) or {}
    licence = r.url(data["licence"], "licence", data.line) if "licence" in data else None
    config = AtlasConfig(name=name, base=base or "", languages=languages, licence=licence,
                         description=r.text(data, "description") or {}, date=r.date(data, "date"))
    return (None if r.problems else config), r.problems


def config_quads(config: AtlasConfig, graph: NamedNode) -> list[Quad]:
    """Return the quads describing the atlas itself (from ``atlas.yaml``)."""
    s = NamedNode(config.base)
    quads = [Quad(s, TYPE, _n(ATLAS.Atlas), graph)]
    quads += [Quad(s, TITLE, Literal(v, language=k), graph) for k, v in sorted(config.name.items())]
    quads += [Quad(s, DESCRIPTION, Literal(v, language=k), graph) for k, v in sorted(config.description.items())]
    quads += [Quad(s, _n(DCTERMS.language), Literal(lang), graph) for lang in config.languages]
    if config.licence:
        quads.append(Quad(s, _n(DCTERMS.license), NamedNode(config.licence), graph))
    if config.date:
        quads.append(Quad(s, _n(DCTERMS.modified), Literal(config.date, datatype=_n(XSD.date)), graph))
    for name in ("issues", "principles"):
        quads.append(Quad(NamedNode(f"{config.base}thesaurus/{name}"), TYPE, _n(SKOS.ConceptScheme), graph))
    return quads
