"""The command line: every command documented, with help that shows an example."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from archiver.cli import main

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def leaf_commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += leaf_commands(command, f"{prefix}{name} ")
        else:
            found.append((f"{prefix}{name}", command))
    return found


COMMANDS = leaf_commands(main)


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_help_has_an_example(name: str, command: click.Command) -> None:
    result = CliRunner().invoke(main, [*name.split(), "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"archiver {name}" in result.output


@pytest.mark.parametrize("name", [n for n, _ in COMMANDS])
def test_readme_documents_every_command(name: str) -> None:
    assert f"archiver {name}" in README


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and "archiver" in result.output
