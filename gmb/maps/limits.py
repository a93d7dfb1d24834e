"""The limits on what gmb reads, in one place: file sizes, YAML anchors and nesting, warning lines.

A hostile or broken file (a gigabyte of CSV, a zip bomb posing as a spreadsheet, YAML nested a
thousand levels deep) is refused with a one-line error instead of costing minutes or gigabytes.
The caps are far above any causal loop diagram a group builds by hand.

Example
-------
>>> size_refused(30 * 2 ** 20, MAX_FILE_BYTES)
'is 30.0 MB, more than the 20 MB gmb reads from one file; check that it is the right file, or split it'
>>> summarise(["x.csv: a"] * 3 + ["x.csv: b"], limit=3)
['x.csv: a', 'x.csv: a', '... and 2 more warnings like these']
>>> shorten("é" * 10, 5)
'éé...'
"""

from __future__ import annotations

import re

import yaml

__all__ = ["YAMLRefused", "ANCHORS_REFUSED", "TOO_DEEP", "scan_yaml", "check_nesting", "size_refused", "shorten",
           "summarise", "examples", "MAX_FILE_BYTES", "MAX_RESULTS_BYTES", "MAX_UNPACKED_BYTES", "MAX_CELLS",
           "MAX_ROWS", "MAX_ITEMS", "MAX_EQUATIONS", "MAX_ENTRIES", "MAX_NODES", "MAX_DEPTH", "MAX_WARNING_CHARS",
           "MAX_WARNINGS", "MAX_EXAMPLES"]

MAX_FILE_BYTES = 20 * 2 ** 20
"""The largest file gmb reads: a map, scenario file, idea bank, workshop record, synonyms, or an import."""
MAX_RESULTS_BYTES = 1024 * 2 ** 20
"""The largest ``results.csv`` gmb reads back (its own output of ``gmb simulate``)."""
MAX_UNPACKED_BYTES = 50 * 2 ** 20
"""The most an ``.xlsx`` spreadsheet (a zip archive) may hold unpacked, all its parts together."""
MAX_CELLS = 200_000
"""The most cells (and shared texts) gmb reads from one spreadsheet; a Kumu map of 1,000 elements and
3,000 connections has about 30,000."""
MAX_ROWS = 100_000
"""The most rows gmb reads from one table (a CSV file, a sheet): a map of 100,000 links is unreadable anyway."""
MAX_ITEMS = 200_000
"""The most elements or values (XML tags, JSON objects, lists and commas) gmb parses from one file."""
MAX_EQUATIONS = 10_000
"""The most equations gmb reads from a Vensim or XMILE model (large published models have a few thousand)."""
MAX_ENTRIES = 100_000
"""The most variables and links (given, before merging duplicates) an import may hand over."""
MAX_NODES = 500_000
"""The most values (scalars, lists, mappings) in one YAML file: some 200 MB once composed; a map of
1,000 variables and 4,000 links has about 75,000."""
MAX_DEPTH = 100
"""The deepest nesting of lists and mappings in a YAML file."""
MAX_WARNING_CHARS = 300
"""The longest warning line; longer ones are cut with ``...``."""
MAX_WARNINGS = 20
"""The most warning lines one import reports; the rest are counted in a last line."""
MAX_EXAMPLES = 3
"""How many examples a summarised warning names."""


class YAMLRefused(yaml.YAMLError):
    """YAML that gmb does not read (anchors, aliases, deep nesting): ``reason`` and 1-based ``line``."""

    def __init__(self, reason: str, line: int | None):
        super().__init__(reason)
        self.reason, self.line = reason, line


ANCHORS_REFUSED = "YAML anchors and aliases (&name / *name) are not allowed in gmb files; write the value out"
TOO_DEEP = (f"nested too deeply (more than {MAX_DEPTH} levels of lists and mappings); "
            "a gmb file needs only a few, check the brackets and indentation")
_ANCHOR_OR_ALIAS = re.compile(r"(?:^|[\s\[{,:])[&*][^\s\[\]{},]")
"""Text that may hold an anchor or alias (or, e.g., ``*bold*`` in a note: the parser tells)."""
_EVENTS = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)
_SCAN_FROM = 256 * 1024
"""Texts longer than this are scanned for their number of values before they are composed (a node
costs some 400 bytes, so a short text cannot cost much)."""


def scan_yaml(text: str) -> None:
    """:class:`YAMLRefused` at the first anchor or alias in YAML ``text``, or when it holds more than
    :data:`MAX_NODES` values; reads only the parser's events (nothing is built), and only when the
    text is large or may hold an anchor.

    >>> scan_yaml("a: R&D *notes*\\nb: [x]")
    >>> scan_yaml("a: &x [1]\\nb: *x")
    Traceback (most recent call last):
    ...
    gmb.maps.limits.YAMLRefused: YAML anchors and aliases (&name / *name) are not allowed in gmb files; write the value out
    """
    if len(text) <= _SCAN_FROM and not _ANCHOR_OR_ALIAS.search(text):
        return
    nodes = 0
    for event in yaml.parse(text, Loader=_EVENTS):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise YAMLRefused(ANCHORS_REFUSED, event.start_mark.line + 1)
        nodes += isinstance(event, _NODE_EVENTS)
        if nodes > MAX_NODES:
            raise YAMLRefused(f"holds more than {MAX_NODES:,} values, more than gmb reads from a YAML file; "
                              "check that it is the right file, or split it", event.start_mark.line + 1)


def check_nesting(root: yaml.Node) -> None:
    """:class:`YAMLRefused` if a composed document nests deeper than :data:`MAX_DEPTH`, or reaches a
    list or mapping twice (an alias); visits each node once, without recursion."""
    seen: set[int] = set()
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            continue
        if id(node) in seen:
            raise YAMLRefused(ANCHORS_REFUSED, node.start_mark.line + 1)
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise YAMLRefused(TOO_DEEP, node.start_mark.line + 1)
        if isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
        else:
            stack.extend((x, depth + 1) for pair in node.value for x in pair)


def size_refused(size: int, cap: int, what: str = "gmb reads from one file", verb: str = "is") -> str:
    """The reason a file of ``size`` bytes is refused (larger than ``cap``), saying what to do."""
    shown = _megabytes(size)
    if shown == f"{cap / 2 ** 20:.1f} MB":  # just over the cap: say the bytes
        shown = f"{size:,} bytes"
    return (f"{verb} {shown}, more than the {_megabytes(cap, exact=True)} {what}; "
            "check that it is the right file, or split it")


def shorten(line: str, limit: int = MAX_WARNING_CHARS) -> str:
    """``line`` cut to ``limit`` characters (ending in ``...`` when cut)."""
    return line if len(line) <= limit else line[: max(limit - 3, 0)] + "..."


def summarise(lines: list[str], limit: int = MAX_WARNINGS) -> list[str]:
    """At most ``limit`` lines, each shortened: the first ones and a count of the rest."""
    lines = [shorten(line) for line in lines]
    if len(lines) <= limit:
        return lines
    return lines[: limit - 1] + [f"... and {len(lines) - limit + 1:,} more warnings like these"]


def examples(items: list[str], count: int | None = None, limit: int = MAX_EXAMPLES) -> str:
    """``items`` joined with commas, at most ``limit`` of them, then how many more (of ``count``).

    >>> examples(["a", "b", "c", "d", "e"])
    'a, b, c and 2 more'
    """
    count = len(items) if count is None else count
    shown = ", ".join(items[:limit])
    return shown if count <= limit else f"{shown} and {count - limit:,} more"


def _megabytes(size: int, exact: bool = False) -> str:
    mb = size / 2 ** 20
    return f"{mb:.0f} MB" if exact and mb == int(mb) else f"{mb:.1f} MB"
