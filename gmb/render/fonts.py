"""Text in any script on a picture: letters the font lacks are drawn as boxes, not warned about one by one.

Labels come from residents and other tools (Danish, Arabic, Chinese, emoji). Matplotlib's fonts do
not hold every letter; it would draw a box and print a warning for each missing one, flooding the
terminal. :func:`quiet_savefig` saves a figure with those warnings silenced.

Example
-------
>>> import io
>>> from matplotlib.figure import Figure
>>> figure = Figure()
>>> _ = figure.add_subplot().set_title("子供 · Søvn")
>>> quiet_savefig(figure, io.BytesIO(), format="png")
"""

from __future__ import annotations

import warnings

__all__ = ["quiet_savefig"]


def quiet_savefig(figure, target, **options) -> None:
    """``figure.savefig(target, **options)`` without matplotlib's warning for each missing letter."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from", category=UserWarning)
        warnings.filterwarnings("ignore", message=r"Matplotlib currently does not support", category=UserWarning)
        figure.savefig(target, **options)
