"""The installed wheel works without a checkout: ontology, shapes, queries and default data are inside."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(out), str(ROOT)], check=True, cwd=out)
    (path,) = out.glob("relational_atlas-*.whl")
    return path


def test_wheel_ships_ontology_data_and_entry_point(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("atlas/ontology/atlas.ttl", "atlas/ontology/shapes.ttl", "atlas/ontology/context.jsonld",
                   "atlas/default_data/atlas.yaml", "atlas/default_data/README.md"):
        assert needed in names
    assert any(n.startswith("atlas/default_data/experiences/") and n.endswith(".md") for n in names)
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "atlas = atlas.cli:run" in zipfile.ZipFile(wheel).read(entry).decode()


def test_installed_command_runs_without_checkout(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(wheel)], check=True)
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = [sys.executable, "-c", "from atlas.cli import run; run()"]
    show = "import atlas.resources as r; print(r.ontology_dir()); print(r.default_data_dir())"
    where = subprocess.run([*run[:2], show], env=env, cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert str(target) in where and str(ROOT) not in where
    out = subprocess.run([*run, "build"], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "built:" in out.stdout
    stats = subprocess.run([*run, "stats", "--format", "csv"], env=env, cwd=tmp_path, capture_output=True,
                           text=True, check=True).stdout
    assert int(dict(line.split(",", 1) for line in stats.splitlines()[1:])["experiences"]) >= 60


def test_every_package_is_listed_in_pyproject():
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "atlas").rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
