"""One consistent command line: every --help example runs on the shipped example, groups without a
subcommand show their help, mistyped commands get the closest name, --lang is --language everywhere,
and an unknown language is refused the same way by every command."""

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from gmb.cli import COMMAND_MODULES, main
from gmb.formats import FORMATS

REPO = Path(__file__).resolve().parent.parent
SHIPPED = ("models", "workshops")
"""The folders a scratch copy holds: the examples name files in them."""
EXIT = re.compile(r"#\s*exit\s+(\d+)")
"""An example's comment ``# exit N …`` states its exit code (as in the README)."""
CHEAP = {"--samples": ["--samples", "20"], "--sensitivity": ["--no-sensitivity"]}
"""Options that make a sampling command quick where a test runs it only to see an option accepted."""


def tree(group: click.Group = main, path: tuple[str, ...] = ()):
    """Every command as (its path, the command), the groups included, ``gmb`` itself first."""
    yield path, group
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from tree(command, path + (name,))
        else:
            yield path + (name,), command


def gmb(*args, **env) -> click.testing.Result:
    return CliRunner(env=env or None).invoke(main, [str(a) for a in args], prog_name="gmb")


def examples(path: tuple[str, ...]) -> list[tuple[list[str], int]]:
    """The examples of a command's --help: each line of its ``Example:`` block as arguments, with the exit
    code a trailing ``# exit N`` states (else 0); a line ending in a backslash goes on in the next."""
    text = gmb(*path, "--help").output
    if "Example:" not in text:
        return []
    block = text.split("Example:", 1)[1].split("\n\n")[0].replace("\\\n", " ")
    found = []
    for line in block.strip().splitlines():
        assert line.strip().startswith("gmb "), (path, line)
        code = EXIT.search(line)
        found.append((shlex.split(line, comments=True)[1:], int(code.group(1)) if code else 0))
    return found


COMMANDS = list(tree())
LEAVES = [path for path, command in COMMANDS if not isinstance(command, click.Group)]
GROUPS = [path for path, command in COMMANDS if isinstance(command, click.Group)]
WITH_LANGUAGE = [path for path, command in COMMANDS
                 if any({"--lang", "--language"} & set(param.opts) for param in command.params)]


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """A scratch copy of the shipped maps and workshops, as the working directory."""
    for folder in SHIPPED:
        shutil.copytree(REPO / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_help_exits_0_and_every_command_shows_examples():
    assert len(LEAVES) > 30 and len(GROUPS) >= 8
    for path, command in COMMANDS:
        result = gmb(*path, "--help")
        assert result.exit_code == 0, path
        assert examples(path) or isinstance(command, click.Group), f"gmb {' '.join(path)} --help has no example"


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS if examples(p)], ids=lambda p: " ".join(p) or "gmb")
def test_every_help_example_runs_on_a_scratch_copy_of_the_shipped_example(path, scratch):
    """The examples of one --help, in order, on a fresh copy: each names shipped files or new ones."""
    shipped = snapshot(scratch)
    for args, code in examples(path):
        for arg in args:  # a file an example reads is shipped; one it writes is new
            if arg.split("/")[0] in SHIPPED:
                assert arg in shipped or (scratch / arg).is_dir(), (path, arg)
        result = CliRunner().invoke(main, args)
        assert result.exit_code == code, (args, result.output)
        assert "Traceback" not in result.output


def test_gmb_help_lists_every_command_with_its_whole_first_sentence_on_one_line():
    """At 80 columns each group's listing gives each command's first sentence, untruncated, on one line."""
    for path, group in COMMANDS:
        if not isinstance(group, click.Group):
            continue
        listing = gmb(*path, "--help", COLUMNS="80").output.split("\nCommands:\n", 1)[1]
        ctx = click.Context(group)
        names = group.list_commands(ctx)
        assert len(listing.splitlines()) == len(names), path
        for name, line in zip(names, listing.splitlines()):
            sentence = group.get_command(ctx, name).get_short_help_str(limit=10_000)
            assert line.split() == [name, *sentence.split()], (path, line)
            assert sentence.endswith((".", "?", ")")) and "..." not in sentence, (path, name, sentence)


@pytest.mark.parametrize("path", GROUPS, ids=lambda p: " ".join(p) or "gmb")
def test_a_group_without_a_subcommand_prints_its_help_with_exit_0(path):
    result = gmb(*path)
    assert result.exit_code == 0, result.output
    assert result.output == gmb(*path, "--help").output and "Commands:" in result.output


@pytest.mark.parametrize("args, expected", [
    (["simulte"], "error: No such command 'simulte'. Did you mean 'simulate'? (see 'gmb --help')\n"),
    (["--verison"], "error: No such option '--verison'. Did you mean '--version'? (see 'gmb --help')\n"),
    (["var", "ad"], "error: No such command 'ad'. Did you mean 'add'? (see 'gmb var --help')\n"),
    (["ideas", "rnak"], "error: No such command 'rnak'. Did you mean 'rank'? (see 'gmb ideas --help')\n"),
    (["scenario", "lsit"], "error: No such command 'lsit'. Did you mean 'list'? (see 'gmb scenario --help')\n"),
    (["workshop", "sohw", "workshops/havndal"],
     "error: No such command 'sohw'. Did you mean 'show'? (see 'gmb workshop --help')\n"),
])
def test_a_mistyped_command_gets_the_closest_name_in_one_line(args, expected):
    result = gmb(*args)
    assert result.exit_code == 2 and result.stderr == expected and result.stdout == ""


def test_a_command_like_no_other_lists_the_commands():
    result = gmb("zzz")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: No such command 'zzz'. The commands are: analyze, build, ")


def test_a_mistyped_command_imports_no_command_module_and_a_subcommand_only_its_own():
    code = ("import sys; from gmb.cli import main\n"
            "for args in (['simulte'], ['var', 'ad']):\n"
            "    try:\n"
            "        main(args, standalone_mode=False)\n"
            "    except Exception:\n"
            "        pass\n"
            "    print(sorted(m for m in sys.modules if m.startswith('gmb.cli.') and m != 'gmb.cli.common'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert done.stdout.splitlines() == ["[]", "['gmb.cli.edit']"]
    assert "gmb.cli.edit" in COMMAND_MODULES


def test_lang_and_language_are_one_option_wherever_either_is():
    assert len(WITH_LANGUAGE) >= 10
    for path, command in COMMANDS:
        for param in command.params:
            if {"--lang", "--language"} & set(param.opts):
                assert param.opts == ["--lang", "--language"] and param.name == "lang", path


def _first_own_example(path):
    return next(args for args, _ in examples(path) if tuple(args[:len(path)]) == path)


@pytest.mark.parametrize("path", WITH_LANGUAGE, ids=" ".join)
def test_every_language_option_accepts_both_names_and_refuses_a_language_the_map_lacks(path, scratch):
    args = _first_own_example(path)
    cheap = [part for option, parts in CHEAP.items() if option in _options(path) for part in parts]
    for name in ("--lang", "--language"):
        result = gmb(*args, *cheap, name, "en")
        assert result.exit_code == 0, (args, name, result.output)
    before = snapshot(scratch)
    refused = gmb(*args, "--language", "fr")
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr == ("error: models/havndal.yaml has no language 'fr'; its languages are da, en "
                              "(use --lang da or --lang en)\n")
    assert snapshot(scratch) == before


def _options(path) -> set[str]:
    command = dict(COMMANDS)[path]
    return {opt for param in command.params for opt in param.opts}


def test_export_help_names_only_the_formats_gmb_can_write_and_import_only_those_it_reads():
    exported, imported = gmb("export", "--help").output, gmb("import", "--help").output
    read_only = [f.name for f in FORMATS.values() if not f.writer]
    write_only = [f.name for f in FORMATS.values() if not f.reader]
    assert read_only and write_only
    for fmt in FORMATS.values():
        assert (re.search(rf"\b{re.escape(fmt.name)}\b", " ".join(exported.split())) is not None) == bool(fmt.writer)
        assert (re.search(rf"\b{re.escape(fmt.name)}\b", " ".join(imported.split())) is not None) == bool(fmt.reader)
    written = {extension for fmt in FORMATS.values() if fmt.writer for extension in fmt.extensions}
    for extension in {extension for fmt in FORMATS.values() for extension in fmt.extensions} - written:
        assert extension not in exported
    for extension in written:
        assert extension in exported
