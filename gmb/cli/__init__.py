"""The ``gmb`` command line: thin click commands over the library, one module per topic.

Example
-------
>>> from click.testing import CliRunner
>>> CliRunner().invoke(main, ["--version"]).output.startswith("gmb, version")
True
"""

from __future__ import annotations

import click

from gmb import __version__
from gmb.cli.common import GmbGroup
from gmb.cli import analysis, convert, edit, maps, render, simulate, workshop

__all__ = ["main"]


@click.group(cls=GmbGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gmb")
def main() -> None:
    """gmb: causal loop diagrams from group model building, analysed and simulated.

    \b
    Start:   gmb new map.yaml --title "Børns trivsel"
    Edit:    gmb var add map.yaml sleep --label Søvn --label-en Sleep
    Check:   gmb validate map.yaml
    """


for module in (maps, edit, workshop, convert, render, simulate, analysis):
    for command in module.COMMANDS:
        main.add_command(command)
