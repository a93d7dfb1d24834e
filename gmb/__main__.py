"""``python -m gmb`` runs the command line, like the ``gmb`` script."""

from gmb.cli import main

main(prog_name="gmb")
