"""Every command and option of the CLI is documented in README.md (as sqlite-utils' test_docs does)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from graph.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands():
    ctx = click.Context(main)
    for name in main.list_commands(ctx):
        yield name, main.get_command(ctx, name)


@pytest.mark.parametrize("name", [name for name, _ in _commands()])
def test_command_is_documented(name):
    assert re.search(rf"sundhedsgraf {re.escape(name)}\b", README), f"'sundhedsgraf {name}' is missing from README.md"


@pytest.mark.parametrize(
    "name,option",
    [
        (name, opt)
        for name, cmd in _commands()
        for p in cmd.params
        if isinstance(p, click.Option)
        for opt in p.opts
        if opt.startswith("--")
    ],
)
def test_option_is_documented(name, option):
    section = README.split(f"### `sundhedsgraf {name}`", 1)
    assert len(section) == 2, f"README.md has no section '### `sundhedsgraf {name}`'"
    body = section[1].split("\n### ", 1)[0]
    assert option in body, f"option {option} of 'sundhedsgraf {name}' is missing from its README section"


def test_readme_has_exactly_the_two_setup_commands():
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", README.split("## Kom i gang", 1)[1].split("\n## ", 1)[0], re.S)
    assert len(blocks) == 2
    assert "sundhedsgraf build" in blocks[0]
    assert "pytest" in blocks[1]


def test_ci_runs_exactly_the_readme_test_command():
    block = re.findall(r"```bash\n(.*?)```", README.split("## Kom i gang", 1)[1], re.S)[1].strip()
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert block in ci
