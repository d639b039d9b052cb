"""The ``atlas import`` commands: wiring, output, exit codes and messages."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import MINI_BASE, TESTS

SKOS_DIR = TESTS / "data" / "skos"


def test_import_skos_writes_and_reports(cli, tmp_path: Path):
    into = tmp_path / "atlas"
    result = cli("import", "skos", str(SKOS_DIR / "territory.rdf"), "--into", str(into))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"wrote {into}/atlas.yaml", f"wrote {into}/thesaurus/territory.yaml", f"wrote {into}/thesaurus/territory.ttl",
        "  2 families, 5 issues, 7 broader, 2 related, 3 languages",
    ]
    built = cli("build", str(into))
    assert built.exit_code == 0 and "5 issue" in built.output


def test_import_skos_options(cli, mini_dir: Path):
    result = cli("import", "skos", str(SKOS_DIR / "territory.ttl"), "--into", str(mini_dir), "--languages", "en",
                 "--slugs", "notation", "--prefix", "t", "--name", "terr")
    assert result.exit_code == 0, result.output
    assert "note: texts in de, fr were left out" in result.output
    assert 'id: "t-1-1-1"' in (mini_dir / "thesaurus" / "terr.yaml").read_text()


def test_import_skos_refuses_a_doctype(cli, tmp_path: Path):
    bad = tmp_path / "evil.rdf"
    bad.write_text('<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<r>&x;</r>\n')
    result = cli("import", "skos", str(bad), "--into", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"Error: {bad}:2: DOCTYPE declarations are refused" in result.output
    assert not (tmp_path / "out").exists()


def test_import_skos_align(cli, mini_dir: Path):
    result = cli("import", "skos", str(SKOS_DIR / "territory.rdf"), "--into", str(mini_dir), "--align")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"wrote {mini_dir}/thesaurus/territory-alignment.ttl"
    assert "2 exact, 0 close, 2 aligned issues" in result.output
    assert f"<{MINI_BASE}issue/energy> skos:exactMatch" in (mini_dir / "thesaurus" / "territory-alignment.ttl"
                                                            ).read_text()


def test_import_skos_usage_errors(cli, tmp_path: Path):
    assert cli("import", "skos", str(tmp_path / "missing.rdf")).exit_code == 2
    result = cli("import", "skos", str(SKOS_DIR / "territory.ttl"), "--align", "--threshold", "0")
    assert result.exit_code == 2


def test_import_csv(cli, mini_dir: Path, tmp_path: Path):
    (tmp_path / "i.csv").write_text("Code,Name\nA,Water\nA.1,Drinking water\n")
    (tmp_path / "m.yaml").write_text("kind: issue\nlanguage: en\ncolumns: {id: Code, label: Name}\n"
                                     "hierarchy: {column: Code}\nslug: {from: label}\n")
    result = cli("import", "csv", str(tmp_path / "i.csv"), "--mapping", str(tmp_path / "m.yaml"),
                 "--into", str(mini_dir))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"wrote {mini_dir}/thesaurus/i.yaml", "  2 rows, 1 families, 1 issues"]


def test_import_csv_reports_every_bad_row(cli, mini_dir: Path, tmp_path: Path):
    (tmp_path / "i.csv").write_text('Code,Name\nA,"Two\nlines"\nA.1,\nB.1,Orphan\n')
    (tmp_path / "m.yaml").write_text("kind: issue\nlanguage: en\ncolumns: {id: Code, label: Name}\n"
                                     "hierarchy: {column: Code}\n")
    result = cli("import", "csv", str(tmp_path / "i.csv"), "--mapping", str(tmp_path / "m.yaml"),
                 "--into", str(mini_dir))
    assert result.exit_code == 1
    path = tmp_path / "i.csv"
    # record A spans lines 2-3, so A.1 is on line 4 and B.1 on line 5
    assert result.output.splitlines() == [
        "Error: 2 problems",
        f"{path}:4: column 'Name': empty, and an issue needs a label",
        f"{path}:5: column 'Code': no row has the parent 'B' of 'B.1'",
    ]
    assert not (mini_dir / "thesaurus").exists()


def test_import_csv_needs_a_mapping(cli, tmp_path: Path):
    (tmp_path / "i.csv").write_text("a\n1\n")
    result = cli("import", "csv", str(tmp_path / "i.csv"))
    assert result.exit_code == 2 and "Missing option '--mapping'" in result.output
