"""The command line's entry point: ``gmb`` (the console script) and ``python -m gmb``.

A command's imports build hundreds of thousands of long-lived objects (networkx, PyYAML, click);
the cyclic garbage collector is kept off while they load and never scans them afterwards.
"""

import gc

gc.disable()
import gmb.maps.store  # noqa: E402,F401 - what every map command needs (networkx, PyYAML), loaded with the collector off
from gmb.cli import main  # noqa: E402

__all__ = ["run"]


def run() -> None:
    """Run the command line (``gmb --help``)."""
    gc.freeze()
    gc.enable()
    main(prog_name="gmb")


if __name__ == "__main__":
    run()
