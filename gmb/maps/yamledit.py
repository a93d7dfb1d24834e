"""Editing a user's YAML file (a scenario file, an idea bank) the way map edits are made.

:func:`edit_yaml` reads the file under the lock of :func:`~gmb.maps.store.locked`, lets a function
change a copy of its data, writes the text back with :func:`~gmb.maps.yamltext.update_text` (so
comments and formatting of everything untouched stay byte for byte), checks the result with the
file's own reader, and replaces the file in one step. When anything is wrong the file is left
byte-identical and a one-line :class:`~gmb.errors.MapEditError` says why.

An entry added with :meth:`YAMLEdit.add_block` is written as a block (one key a line, lists one item
a line), as a person would write a scenario or an idea; everything inside it is flow style.

Example
-------
>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "plan.yaml"
>>> _ = path.write_text("# my plan\\nitems:\\n  a: {size: 1}   # kept\\n", encoding="utf-8")
>>> def grow(edit):
...     edit.add_block(edit.data["items"], "b", {"size": 2, "parts": [{"sign": "+"}]})
>>> edit_yaml(path, grow, check=lambda text: None)
>>> print(path.read_text(encoding="utf-8"), end="")
# my plan
items:
  a: {size: 1}   # kept
  b:
    size: 2
    parts:
      - {sign: "+"}
>>> suggest("sise", ["size", "parts"])
"; did you mean 'size'?"
"""

from __future__ import annotations

import codecs
import copy
import difflib
import os
import uuid
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from gmb.errors import MapEditError, MapFileError
from gmb.maps.store import atomic_write, decode_text, locked, read_bytes, yaml_syntax_named
from gmb.maps.yamltext import parse_text, update_text

__all__ = ["YAMLEdit", "edit_yaml", "parse_named", "suggest", "flow"]


class YAMLEdit:
    """The data of a file being edited (``data``, a copy to change) and the block entries to add."""

    def __init__(self, data: Any):
        self.data = copy.deepcopy(data)
        self.blocks: dict[str, dict] = {}

    def add_block(self, mapping: dict, key: str, value: dict) -> None:
        """Add ``key: value`` to ``mapping`` (a part of ``data``), written as a block entry."""
        token = f"gmb-new-entry-{uuid.uuid4().hex}"
        mapping[key] = token
        self.blocks[token] = value


def edit_yaml(path: str | os.PathLike, change: Callable[[YAMLEdit], None], check: Callable[[str], None],
              create: str | None = None) -> None:
    """Change the YAML file ``path`` with ``change(edit)``; ``check(text)`` reads a text as the file's
    reader does and raises :class:`MapFileError` if it is wrong. With ``create`` (a starting text),
    a missing file is created from it; otherwise a missing file is an error."""
    path = Path(path)
    with locked(path):
        if create is not None and not path.exists():
            old, bom = None, False
            text = create
        else:
            raw = read_bytes(path, missing="check the path")
            old, bom = decode_text(path, raw), raw.startswith(codecs.BOM_UTF8)
            text = old
        if old is not None:
            try:
                check(old)
            except MapFileError as exc:
                raise MapFileError(exc.path, f"{exc.reason}; fix this by hand before editing", exc.line) from None
        root, data = parse_named(path, text)
        edit = YAMLEdit(data)
        change(edit)
        new = _with_blocks(update_text(text, edit.data, parsed=(root, data)), edit.blocks)
        try:
            check(new)
        except MapFileError as exc:
            raise MapEditError(f"{path}: not saved, the edit would make the file wrong: {exc.reason}") from None
        if new != old:
            atomic_write(path, "\ufeff" * bom + new)


def parse_named(path: str | os.PathLike, text: str) -> tuple[yaml.Node | None, Any]:
    """``parse_text(text)``, with a syntax error named as a line of ``path``."""
    with yaml_syntax_named(path):
        return parse_text(text)


def suggest(name: str, known: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the close matches of ``name`` among ``known``, or ``""``."""
    close = difflib.get_close_matches(str(name), [str(k) for k in known], n=2, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


class _Dumper(yaml.SafeDumper):
    """Quotes polarity signs, so that ``"+"`` reads back as text."""

    def represent_str(self, data: str) -> yaml.Node:
        style = '"' if data in ("+", "-", "?") or "\n" in data else None
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _Dumper.represent_str)


def flow(value: Any) -> str:
    """``value`` as one line of flow-style YAML: ``flow({"sign": "+"})`` is ``'{sign: "+"}'``."""
    text = yaml.dump(value, Dumper=_Dumper, default_flow_style=True, allow_unicode=True, sort_keys=False,
                     width=2 ** 31)
    return text[:-5] if text.endswith("\n...\n") else text.rstrip("\n")


def _block(value: dict, indent: int) -> str:
    pad = " " * indent
    lines = []
    for key, item in value.items():
        if isinstance(item, list) and item:
            lines.append(f"{pad}{flow(key)}:\n" + "".join(f"{pad}  - {flow(x)}\n" for x in item))
        else:
            lines.append(f"{pad}{flow(key)}: {flow(item)}\n")
    return "".join(lines)


def _with_blocks(text: str, blocks: dict[str, dict]) -> str:
    """The text with each placeholder line ``KEY: TOKEN`` made a block entry of its value."""
    newline = "\r\n" if "\r\n" in text else "\n"
    for token, value in blocks.items():
        at = text.index(token)
        start = text.rfind("\n", 0, at) + 1
        indent = len(text[start:at]) - len(text[start:at].lstrip(" "))
        end = at + len(token)
        body = _block(value, indent + 2).replace("\n", newline)
        if text.startswith(newline, end):
            text = text[:at].rstrip(" ") + newline + body + text[end + len(newline):]
        else:  # the end of the file, or the token stands inside a flow collection
            text = text[:at] + flow(value) + text[end:] if end < len(text) else \
                text[:at].rstrip(" ") + newline + body
    return text
