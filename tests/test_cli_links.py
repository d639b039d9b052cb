"""Wiring of the systemic-links commands on the mini atlas (logic is tested through the library).

Mini atlas: le-mene-citizen-wind-farm addresses citizen-renewable-energy,
local-savings and energy; grande-synthe and mouans-sartoux organic canteens
both address school-canteens and food-system (plus biodiversity, education).
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from atlas.cli import main
from tests.conftest import MINI

ISSUE = "https://example.org/mini/issue/"


@pytest.fixture(scope="module")
def atlas(tmp_path_factory):
    store = tmp_path_factory.mktemp("links") / "store"
    runner = CliRunner()
    built = runner.invoke(main, ["--store", str(store), "build", str(MINI)], catch_exceptions=False)
    assert built.exit_code == 0, built.output

    def run(*args: str):
        return runner.invoke(main, ["--store", str(store), *args], catch_exceptions=False)

    return run


def test_links_of_an_issue_named_by_label(atlas):
    result = atlas("links", "Système alimentaire", "--measure", "count", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    school = next(r for r in rows if ISSUE + "school-canteens" in (r["source_iri"], r["target_iri"]))
    assert school["support"] == 2
    assert len(school["evidence_iris"]) == 2


def test_remote_table_and_csv(atlas):
    table = atlas("remote", "--min-support", "1", "--min-remoteness", "1", "--top", "3")
    assert table.exit_code == 0
    assert table.output.splitlines()[0].split()[:3] == ["rank", "source", "target"]
    csv = atlas("remote", "--min-support", "1", "--format", "csv", "--lang", "fr")
    assert csv.output.splitlines()[0].startswith("source_iri,target_iri,source,target,measure,score")


def test_explain_two_records(atlas):
    result = atlas("explain", "le-mene", "local-savings", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [e["iri"].rsplit("/", 1)[-1] for e in data["shared_experiences"]] == ["le-mene-citizen-wind-farm"]
    assert data["paths"][0]["steps"]
    table = atlas("explain", "school-canteens", "food-system")
    assert "link: association" in table.output and "Best paths" in table.output


def test_hidden_clusters_bridges_gaps_run(atlas):
    for args in (["hidden", "energy", "--max-p", "1", "--min-support", "1"], ["clusters"], ["bridges"],
                 ["gaps", "--min-size", "1"]):
        result = atlas(*args, "--format", "json")
        assert result.exit_code == 0, (args, result.output)
        assert isinstance(json.loads(result.output), list)


def test_write_stores_links_for_sparql(atlas):
    result = atlas("remote", "--min-support", "1", "--top", "2", "--write")
    assert result.exit_code == 0, result.output
    count = atlas("sparql", "SELECT (COUNT(?l) AS ?n) WHERE { ?l a atlas:SystemicLink }", "--format", "json")
    assert json.loads(count.output)["results"]["bindings"][0]["n"]["value"] == "2"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["links", "energie-citoyene"], 1, "Error: unknown"),
        (["links", "energy", "--level", "kingdom"], 2, "level must be"),
        (["explain", "energy", "Énergie"], 2, "same record"),
        (["hidden", "energy", "--bridges", "territory"], 2, "unknown bridge kind"),
    ],
)
def test_errors(atlas, args, code, message):
    result = atlas(*args)
    assert result.exit_code == code
    assert message in result.output
