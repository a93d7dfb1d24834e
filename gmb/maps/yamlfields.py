"""Reading a user's YAML file field by field, so that every mistake names the file and the line.

Scenario files and idea banks are read this way: each value comes with its YAML node, whose mark
gives the line of a one-line :class:`~gmb.errors.MapFileError`.

Example
-------
>>> import tempfile, pathlib
>>> from gmb.maps.store import read_yaml
>>> path = pathlib.Path(tempfile.mkdtemp()) / "plan.yaml"
>>> _ = path.write_text("horizon: 12\\nhorizn: 24\\n", encoding="utf-8")
>>> reader = FieldReader(path)
>>> root, data = read_yaml(path)
>>> reader.mapping(root, data, ("horizon",), "the file")
Traceback (most recent call last):
...
gmb.errors.MapFileError: ...plan.yaml:2: unknown key 'horizn' in the file (known: horizon)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator, NoReturn

import yaml

from gmb.errors import MapFileError

__all__ = ["FieldReader", "repeated_keys"]


class FieldReader:
    """Reads the fields of one file; ``item`` (e.g. ``"scenario 'walk'"``), while set, starts every message."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.item: str | None = None

    def fail(self, node: yaml.Node | None, message: str) -> NoReturn:
        """Raise a :class:`MapFileError` at ``node``'s line."""
        where = f"{self.item}: " if self.item else ""
        raise MapFileError(self.path, where + message, line=node.start_mark.line + 1 if node else None)

    def mapping(self, node: yaml.MappingNode, data: dict, known: tuple[str, ...] | None, what: str) -> dict[str, tuple]:
        """``{key: (value node, value)}`` of a mapping; keys not ``known`` (unless None) or repeated are errors."""
        seen: set[str] = set()
        for knode, _ in node.value:  # before pairing with ``data``, which keeps only the last of a repeated key
            if not isinstance(knode, yaml.ScalarNode):
                self.fail(knode, f"a key in {what} must be a name")
            if knode.value in seen:
                self.fail(knode, f"{knode.value!r} appears twice in {what}; keep one")
            seen.add(knode.value)
        if len(data) != len(node.value):  # two spellings of one key, e.g. true and True
            self.fail(node, f"two keys in {what} mean the same to YAML (e.g. true and True); keep one")
        fields: dict[str, tuple] = {}
        for (knode, vnode), value in zip(node.value, data.values()):
            if known is not None and knode.value not in known:
                self.fail(knode, f"unknown key {knode.value!r} in {what} (known: {', '.join(known)})")
            fields[knode.value] = (vnode, value)
        return fields


def repeated_keys(node: yaml.Node) -> Iterator[tuple[yaml.Node, int]]:
    """``(key node, line of its first use)`` for each key repeated in a mapping within ``node``."""
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            keys = [(k.tag, k.value) for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
            if len(set(keys)) != len(keys):
                first: dict[tuple, int] = {}
                for knode, _ in node.value:
                    if isinstance(knode, yaml.ScalarNode):
                        key = (knode.tag, knode.value)
                        if key in first:
                            yield knode, first[key]
                        else:
                            first[key] = knode.start_mark.line + 1
            stack.extend(v for _, v in node.value)
