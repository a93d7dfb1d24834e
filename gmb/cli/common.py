"""What every gmb command shares: error handling, the MAP argument, KEY=VALUE parsing, JSON output.

Example
-------
>>> parse_assignments(["adjust_time=6", "label.en=Screen time", "delay=true", "notes=null"])
{'adjust_time': 6, 'label.en': 'Screen time', 'delay': True, 'notes': None}
>>> parse_assignments(["label.en=No", "source.group=2", "delay=no"])
{'label.en': 'No', 'source.group': '2', 'delay': False}
"""

from __future__ import annotations

import gc
import importlib
import json
import sys

import click
import yaml

from gmb.errors import GmbError, OutputPathError
from gmb.maps.schema import TEXT_KEYS
from gmb.maps.yamltext import parse_text

__all__ = ["GmbGroup", "map_argument", "parse_assignments", "echo_json", "warn", "force_option", "guarded_outputs"]


class GmbGroup(click.Group):
    """A click group that turns gmb's errors (and the file system's) into one line on stderr and exit code 2.

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
            where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"error: {' '.join(exc.format_message().split())}{where}", err=True)
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


force_option = click.option("--force", is_flag=True, help="Replace output files gmb did not write, and symbolic "
                            "links at an output path (never an input of the command).")
"""The ``--force`` of every command that writes files: see :mod:`gmb.maps.outpaths` for the rules it lifts."""


def guarded_outputs(*inputs, force: bool = False):
    """The output rules for a command reading ``inputs`` (:func:`gmb.maps.outpaths.output_rules`)."""
    from gmb.maps.outpaths import output_rules

    return output_rules(inputs, force)


map_argument = click.argument("map_path", metavar="MAP", type=click.Path(dir_okay=True, path_type=str))
"""The MAP argument of every command; existence is checked by the library for a clear message."""


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
