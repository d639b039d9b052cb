"""CLI wiring of build, validate, stats, show, search and export: exit codes, messages, files."""

from __future__ import annotations

import json

import pytest

from tests.conftest import MINI


def test_build_reports_what_it_loaded(cli):
    result = cli("build", str(MINI))
    assert result.exit_code == 0
    assert "files: 8 (8 parsed, 0 removed), statements: 186" in result.output
    assert "3 experience" in result.output and "7 issue" in result.output
    again = cli("build", str(MINI))
    assert again.output.startswith("up to date:") and "(0 parsed, 0 removed)" in again.output


def test_bad_data_exits_1_with_every_problem_and_writes_nothing(cli, mini_dir, tmp_path):
    (mini_dir / "a.yaml").write_text("territories:\n  - id: a1\n    label: A\n    population: '012'\n")
    (mini_dir / "experiences" / "b.md").write_text("---\ntitle: x\n")
    result = cli("build", str(mini_dir))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Error: 2 problems",
        "a.yaml:4: 'population' must be a whole number without leading zeros, not '012'",
        "experiences/b.md:1: unterminated front matter: no closing '---' line",
    ]
    assert not (tmp_path / "store" / "current").exists()


def test_validate(cli, mini_dir):
    ok = cli("validate", str(mini_dir))
    assert ok.exit_code == 0 and ok.output.startswith(f"ok: {mini_dir}: 8 files, 0 warnings")
    (mini_dir / "extra.ttl").write_text("not turtle")
    bad = cli("validate", str(mini_dir))
    assert bad.exit_code == 1 and bad.output.startswith("Error: extra.ttl:1: invalid Turtle")


def test_commands_before_build_say_what_to_do(cli):
    result = cli("stats")
    assert result.exit_code == 1
    assert "no atlas store at" in result.output and "run 'atlas build' first" in result.output


def test_stats_json(cli):
    cli("build", str(MINI))
    rows = json.loads(cli("stats", "--format", "json").output)
    counts = {r["what"]: r["count"] for r in rows}
    assert counts["experiences"] == 3 and counts["issues"] == 7 and counts["issue families"] == 4
    assert counts["issues with several parents"] == 3 and counts["source files"] == 8


def test_show_by_label_with_accents_and_file(cli):
    cli("build", str(MINI))
    result = cli("show", "LE MENE", "--format", "csv")
    assert result.exit_code == 0
    assert "atlas:population,6500,territories.yaml" in result.output


def test_show_unknown_suggests(cli):
    cli("build", str(MINI))
    result = cli("show", "le-men")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: unknown name 'le-men' (did you mean 'le-mene'?)"


def test_search(cli):
    cli("build", str(MINI))
    rows = json.loads(cli("search", "EOLIEN", "--format", "json").output)
    assert [r["iri"].rsplit("/", 1)[1] for r in rows] == ["le-mene-citizen-wind-farm"]


def test_export_writes_file_and_is_deterministic(cli, tmp_path):
    cli("build", str(MINI))
    a, b = tmp_path / "a.trig", tmp_path / "b.trig"
    assert cli("export", "--format", "trig", "-o", str(a)).exit_code == 0
    cli("export", "--format", "trig", "-o", str(b))
    assert a.read_bytes() == b.read_bytes() and a.stat().st_size > 1000


def test_export_unknown_format_is_a_usage_error(cli, tmp_path):
    cli("build", str(MINI))
    result = cli("export", "--format", "xls", "-o", str(tmp_path / "x"))
    assert result.exit_code == 2 and "unknown format 'xls'" in result.output


def test_memory_store_builds_data_for_one_command(tmp_path):
    from click.testing import CliRunner

    from atlas.cli import main

    result = CliRunner().invoke(main, ["--store", ":memory:", "--data", str(MINI), "stats", "--format", "csv"])
    assert result.exit_code == 0 and "experiences,3" in result.output


def test_the_entry_point_spares_the_exit_collection(monkeypatch):
    """``run`` freezes what is alive when the command ends, so that exit does not walk it all again."""
    import gc

    from atlas.cli import run

    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    monkeypatch.setattr("sys.argv", ["atlas", "--help"])
    with pytest.raises(SystemExit) as exit_:
        run()
    assert exit_.value.code == 0 and frozen == [True]
