"""What every gmb command shares: error handling, the MAP argument, KEY=VALUE parsing, JSON output.

Example
-------
>>> parse_assignments(["adjust_time=6", "label.en=Screen time", "delay=true", "notes=null"])
{'adjust_time': 6, 'label.en': 'Screen time', 'delay': True, 'notes': None}
>>> parse_assignments(["label.en=No", "source.group=2", "delay=no"])
{'label.en': 'No', 'source.group': '2', 'delay': False}

Conventions every command follows: a group given no subcommand prints its help (exit 0); a mistyped
command gets the closest name (``Did you mean 'simulate'?``); the language is ``--lang`` (alias
``--language``, :func:`language_option`) and an unknown one is refused by :func:`map_language`; a
command's help ends with an ``Example:`` block of lines ``gmb …`` that run on the shipped example
(``models/havndal.yaml``, ``workshops/havndal/…``) from the repository's top folder, a trailing
``# exit N`` saying when one ends with another code than 0 (``tests/test_cli_help.py`` runs them).
"""

from __future__ import annotations

import difflib
import gc
import importlib
import json
import sys

import click
import yaml

from gmb.errors import GmbError, OutputPathError
from gmb.maps.schema import TEXT_KEYS
from gmb.maps.yamltext import parse_text

__all__ = ["CommandGroup", "GmbGroup", "map_argument", "language_option", "map_language", "parse_assignments",
           "echo_json", "warn", "force_option", "guarded_outputs"]


class CommandGroup(click.Group):
    """A click group that prints its help when given no subcommand (exit 0), lists its commands with their
    whole first sentence, and answers a mistyped subcommand with the closest name (exit 2)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args and not ctx.resilient_parsing:
            click.echo(ctx.get_help(), color=ctx.color)
            ctx.exit(0)
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = click.utils.make_str(args[0])
        if not name.startswith("-") and self.get_command(ctx, name) is None:
            names = self.list_commands(ctx)  # names only: nothing is imported for a typo
            close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
            hint = f"Did you mean '{close[0]}'?" if close else f"The commands are: {', '.join(names)}."
            raise click.UsageError(f"No such command '{name}'. {hint}", ctx)
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, command.get_short_help_str(limit=sys.maxsize)) for name in self.list_commands(ctx)
                if (command := self.get_command(ctx, name)) is not None and not command.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class GmbGroup(CommandGroup):
    """The ``gmb`` group: turns gmb's errors (and the file system's) into one line on stderr and exit code 2.

    ``lazy`` maps a module name to the names of the commands its ``COMMANDS`` list holds; the
    module is imported when one of them is asked for.
    """

    def __init__(self, *args, lazy: dict[str, tuple[str, ...]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = {name: module for module, names in (lazy or {}).items() for name in names}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy and name not in self.commands:
            for command in importlib.import_module(self.lazy[name]).COMMANDS:
                self.add_command(command)
        return super().get_command(ctx, name)

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:  # gmb's own bad option, e.g. --verison: one line too
            _usage_error(exc)
            raise click.exceptions.Exit(2) from None

    def invoke(self, ctx: click.Context):
        # What is imported by now lives as long as the command does: the cyclic garbage collector
        # need not scan it again at every full collection (that halves 'gmb show' on a large map).
        gc.freeze()
        try:
            return super().invoke(ctx)
        except GmbError as exc:
            force = ", or use --force to replace it" if isinstance(exc, OutputPathError) and exc.replaceable else ""
            click.echo(f"error: {exc}{force}", err=True)
            ctx.exit(2)
        except click.UsageError as exc:  # a subcommand's bad option: one line too, not click's three
            _usage_error(exc)
            ctx.exit(2)
        except BrokenPipeError:  # e.g. `gmb loops MAP | head`
            sys.stderr.close()
            ctx.exit(0)
        except OSError as exc:  # the file system refused: a name too long, no permission, a full disk
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}; check the path, and that its folder can be written",
                       err=True)
            ctx.exit(2)
        except (click.exceptions.Exit, click.Abort, click.ClickException):
            raise
        except MemoryError:
            click.echo("error: out of memory: the input is too large for this machine; try a smaller file", err=True)
            ctx.exit(2)
        except RecursionError:
            click.echo("error: the input is nested too deeply to read; simplify the file", err=True)
            ctx.exit(2)
        except Exception as exc:  # the last line of defence: a bug in gmb, said in one line, never a traceback
            what = " ".join(str(exc).split())[:200]
            click.echo(f"error: gmb failed unexpectedly ({type(exc).__name__}{': ' + what if what else ''}); "
                       "this is a bug in gmb: please report it with the command and the input", err=True)
            ctx.exit(2)


def _usage_error(exc: click.UsageError) -> None:
    """Print a usage error as one line on stderr, with where to look for help."""
    where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
    click.echo(f"error: {' '.join(exc.format_message().split())}{where}", err=True)


force_option = click.option("--force", is_flag=True, help="Replace output files gmb did not write, and symbolic "
                            "links at an output path (never an input of the command).")
"""The ``--force`` of every command that writes files: see :mod:`gmb.maps.outpaths` for the rules it lifts."""


def guarded_outputs(*inputs, force: bool = False):
    """The output rules for a command reading ``inputs`` (:func:`gmb.maps.outpaths.output_rules`)."""
    from gmb.maps.outpaths import output_rules

    return output_rules(inputs, force)


map_argument = click.argument("map_path", metavar="MAP", type=click.Path(dir_okay=True, path_type=str))
"""The MAP argument of every command; existence is checked by the library for a clear message."""


def language_option(help: str):
    """The ``--lang`` option (alias ``--language``) of every command that shows a map's text."""
    return click.option("--lang", "--language", "lang", metavar="LANG",
                        help=f"{help} One of the map's languages, e.g. da or en; default: its first.")


def map_language(cmap, lang: str | None, map_path) -> str:
    """``lang``, or the map's first language when None; a language the map lacks is a :class:`GmbError`
    naming the map file and its languages."""
    if lang is None:
        return cmap.languages[0]
    if lang not in cmap.languages:
        choices = " or ".join(f"--lang {code}" for code in cmap.languages)
        raise GmbError(f"{map_path} has no language {lang!r}; its languages are {', '.join(cmap.languages)} "
                       f"(use {choices})")
    return lang


def parse_assignments(items: tuple[str, ...] | list[str]) -> dict:
    """``KEY=VALUE`` pairs to a dict; values are read as YAML scalars (numbers, true/false, null),
    except that the keys of :data:`gmb.maps.schema.TEXT_KEYS` keep their text (``label.en=No``); an
    empty value or ``null`` removes the key."""
    result = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise GmbError(f"{item!r} is not KEY=VALUE; write e.g. adjust_time=6 or label.en='Screen time'")
        if not value.strip() or value.strip() == "null":
            parsed = None
        elif key.split(".")[0] in TEXT_KEYS:
            parsed = value
        else:
            try:  # parse_text refuses anchors and aliases before building anything (no alias bombs)
                parsed = parse_text(value)[1]
            except yaml.YAMLError:
                parsed = value
        result[key] = parsed if isinstance(parsed, (int, float, bool, type(None))) else value
    return result


def echo_json(obj) -> None:
    """Print JSON for scripts: UTF-8 text as itself, stable key order."""
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def warn(message: str) -> None:
    """A warning line on stderr."""
    click.echo(f"warning: {message}", err=True)
