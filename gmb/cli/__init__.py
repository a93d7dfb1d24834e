"""The ``gmb`` command line: thin click commands over the library, one module per topic.

It may import every layer; nothing but ``gmb.__main__`` imports it.

Example
-------
>>> from click.testing import CliRunner
>>> CliRunner().invoke(main, ["--version"]).output.startswith("gmb, version")
True
"""

from __future__ import annotations

import click

from gmb.cli.common import GmbGroup
from gmb.version import __version__

__all__ = ["main", "COMMAND_MODULES"]

COMMAND_MODULES = {
    "gmb.cli.maps": ("new", "show", "validate", "outcome", "theme"),
    "gmb.cli.edit": ("var", "link"),
    "gmb.cli.workshop": ("workshop", "merge", "diff"),
    "gmb.cli.convert": ("import", "export"),
    "gmb.cli.render": ("html", "circle"),
    "gmb.cli.simulate": ("build", "simulate"),
    "gmb.cli.analysis": ("loops", "loop", "analyze", "paths", "press"),
    "gmb.cli.leverage": ("leverage",),
    "gmb.cli.ideas": ("ideas",),  # the ideas group: rank (from gmb.cli.leverage), add, set, list, check
    "gmb.cli.scenarios": ("scenario",),
    "gmb.cli.segments": ("segment",),
}
"""Which module holds each command: a command's module is imported only when it runs, so that
``gmb link add`` does not pay for numpy and PySD."""


@click.group(cls=GmbGroup, lazy=COMMAND_MODULES,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120})
@click.version_option(__version__, prog_name="gmb")
def main() -> None:
    """gmb: causal loop diagrams from group model building, analysed and simulated.

    'gmb COMMAND --help' tells what a command does, with examples on the shipped example map.

    \b
    Example:
      gmb new trivsel.yaml --title "Børns trivsel"
      gmb var add trivsel.yaml sleep --label Søvn --label-en Sleep
      gmb validate models/havndal.yaml   # exit 1: two links of polarity ? not yet agreed
      gmb simulate models/havndal.yaml --scenarios workshops/havndal/scenarios.yaml -o out/havndal
    """
