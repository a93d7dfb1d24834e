"""The command table: every command is reachable, documented, and loaded only when it runs."""

import importlib
import subprocess
import sys

import click
from click.testing import CliRunner

from gmb.cli import COMMAND_MODULES, main


def all_commands(group: click.Group, ctx: click.Context, path=()):
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield path + (name,), command
        if isinstance(command, click.Group):
            yield from all_commands(command, ctx, path + (name,))


def test_the_table_names_exactly_the_commands_each_module_holds():
    for module, names in COMMAND_MODULES.items():
        held = sorted(command.name for command in importlib.import_module(module).COMMANDS)
        assert held == sorted(names), module


def test_every_command_has_help_with_an_example():
    commands = list(all_commands(main, click.Context(main)))
    assert len(commands) > 30
    for path, command in commands:
        result = CliRunner().invoke(main, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Example" in result.output or isinstance(command, click.Group), path
        assert command.get_short_help_str().strip(), path


def test_an_editing_command_does_not_load_numpy_or_pysd(tmp_path):
    path = tmp_path / "m.yaml"
    code = ("import sys; from gmb.cli import main\n"
            f"main(['new', {str(path)!r}, '--title', 'T'], standalone_mode=False)\n"
            f"main(['var', 'add', {str(path)!r}, 'mood', '--label', 'Humør'], standalone_mode=False)\n"
            "print(sorted(m for m in ('numpy', 'pysd', 'matplotlib') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert "mood:" in path.read_text(encoding="utf-8")


def test_an_unknown_command_is_one_line_with_exit_2():
    result = CliRunner().invoke(main, ["simulat"])
    assert result.exit_code == 2
    assert "simulat" in result.output and "Traceback" not in result.output
