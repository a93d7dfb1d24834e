"""``python -m gmb`` runs the command line, like the ``gmb`` script."""

from gmb.cli import main

if __name__ == "__main__":
    main(prog_name="gmb")
