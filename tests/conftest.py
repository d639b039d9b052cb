"""Shared fixtures: the tiny real atlas of tests/data/mini, copied where a test may change it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
MINI = TESTS / "data" / "mini"
SHARED = ROOT.parent / "shared"
MINI_BASE = "https://example.org/mini/"


@pytest.fixture
def mini_dir(tmp_path: Path) -> Path:
    """A writable copy of the mini atlas."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def mini_store():
    """The mini atlas built into an in-memory store."""
    from atlas.build import build_atlas
    from atlas.store import open_store

    store = open_store(memory=True)
    build_atlas(MINI, store)
    return store


@pytest.fixture
def mini_corpus(mini_store):
    from atlas.graph import read_corpus

    return read_corpus(mini_store)


@pytest.fixture
def cli(tmp_path: Path):
    """Run the ``atlas`` command with a store in ``tmp_path``; returns the click Result."""
    from atlas.cli import main

    store = tmp_path / "store"

    def run(*args: str, store_path: Path | None = None):
        runner = CliRunner()
        return runner.invoke(main, ["--store", str(store_path or store), *args], catch_exceptions=False)

    return run


def iri(kind: str, slug: str) -> str:
    """IRI of a record of the mini atlas."""
    segment = "issue" if kind == "family" else kind
    return f"{MINI_BASE}{segment}/{slug}"
