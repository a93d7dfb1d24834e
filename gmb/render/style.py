"""Colours and marks shared by every picture of a map (HTML page, static picture, connection circle).

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("demo")
>>> cmap.add_theme("screens", "Skærme", color="#5b8def")
>>> cmap.add_theme("food", "Mad")
>>> theme_colors(cmap)
{'screens': '#5b8def', 'food': '#d55e00'}
>>> arrow_width("strong"), arrow_width(0.5), arrow_width(None)
(3.5, 2.5, 2.0)
>>> tint("#000000", 0.5), darker("#ffffff")
('#808080', '#b7b7b7')
"""

from __future__ import annotations

import re

from gmb.maps.causalmap import CausalMap

__all__ = ["POLARITY_COLORS", "POLARITY_MARKS", "STRENGTH_WIDTHS", "THEME_PALETTE", "NO_THEME_COLOR",
           "theme_colors", "arrow_width", "tint", "darker"]

POLARITY_COLORS = {"+": "#2f6db5", "-": "#c8562b", "?": "#8b929c"}
"""Arrow colours: blue for same direction, orange for opposite (told apart by colour-blind readers too)."""
POLARITY_MARKS = {"+": "+", "-": "−", "?": "?"}
"""How a polarity is written on an arrow (a real minus sign)."""
STRENGTH_WIDTHS = {"weak": 1.5, "medium": 2.5, "strong": 3.5}
"""Arrow widths (pixels) by named strength; unknown strengths get 2."""
THEME_PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#332288", "#882211",
                 "#7766ff", "#1f2933")
"""Colours for themes that give none, in theme order: Okabe and Ito's six, then four more, every two told
apart with protanopia and deuteranopia too (:func:`gmb.render.colour_vision.look_alike`)."""
NO_THEME_COLOR = "#c9ced6"
"""Light grey, for variables of no theme: apart from every palette colour in the three visions."""


def theme_colors(cmap: CausalMap) -> dict[str, str]:
    """Each theme's colour: its own ``color`` where that is ``#rrggbb``, else the palette's, in theme order."""
    colors = {}
    for i, (theme, attrs) in enumerate(cmap.themes.items()):
        color = (attrs or {}).get("color")
        ok = isinstance(color, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", color)
        colors[theme] = color if ok else THEME_PALETTE[i % len(THEME_PALETTE)]
    return colors


def arrow_width(strength) -> float:
    """An arrow's width (pixels) for a link's ``strength``: named, or a number 0 to 1 (1 to 4 pixels)."""
    if isinstance(strength, (int, float)) and not isinstance(strength, bool):
        return round(1.0 + 3.0 * min(abs(strength), 1.0), 2)
    return STRENGTH_WIDTHS.get(strength, 2.0)


def tint(color: str, amount: float = 0.78) -> str:
    """A lighter ``#rrggbb``: mixed with ``amount`` of white."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(round(c + (255 - c) * amount) for c in (r, g, b)))


def darker(color: str, factor: float = 0.72) -> str:
    """A darker ``#rrggbb`` (each channel times ``factor``), for outlines."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * factor) for c in (r, g, b)))
