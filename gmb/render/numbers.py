"""Numbers for people, in the reader's language: two significant figures, Danish decimal commas.

Danish (``da``) writes a decimal comma, groups thousands with a full stop and puts a space before the
percent sign ("+0,047", "1.200", "12 %"); every other language gets the English forms ("+0.047",
"1,200", "12%"). Analysts' files (``results.csv``, ``bands.csv``, JSON) keep full precision with a
decimal point and never use these functions. Used by the command line, the CSV tables for people
(:mod:`gmb.outputs.tables`) and the pictures alike.

Example
-------
>>> significant(0.04583, "da", sign=True), significant(0.04583, "en", sign=True)
('+0,046', '+0.046')
>>> significant(-12345.6, "da"), significant(12345.6, "en"), significant(0, "da", sign=True)
('-12.000', '12,000', '0')
>>> percent(5.4512, "da", sign=True), percent(5.4512, "en", sign=True), percent(12, "da")
('+5,5 %', '+5.5%', '12 %')
>>> share(0.935, "da"), share(0.002, "en"), share(0.999, "da"), share(1.0, "da")
('94 %', '<1%', '>99 %', '100 %')
>>> chance(0.935, "da"), chance(0.002, "en"), chance(0.996, "da"), chance(1.0, "da")
('94 %', '0.20%', '99,6 %', '100 %')
>>> fixed(1.05449, 3, "da"), decimals_for(0.0545), plain(0.25, "da"), plain(1500.0, "da"), count(1000, "da")
('1,054', 3, '0,25', '1.500', '1.000')
"""

from __future__ import annotations

import math

__all__ = ["significant", "percent", "share", "chance", "fixed", "plain", "count", "decimals_for", "localize", "DIGITS"]

DIGITS = 2
"""Significant figures of an effect shown to people (tables, pictures, the page)."""


def decimals_for(value: float, digits: int = DIGITS) -> int:
    """Decimals that show ``value`` with ``digits`` significant figures (0 for large numbers and for 0).

    >>> decimals_for(0.0996), decimals_for(3.2), decimals_for(250)
    (2, 1, 0)
    """
    if not value or not math.isfinite(value):
        return 0
    rounded = float(f"{abs(value):.{digits}g}")
    return max(0, digits - 1 - math.floor(math.log10(rounded)))


def significant(value: float, lang: str | None = None, digits: int = DIGITS, sign: bool = False) -> str:
    """``value`` with ``digits`` significant figures, ``+`` before a positive one if ``sign``."""
    if value is None or not math.isfinite(value):
        return "–"
    if value == 0:
        return "0"
    rounded = float(f"{value:.{digits}g}")
    return fixed(rounded, decimals_for(rounded, digits), lang, sign)


def fixed(value: float, decimals: int, lang: str | None = None, sign: bool = False) -> str:
    """``value`` with ``decimals`` decimals (thousands grouped), ``+`` before a positive one if ``sign``."""
    if value is None or not math.isfinite(value):
        return "–"
    if round(value, decimals) == 0:
        value = 0.0  # no "-0,00" or "+0"
    text = f"{value:{'+' if sign and value else ''},.{decimals}f}"
    return localize(text, lang)


def percent(value: float, lang: str | None = None, digits: int = DIGITS, sign: bool = False) -> str:
    """``value`` (already in percent) with ``digits`` significant figures and the percent sign."""
    if value is None or not math.isfinite(value):
        return "–"
    return significant(value, lang, digits, sign) + (" %" if lang == "da" else "%")


def share(probability: float, lang: str | None = None) -> str:
    """A probability (0 to 1) as a whole percent; "<1 %" and ">99 %" rather than rounding to 0 or 100."""
    if probability is None or not math.isfinite(probability):
        return "–"
    sign = " %" if lang == "da" else "%"
    if 0 < probability < 0.005:
        return "<1" + sign
    if 0.995 <= probability < 1:
        return ">99" + sign
    return f"{round(100 * probability)}{sign}"


def chance(probability: float, lang: str | None = None) -> str:
    """A probability (0 to 1) as a percent with two significant figures, a number a spreadsheet reads:
    only 0 and 1 are shown as 0 and 100 % (0.996 is "99,6 %"), where :func:`share` writes "<1 %", ">99 %"."""
    if probability is None or not math.isfinite(probability):
        return "–"
    digits = DIGITS
    while 0 < probability < 1 and float(f"{100 * probability:.{digits}g}") >= 100:
        digits += 1
    return percent(100 * probability, lang, digits)


def plain(value: float, lang: str | None = None) -> str:
    """A short number for an axis tick (``:g``), thousands grouped, in ``lang``'s forms."""
    text = f"{value:,.6g}" if abs(value) >= 1000 else f"{value:.6g}"
    return localize(text, lang)


def count(number: int, lang: str | None = None) -> str:
    """A whole number of things, thousands grouped: ``count(1000, "da")`` is "1.000", in English "1,000"."""
    return fixed(number, 0, lang)


def localize(text: str, lang: str | None) -> str:
    """English number text (``1,234.5``) in ``lang``'s forms (Danish: ``1.234,5``)."""
    if lang != "da":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
