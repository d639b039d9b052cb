"""Wiring of the capitalise, candidates, peers, journey and communities commands on the mini atlas."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import MINI, iri


@pytest.fixture
def built(cli):
    result = cli("build", str(MINI))
    assert result.exit_code == 0, result.output
    return cli


def test_capitalise_all_principles_as_json(built):
    result = built("capitalise", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["iri"] for r in rows} == {
        iri("principle", "conditions-of-engagement"),
        iri("principle", "act-in-cooperation"),
    }
    assert {r["classification"] for r in rows} == {"undecidable"}  # one case each in the mini atlas


def test_capitalise_one_principle_table_and_json(built):
    table = built("capitalise", "conditions-of-engagement", "--min-cases", "1", "--min-territories", "1")
    assert table.exit_code == 0, table.output
    # one case, one territory: tied to one context
    assert "CIRCUMSTANTIAL" in table.output
    assert "Landes du Mené citizen wind farm" in table.output
    report = json.loads(built("capitalise", "conditions-of-engagement", "--format", "json").output)[0]
    assert report["kind"] == "principle"
    assert report["evidence"][0]["territory"] == "Le Mené"
    assert report["evidence"][0]["population"] == "2k-10k"


def test_capitalise_lesson_and_check_lessons(built):
    lesson = built("capitalise", "le-mene-citizen-wind-farm/lesson/1", "--format", "json")
    assert lesson.exit_code == 0, lesson.output
    assert json.loads(lesson.output)[0]["declared"] == "structural"
    checks = built("capitalise", "--check-lessons", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(checks.output)))
    assert {r["declared"] for r in rows} == {"structural", "circumstantial"}
    assert {r["status"] for r in rows} == {"undecidable"}


def test_unknown_name_is_an_error(built):
    result = built("capitalise", "conditions-of-engagemnt")
    assert result.exit_code == 1
    assert "Error: unknown" in result.output
    assert "conditions-of-engagement" in result.output  # did you mean


def test_candidates_csv_header(built):
    result = built("candidates", "--min-cases", "2", "--min-territories", "2", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("rank,kind,issue,with,score")


def test_peers_lists_relations(built):
    rows = json.loads(built("peers", "le-mene", "--format", "json").output)
    assert rows and {r["relation"] for r in rows} <= {"similar", "complementary"}
    assert built("peers", "nowhere").exit_code == 1


def test_journey_options(built):
    result = built("journey", "mouans-sartoux", "--issue", "food-system", "--format", "json")
    assert result.exit_code == 0, result.output
    visits = json.loads(result.output)
    assert [v["territory"] for v in visits] == ["Grande-Synthe"]
    # no coordinates in the mini atlas: a distance bound cannot be honoured
    bounded = built("journey", "mouans-sartoux", "--issue", "food-system", "--max-km", "100")
    assert bounded.exit_code == 1
    assert "has no coordinates" in bounded.output


def test_communities_suggested_and_existing(built):
    result = built("communities", "--suggested", "--format", "json")
    assert result.exit_code == 0, result.output
    assert all(r["kind"] == "suggested" for r in json.loads(result.output))
    assert built("communities", "--existing").exit_code == 0


@pytest.mark.parametrize("command", ["capitalise", "candidates", "peers", "journey", "communities"])
def test_help(built, command):
    result = built(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output


def test_capitalise_within_places(built):
    inside = json.loads(
        built("capitalise", "food-system", "--within", "mouans-sartoux", "--format", "json").output
    )
    assert [e["territory"] for e in inside[0]["evidence"]] == ["Mouans-Sartoux"]
    everywhere = json.loads(built("capitalise", "food-system", "--format", "json").output)
    assert sorted(e["territory"] for e in everywhere[0]["evidence"]) == ["Grande-Synthe", "Mouans-Sartoux"]
    assert built("capitalise", "food-system", "--within", "atlantis").exit_code == 1


@pytest.mark.parametrize("args", [["capitalise", "--format", "json"], ["communities", "--format", "csv"]])
def test_output_is_byte_identical_across_runs(built, args):
    assert built(*args).output == built(*args).output
