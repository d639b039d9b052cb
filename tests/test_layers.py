"""Imports point one way: sources -> load -> store -> graph -> analysis -> render/query -> cli.

Walks the AST of every module of ``atlas/`` and checks each import against the
layer of the importing module; also which third-party libraries each layer may use.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ATLAS = Path(__file__).resolve().parent.parent / "atlas"

#: Layer of each module prefix (longest prefix wins). A module may import from a lower
#: layer, or from its own package.
LAYERS = {
    "atlas.errors": 0, "atlas.model": 0, "atlas.vocab": 0, "atlas.resources": 0, "atlas.output": 0,
    "atlas.load": 1,
    "atlas.store": 2,
    "atlas.build": 3,
    "atlas.graph": 4,
    "atlas.analysis": 5,
    "atlas.describe": 6, "atlas.render": 6, "atlas.query": 6, "atlas.queries": 6,
    "atlas.server": 7,
    "atlas.cli": 8,
    "atlas": 9,  # the package __init__
}
ONLY = {"click": "atlas.cli", "pyvis": "atlas.render", "starlette": "atlas.server", "uvicorn": "atlas.server"}
NOT_IN_ANALYSIS = {"rdflib", "pyoxigraph", "yaml", "pyvis", "click", "oxrdflib", "pyshacl"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ATLAS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(name: str) -> tuple[int, str]:
    best = max((p for p in LAYERS if name == p or name.startswith(p + ".")), key=len, default=None)
    if best is None:
        raise AssertionError(f"module {name} has no layer: add it to LAYERS in tests/test_layers.py")
    return LAYERS[best], best


def imports_of(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = module_name(path)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import
                base = me.split(".")[: len(me.split(".")) - node.level + (1 if path.name == "__init__.py" else 0)]
                out.append((".".join(base + ([node.module] if node.module else [])), node.lineno))
            elif node.module:
                out.append((node.module, node.lineno))
    return out


MODULES = sorted(ATLAS.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_point_one_way(path):
    me = module_name(path)
    my_layer, my_package = layer_of(me)
    for name, line in imports_of(path):
        top = name.split(".")[0]
        if top in ONLY:
            assert me.startswith(ONLY[top]), f"{me}:{line} imports {top}; only {ONLY[top]} may"
        if me.startswith("atlas.analysis"):
            assert top not in NOT_IN_ANALYSIS, f"{me}:{line} imports {top}: analysis works on Corpus and graphs"
        if top != "atlas" or name == "atlas":
            continue
        layer, package = layer_of(name)
        same_package = package == my_package
        assert same_package or layer < my_layer or (layer == my_layer == 0), (
            f"{me}:{line} imports {name} (layer {layer}) from layer {my_layer}"
        )


def test_no_grab_bag_modules():
    names = {p.stem for p in MODULES}
    assert not names & {"utils", "helpers", "common", "misc"}


def test_modules_stay_small():
    big = {module_name(p): n for p in MODULES if (n := len(p.read_text().splitlines())) > 600}
    assert not big, f"split these modules: {big}"


def test_analysis_reads_no_files():
    for path in (ATLAS / "analysis").rglob("*.py"):
        text = path.read_text()
        for needle in ("open(", ".read_text(", ".read_bytes(", "write_text(", "write_bytes("):
            assert needle not in text, f"{module_name(path)} uses {needle}: analysis must not touch files"
