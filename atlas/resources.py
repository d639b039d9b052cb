"""Where the shipped ontology, shapes, JSON-LD context and default atlas are.

From a checkout they are the top-level ``ontology/`` and ``data/`` folders;
from an installed wheel they are the packages ``atlas.ontology`` and
``atlas.default_data`` (see ``pyproject.toml``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def _locate(checkout_dir: str, package: str) -> Path:
    here = _CHECKOUT / checkout_dir
    if (here / ".").is_dir() and (_CHECKOUT / "pyproject.toml").is_file():
        return here
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"cannot find the {checkout_dir}/ folder nor the {package} package")
    return Path(next(iter(spec.submodule_search_locations)))


def ontology_dir() -> Path:
    """Return the folder holding ``atlas.ttl``, ``shapes.ttl`` and ``context.jsonld``."""
    return _locate("ontology", "atlas.ontology")


def default_data_dir() -> Path:
    """Return the folder of the bundled default atlas."""
    return _locate("data", "atlas.default_data")


def ontology_path() -> Path:
    """Return the path of the OWL ontology (``atlas.ttl``)."""
    return ontology_dir() / "atlas.ttl"


def shapes_path() -> Path:
    """Return the path of the SHACL shapes (``shapes.ttl``)."""
    return ontology_dir() / "shapes.ttl"


def context_path() -> Path:
    """Return the path of the JSON-LD context (``context.jsonld``)."""
    return ontology_dir() / "context.jsonld"
