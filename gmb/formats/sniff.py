"""Which tool wrote a ``.json`` file: node-link, Kumu, LOOPY, PRSM or Mental Modeler.

Each tool's JSON has a shape of its own: LOOPY an array of arrays; Kumu an object with
``elements``/``connections``; Mental Modeler ``concepts``; networkx node-link ``nodes`` with ``links``
(or ``edges``) joined by ``source``/``target``; PRSM ``nodes`` and ``edges`` joined by ``from``/``to``
(and keys such as ``mapTitle``, ``version``, ``styles``). A LOOPY model in its URL form (``[[[1,…%22…%5D``
or a whole ``?data=`` link) is LOOPY's, and text that lz-string decompresses to JSON (as PRSM saves its
maps) is PRSM's. An array or an object with ``nodes`` that fits
none of these goes to the node-link reader (the default for ``.json``), whose error says what is wrong;
anything else is refused with a request for ``--format``.

Example
-------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "map.json"
>>> _ = path.write_text('{"elements": [{"label": "Sleep"}], "connections": []}', encoding="utf-8")
>>> json_format(path)
'kumu'
"""

from __future__ import annotations

import os

from gmb.errors import GmbError
from gmb.formats.files import read_input
from gmb.formats.kumu import load_json
from gmb.formats.loopy import url_form
from gmb.formats.lzstring import decompress_from_utf16
from gmb.maps.store import decode_text

__all__ = ["json_format", "JSON_FORMATS"]

JSON_FORMATS = ("nodelink", "kumu", "loopy", "prsm", "mentalmodeler")
"""The formats whose files end in ``.json``."""


def json_format(path: str | os.PathLike) -> str:
    """The name of the format of a JSON file; :class:`GmbError` if its shape is none of them."""
    raw = read_input(path)
    text = decode_text(path, raw).strip()
    if url_form(text) is not None:
        return "loopy"
    if text[:1] not in ("{", "[") and (decompress_from_utf16(text) or "").lstrip()[:1] == "{":
        return "prsm"
    name = _shape(load_json(path, raw))
    if name is None:
        raise GmbError(f"{path}: cannot tell which tool wrote this JSON file (it is not shaped like node-link, "
                       "Kumu, LOOPY, PRSM or Mental Modeler JSON); give --format "
                       f"({', '.join(JSON_FORMATS)})")
    return name


def _shape(data) -> str | None:
    if isinstance(data, list):  # not LOOPY's: node-link's reader says what is wrong
        return "loopy" if len(data) >= 2 and all(isinstance(part, list) for part in data[:2]) else "nodelink"
    if not isinstance(data, dict):
        return None
    if "elements" in data or "connections" in data:
        return "kumu"
    if "concepts" in data:
        return "mentalmodeler"
    if "nodes" not in data:
        return None
    links = data.get("links", data.get("edges"))
    first = links[0] if isinstance(links, list) and links and isinstance(links[0], dict) else {}
    if {"source", "target"} & set(first) or {"directed", "multigraph", "graph"} & set(data):
        return "nodelink"
    if {"from", "to"} & set(first) or {"mapTitle", "version", "styles", "samples", "room"} & set(data):
        return "prsm"
    return "nodelink"  # nodes without links: node-link's reader says what is wrong, if anything
