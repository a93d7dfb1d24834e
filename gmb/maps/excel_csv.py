"""The CSV dialects gmb writes, so that Excel opens every file right: a byte-order mark, the language's
separator, and text that never runs as a formula.

Every CSV file gmb writes starts with a UTF-8 byte-order mark (Excel then shows æ, ø, å). Tables for
people (:func:`people_csv`: ``summary.csv``, the centrality table, ``leverage.csv`` and its kin) follow
the output language: Danish gets ``;`` between cells and numbers with a decimal comma, as Danish Excel
expects; other languages ``,`` and a decimal point. Their column names are in that language
(:data:`COLUMNS`) and their numbers arrive written for people (:class:`Figure`, made with
:mod:`gmb.render.numbers`). Analysts' tables (:func:`csv_text`: ``results.csv``, ``bands.csv``, exported
maps) keep ``,``, their column keys and every number in full (``repr``). In both, a text cell that a
spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return) gets a leading ``'`` and shows as text (:func:`safe_text`); a cell that is only ``+`` or ``-``
(a link's polarity) is no formula and stays, and numbers are never touched. gmb's importers take the
``'`` off again (:func:`unescape`). :func:`same_columns` tells whether two files have one table's header
in any language, which is how :mod:`gmb.maps.outpaths` knows a CSV file as gmb's.

Example
-------
>>> text = people_csv(["label", "change"], [['=HYPERLINK("x")', Figure("+0,054")], ["Søvn", None]], "da")
>>> text.splitlines()
['\\ufeffnavn;ændring', '"\\'=HYPERLINK(""x"")";+0,054', 'Søvn;']
>>> csv_text(["scenario", "value"], [["-1+1", -0.5]]).splitlines()[1]
"'-1+1,-0.5"
>>> unescape("'-1+1"), unescape("'tis"), same_columns(text, people_csv(["label", "change"], [], "en"))
('-1+1', "'tis", True)
"""

from __future__ import annotations

import csv
import io
import re
from typing import Iterable, Sequence

__all__ = ["BOM", "COLUMNS", "Figure", "figure", "delimiter", "safe_text", "unescape", "csv_text", "people_csv",
           "same_columns"]

BOM = "\ufeff"
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"'+[=+\-@\t\r]")

COLUMNS = {
    # summary.csv
    "outcome": ("udfald-id", "outcome id"), "outcome_label": ("udfald", "outcome"),
    "scenario": ("scenarie-id", "scenario id"), "scenario_label": ("scenarie", "scenario"),
    "baseline": ("udgangspunkt", "baseline"), "value": ("værdi", "value"), "change": ("ændring", "change"),
    "percent": ("ændring %", "change %"), "note": ("note", "note"),
    "offer": ("slags tiltag", "kind of action"), "gap": ("forskel", "gap"),
    "gap_change": ("ændring i forskel", "change of gap"), "ratio": ("forhold", "ratio"),
    "ratio_change": ("ændring i forhold", "change of ratio"), "gap_verdict": ("forskellen bliver", "the gap"),
    "gap_median": ("ændring i forskel (median)", "change of gap (median)"),
    "gap_p05": ("ændring i forskel 5 %", "change of gap 5%"),
    "gap_p95": ("ændring i forskel 95 %", "change of gap 95%"),
    "p_narrows": ("P(mindsker forskellen)", "P(narrows the gap)"), "gap_rank": ("nr efter forskel", "rank by gap"),
    "gap_quadrant": ("gennemsnit og forskel", "average and gap"),
    # the centrality table, leverage.csv, ideas.csv
    "id": ("id", "id"), "label": ("navn", "name"),
    "in_degree": ("ind-grad", "in-degree"), "out_degree": ("ud-grad", "out-degree"), "degree": ("grad", "degree"),
    "betweenness": ("mellemhed", "betweenness"), "closeness": ("nærhed", "closeness"),
    "reach": ("rækkevidde", "reach"), "loops": ("løkker", "loops"),
    "group": ("gruppe", "group"), "rank": ("nr", "rank"), "direction": ("retning", "direction"),
    "effect": ("effekt", "effect"), "effect_p05": ("effekt 5 %", "effect 5%"),
    "effect_p95": ("effekt 95 %", "effect 95%"), "p_direction": ("P(rigtig retning)", "P(right direction)"),
    "p_top3": ("P(top 3)", "P(top 3)"), "press_rank": ("press-rang", "press rank"),
    "feasibility": ("gennemførlighed", "feasibility"), "cost": ("omkostning", "cost"),
    "working_group": ("arbejdsgruppe", "working group"), "pareto": ("på fronten", "on the front"),
    # pairwise.csv, synergy.csv
    "a": ("A-id", "A id"), "a_label": ("A", "A"), "a_direction": ("A retning", "A direction"),
    "b": ("B-id", "B id"), "b_label": ("B", "B"), "b_direction": ("B retning", "B direction"),
    "p_a_more": ("P(A større)", "P(A larger)"), "p_b_more": ("P(B større)", "P(B larger)"),
    "p_tie": ("P(lige)", "P(tie)"), "samples": ("udgaver", "versions"),
    "combined": ("sammen", "together"), "sum": ("summen", "sum"), "synergy": ("synergi", "synergy"),
    "p05": ("synergi 5 %", "synergy 5%"), "p95": ("synergi 95 %", "synergy 95%"),
    "p_positive": ("P(synergi > 0)", "P(synergy > 0)"), "verdict": ("konklusion", "verdict"),
    # sensitivity.csv
    "factor": ("vurdering-id", "judgement id"), "text": ("vurdering", "judgement"),
    "mu_star": ("μ* (procentpoint)", "μ* (percentage points)"), "sigma": ("σ (procentpoint)", "σ (percentage points)"),
    "ST": ("ST", "ST"), "S1": ("S1", "S1"), "moves": ("flytter mest (id)", "moves most (id)"),
    "moves_label": ("flytter mest", "moves most"),
}
"""The columns of the tables for people: key → (Danish name, name in every other language)."""
_KEYS = {name: key for key, names in COLUMNS.items() for name in names}


class Figure(str):
    """A number already written for people (``+0,054``, ``5,4 %``): a spreadsheet reads it as a number,
    so it is never escaped as text."""


def figure(text: str | None) -> Figure | None:
    """``text`` (from :mod:`gmb.render.numbers`) as a :class:`Figure`; None, an empty cell, for a missing
    number ("–")."""
    return None if text in (None, "–") else Figure(text)


def delimiter(lang: str | None) -> str:
    """The separator of a table for people in ``lang``: ``;`` for Danish, ``,`` for every other language."""
    return ";" if lang == "da" else ","


def safe_text(text: str) -> str:
    """``text`` as a spreadsheet shows it, never runs it: a leading ``'`` before a formula's first character
    (also before ``'=…``, so that :func:`unescape` restores it); a lone ``+`` or ``-`` stays."""
    return "'" + text if _FORMULA.match(text) and text not in ("+", "-") else text


def unescape(text: str) -> str:
    """The text :func:`safe_text` was given: one leading ``'`` before a formula's first character dropped."""
    return text[1:] if _ESCAPED.match(text) else text


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Figure):
        return str(value)
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    raise TypeError(f"a CSV cell must be text or a number, not {type(value).__name__}")


def csv_text(header: Sequence[str], rows: Iterable[Sequence], separator: str = ",", newline: str = "\n") -> str:
    """CSV text with a byte-order mark: text cells made safe, numbers in full (``repr``), None empty."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator=newline)
    writer.writerow([safe_text(name) for name in header])
    writer.writerows([_cell(value) for value in row] for row in rows)
    return BOM + out.getvalue()


def people_csv(keys: Sequence[str], rows: Iterable[Sequence], lang: str | None) -> str:
    """A table for people in ``lang``: column names of :data:`COLUMNS` (a key it does not have is the name
    itself, e.g. a group's label), the language's separator; its numbers must be :class:`Figure` or whole
    numbers (a float is refused: write it for people first)."""
    rows = list(rows)
    for row in rows:
        for value in row:
            if isinstance(value, float):
                raise TypeError(f"{value!r}: write a number for people as a Figure (gmb.render.numbers)")
    header = [COLUMNS[key][0 if lang == "da" else 1] if key in COLUMNS else key for key in keys]
    return csv_text(header, rows, delimiter(lang))


def same_columns(first: bytes | str, second: bytes | str) -> bool:
    """Whether two CSV texts start with the same header row, in any language and either separator."""
    return _columns(first) is not None and _columns(first) == _columns(second)


def _columns(data: bytes | str) -> tuple[str, ...] | None:
    """The header row's columns as keys of :data:`COLUMNS` where they are names of one; None if it has none."""
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    line = data.removeprefix(BOM).split("\n", 1)[0].rstrip("\r")
    if not line:
        return None
    cells = max((next(csv.reader([line], delimiter=d)) for d in (",", ";")), key=len)
    return tuple(_key(unescape(cell)) for cell in cells)


def _key(name: str) -> str:
    """A column name's key; a name made of a known column and a label (``værdi: Øvrige børn``, a group's
    value in ``summary.csv``) is known by its column (``value:``), in either language."""
    if name in _KEYS:
        return _KEYS[name]
    head, sep, _ = name.partition(": ")
    return f"{_KEYS[head]}:" if sep and head in _KEYS else name
