"""Every command has help text and appears in the README's command reference; docs are true to the code."""

from __future__ import annotations

import re

import click
import pytest

from atlas.cli import COMMAND_MODULES, load_all_commands, main
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
load_all_commands()  # commands are registered when their module is imported


def commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    for name, cmd in sorted(group.commands.items()):
        full = f"{prefix}{name}"
        out.append((full, cmd))
        if isinstance(cmd, click.Group):
            out += commands(cmd, full + " ")
    return out


@pytest.mark.parametrize(("name", "command"), commands(main), ids=lambda v: v if isinstance(v, str) else "")
def test_command_has_help_and_is_in_the_readme(name, command):
    assert (command.help or "").strip(), f"atlas {name} has no help text"
    assert re.search(rf"`atlas {re.escape(name)}( |`)", README), f"atlas {name} is missing from the README"


def test_readme_starts_with_the_two_commands():
    block = README.split("```bash\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert [line.split("#")[0].strip() for line in block] == ["bash scripts/run.sh", "bash scripts/test.sh"]


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    lines = [line for line in ci.splitlines() if line.strip() and not line.startswith(("#", "set ", "cd "))]
    assert lines == ["exec bash scripts/test.sh"]


def test_readme_mentions_no_missing_command():
    known = {name for name, _ in commands(main)}
    for mention in re.findall(r"`atlas ([a-z-]+(?: [a-z-]+)?)", README):
        first = mention.split()[0]
        assert mention in known or first in known, f"README mentions atlas {mention}, which does not exist"


def test_every_command_is_found_lazily():
    assert set(main.commands) == set(COMMAND_MODULES)
