"""YAML text for map files: a readable house style, and edits that keep everything untouched.

An edit rewrites only the entries whose data changed: comments, key order, quoting and spacing of
everything else stay byte for byte. It works on the text with the positions the (C-accelerated)
PyYAML composer reports, which is far faster than a round-trip parser. Where the text of an entry
has a shape the splicer does not handle (e.g. a list item whose ``- `` stands alone on its line),
that entry is written afresh in the house style. New lines take the line ending the text uses
(``\r\n`` or ``\n``).

Anchors and aliases (``&name``, ``*name``) are refused, as is nesting deeper than
:data:`~gmb.maps.limits.MAX_DEPTH`: a few hundred bytes of aliases can expand to gigabytes, and
nothing in a gmb file needs them (:class:`~gmb.maps.limits.YAMLRefused`, before any data is built);
so are files of more than :data:`~gmb.maps.limits.MAX_NODES` values.

Example
-------
>>> text = "# my map\\ntitle: Før   # kept\\nvariables:\\n  a: {label: A}\\n"
>>> print(update_text(text, {"title": "Før", "variables": {"a": {"label": "A"}, "b": {"label": "B"}}}), end="")
# my map
title: Før   # kept
variables:
  a: {label: A}
  b:
    label: B
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from gmb.maps.limits import TOO_DEEP, YAMLRefused, check_nesting, scan_yaml

__all__ = ["dump_text", "update_text", "parse_text", "Loader", "YAMLRefused"]



class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """PyYAML's safe loader (C parser where available) with a fast path for plain text scalars."""

    _maybe_typed = frozenset(k for k in yaml.SafeLoader.yaml_implicit_resolvers if k)

    _plain_tags: dict[str, str] = {}

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0]:
            if not value or value[0] not in self._maybe_typed:
                return _STR if value else super().resolve(kind, value, implicit)
            tag = self._plain_tags.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(self._plain_tags) < 100_000:
                    self._plain_tags[value] = tag
            return tag
        return super().resolve(kind, value, implicit)

_STR = "tag:yaml.org,2002:str"
_LINE_BREAKS = "\n\r\x85\u2028\u2029"
"""What YAML reads as a line break: text holding one is written double-quoted, escaped."""
_SEQUENCE_ITEM = re.compile(r"\s*-\s+$")


TABS = "tabs are not allowed for indentation in YAML; indent with spaces (e.g. two per level)"


def _tab_indented(text: str, upto: int | None) -> int | None:
    """The first line (1-based, up to line ``upto``) whose indentation holds a tab, if any.

    >>> _tab_indented("a:\\n  b: 1\\n \\tc: 2\\n", 3)
    3
    """
    for number, line in enumerate(text.splitlines()[:upto], start=1):
        if "\t" in line[: len(line) - len(line.lstrip(" \t"))]:
            return number
    return None


def parse_text(text: str) -> tuple[yaml.Node | None, Any]:
    """Compose and construct a YAML document: ``(root node with positions, plain data)``.

    Raises :class:`YAMLRefused` for anchors, aliases, deep nesting or too many values, before
    building any data.
    """
    loader = Loader(text)
    try:
        try:
            scan_yaml(text)
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:  # libyaml stops at 1,000 levels
            if "nesting depth" in str(exc.problem):
                raise YAMLRefused(TOO_DEEP, exc.problem_mark.line + 1) from None
            tabbed = _tab_indented(text, exc.problem_mark.line + 1 if exc.problem_mark else None)
            if tabbed:
                raise YAMLRefused(TABS, tabbed) from None
            raise
        if node is None:
            return None, None
        check_nesting(node)
        try:
            return node, _construct(node, loader)
        except TypeError:  # an unhashable key: let PyYAML say where
            return node, loader.construct_document(node)
    finally:
        loader.dispose()


def _construct(node: yaml.Node, loader) -> Any:
    """Plain data from a node, like ``SafeLoader`` but several times faster for maps of text."""
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _STR else loader.construct_object(node)
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, loader) for item in node.value]
    if isinstance(node, yaml.MappingNode) and not any(k.tag == "tag:yaml.org,2002:merge" for k, _ in node.value):
        return {_construct(k, loader): _construct(v, loader) for k, v in node.value}
    return loader.construct_object(node, deep=True)


def dump_text(data: dict) -> str:
    """The whole document in the house style (block sections, one flow line per link)."""
    return "".join(_emit_entry(key, value, 0, (key,)) for key, value in data.items())


def update_text(text: str, new: dict, parsed: tuple[yaml.Node, Any] | None = None) -> str:
    """``text`` edited so that it reads as ``new``, changing only the entries that differ.

    ``parsed`` is ``parse_text(text)`` when the caller has it already. New lines end as the
    text's first line does (``\r\n`` or ``\n``).
    """
    newline = "\r\n" if text.find("\n") > 0 and text[text.find("\n") - 1] == "\r" else "\n"
    try:
        root, old = parsed or parse_text(text)
    except yaml.YAMLError:
        root = old = None
    if (not isinstance(root, yaml.MappingNode) or root.flow_style or not isinstance(old, dict)
            or ("*" in text and _has_alias(root))):  # an alias shares its anchor's text: no safe local edit
        return dump_text(new).replace("\n", newline)
    splicer = _Splicer(text)
    if not splicer.mapping(root, old, new, ()):
        return dump_text(new).replace("\n", newline)
    return splicer.result(newline)


# -- house style ----------------------------------------------------------------------------

def _is_block(path: tuple, value: Any) -> bool:
    """Top-level sections and each variable are block collections; everything deeper is flow."""
    if not isinstance(value, (dict, list)) or not value:
        return False
    if len(path) == 1:
        return isinstance(value, dict) or any(isinstance(x, (dict, list)) for x in value)
    return len(path) == 2 and path[0] == "variables" and isinstance(value, dict)


class _Dumper(yaml.SafeDumper):
    """Quotes polarity signs ("+") and keeps text with line breaks on one line (as ``\\n``)."""

    def represent_str(self, data: str) -> yaml.Node:
        style = '"' if data in ("+", "-", "?") or any(ch in _LINE_BREAKS for ch in data) else None
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _Dumper.represent_str)


def _flow(value: Any) -> str:
    text = yaml.dump(value, Dumper=_Dumper, default_flow_style=True, allow_unicode=True,
                     sort_keys=False, width=2 ** 31)
    if text.endswith("\n...\n"):
        text = text[:-5]
    return text.rstrip("\n")


def _emit_entry(key: Any, value: Any, indent: int, path: tuple) -> str:
    pad = " " * indent
    if not _is_block(path, value):
        return f"{pad}{_flow(key)}: {_flow(value)}\n"
    return f"{pad}{_flow(key)}:\n" + _emit_block(value, indent + 2, path)


def _emit_block(value: dict | list, indent: int, path: tuple) -> str:
    if isinstance(value, dict):
        return "".join(_emit_entry(k, v, indent, path + (k,)) for k, v in value.items())
    return "".join(_emit_item(item, indent) for item in value)


def _emit_item(item: Any, indent: int) -> str:
    return f"{' ' * indent}- {_flow(item)}\n"


# -- splicing -------------------------------------------------------------------------------

class _Splicer:
    """Collects (start, end, replacement) edits on the original text."""

    def __init__(self, text: str):
        self.text = text
        self.edits: list[tuple[int, int, str]] = []

    def result(self, newline: str = "\n") -> str:
        """The text with the edits made; the lines they add end with ``newline``."""
        out = self.text
        order = sorted(range(len(self.edits)), reverse=True,
                       key=lambda i: (self.edits[i][0], self.edits[i][1] > self.edits[i][0], i))
        for start, end, new in (self.edits[i] for i in order):
            out = out[:start] + new.replace("\n", newline) + out[end:]
        return out

    # positions
    def _line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def _line_end(self, index: int) -> int:
        end = self.text.find("\n", index)
        return len(self.text) if end < 0 else end + 1

    def _content_end(self, node: yaml.Node) -> int:
        """The end of the last line holding the node's content (not trailing comments or blanks)."""
        end = node.end_mark.index
        if not isinstance(node, yaml.ScalarNode) and node.flow_style:
            return self._line_end(end - 1)
        if isinstance(node, yaml.ScalarNode) and node.style not in ("|", ">"):
            return self._line_end(max(end - 1, node.start_mark.index))
        pos = end
        while pos > node.start_mark.index:
            start = self._line_start(pos - 1)
            stripped = self.text[start:pos].strip()
            if stripped and not stripped.startswith("#"):
                return self._line_end(start)
            pos = start
        return self._line_end(node.start_mark.index)

    def _insert(self, at: int, text: str) -> None:
        if at == len(self.text) and self.text and not self.text.endswith("\n"):
            text = "\n" + text
        self.edits.append((at, at, text))

    # mappings
    def mapping(self, node: yaml.MappingNode, old: dict, new: dict, path: tuple, item: bool = False) -> bool:
        """Splice a block mapping; ``item``: it is a list item, whose first key may follow the ``- ``."""
        pairs, dashed = {}, False
        for n, (knode, vnode) in enumerate(node.value):
            if not isinstance(knode, yaml.ScalarNode):
                return False
            line_start = self._line_start(knode.start_mark.index)
            prefix = self.text[line_start:knode.start_mark.index]
            if prefix.strip():
                if not (item and n == 0 and _SEQUENCE_ITEM.fullmatch(prefix)):
                    return False
                dashed = True
            pairs[_key_of(knode, old)] = (line_start, knode, vnode)
        if set(pairs) != set(old) or not old:
            return False
        first = next(iter(old))
        previous_end = pairs[first][0]
        if dashed:  # the first key's line holds the "- ": that key stays, its value may change in place
            if first not in new or not (_same(old[first], new[first]) or (
                    _inline(pairs[first][2]) and not _is_block(path + (first,), new[first]))):
                return False
            previous_end = self._content_end(pairs[first][2])
        indent = node.start_mark.column
        old_keys, cursor = list(old), 0
        position = {k: i for i, k in enumerate(old_keys)}
        for key, value in new.items():
            if key not in old:
                at = previous_end
                if cursor < len(old_keys) and old_keys[cursor] not in new:
                    # it takes the place of the removed key that stood here: a renamed variable
                    # keeps its position and the comment above it
                    gone = pairs[old_keys[cursor]]
                    at, previous_end, cursor = gone[0], self._content_end(gone[2]), cursor + 1
                self._insert(at, _emit_entry(key, value, indent, path + (key,)))
                continue
            cursor = max(cursor, position[key] + 1)
            line_start, knode, vnode = pairs[key]
            entry_end = self._content_end(vnode)
            if not _same(old[key], value):
                self._change(line_start, entry_end, vnode, key, old[key], value, indent, path + (key,))
            previous_end = entry_end
        for key in old.keys() - new.keys():
            line_start, _, vnode = pairs[key]
            self.edits.append((line_start, self._content_end(vnode), ""))
        return True

    def _change(self, line_start, entry_end, vnode, key, old, new, indent, path) -> None:
        block_node = not _inline(vnode)
        if block_node and isinstance(old, dict) and isinstance(new, dict) and new:
            if self.mapping(vnode, old, new, path):
                return
        elif block_node and isinstance(old, list) and isinstance(new, list) and new:
            if self.sequence(vnode, old, new, path):
                return
        elif not block_node and not _is_block(path, new):
            self.edits.append((vnode.start_mark.index, vnode.end_mark.index, _flow(new)))
            return
        self.edits.append((line_start, entry_end, _emit_entry(key, new, indent, path)))

    # sequences
    def sequence(self, node: yaml.SequenceNode, old: list, new: list, path: tuple) -> bool:
        spans = []
        for item in node.value:
            line_start = self._line_start(item.start_mark.index)
            if not _SEQUENCE_ITEM.fullmatch(self.text[line_start:item.start_mark.index]):
                return False
            spans.append((line_start, self._content_end(item), item))
        if len(spans) != len(old) or not spans:
            return False
        indent = self.text.index("-", spans[0][0]) - spans[0][0]   # the column of the first "-"
        old_ids, new_ids = _identities(old), _identities(new)
        if not _same_order(old_ids, new_ids):
            return False
        old_index = {k: i for i, k in enumerate(old_ids)}
        gone = set(old_ids) - set(new_ids)
        matched: set[int] = set()
        previous_end, cursor = spans[0][0], 0
        for ident, item in zip(new_ids, new):
            i = old_index.get(ident)
            if i is None and cursor < len(old) and old_ids[cursor] in gone:
                i = cursor   # the same item, changed (e.g. a link whose variable was renamed)
            if i is None:
                self._insert(previous_end, _emit_item(item, indent))
                continue
            matched.add(i)
            cursor = i + 1
            line_start, end, inode = spans[i]
            if not _same(old[i], item):
                if _inline(inode):
                    self.edits.append((inode.start_mark.index, inode.end_mark.index, _flow(item)))
                elif not (isinstance(inode, yaml.MappingNode) and isinstance(item, dict) and isinstance(old[i], dict)
                          and item and self.mapping(inode, old[i], item, path + (i,), item=True)):
                    self.edits.append((line_start, end, _emit_item(item, indent)))
            previous_end = end
        for i, (line_start, end, _) in enumerate(spans):
            if i not in matched:
                self.edits.append((line_start, end, ""))
        return True


def _has_alias(root: yaml.Node) -> bool:
    """Whether a node is reached twice (PyYAML composes ``*name`` as the anchored node itself)."""
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(x for pair in node.value for x in pair)
    return False


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same types: ``1``, ``1.0`` and ``true`` differ (``==`` says they are equal)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return ({(type(k), k) for k in a} == {(type(k), k) for k in b}
                and all(_same(value, b[key]) for key, value in a.items()))
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, float):  # -0.0 == 0.0, but they are written differently
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return a == b


def _same_order(old: list, new: list) -> bool:
    """Whether the items found in both lists come in the same order (the splicer cannot move text)."""
    kept = set(old) & set(new)
    return [x for x in old if x in kept] == [x for x in new if x in kept]


def _inline(node: yaml.Node) -> bool:
    """Whether the node's text lies within its start and end marks (flow style, or a one-line scalar)."""
    if isinstance(node, yaml.ScalarNode):
        return node.style not in ("|", ">")
    return bool(node.flow_style)


def _key_of(knode: yaml.ScalarNode, old: dict) -> Any:
    """The constructed key for a key node (``1`` for ``1:``, ``'x'`` for ``x:``)."""
    if knode.value in old or knode.style is not None:
        return knode.value
    value = yaml.load(knode.value, Loader=Loader)
    return value if value in old else knode.value


def _identities(items: list) -> list[tuple]:
    """A stable identity per list item: links by (from, to), other items by their value."""
    seen: dict[tuple, int] = {}
    out = []
    for item in items:
        if isinstance(item, dict) and "from" in item and "to" in item:
            base = ("link", repr(item.get("from")), repr(item.get("to")))
        else:
            base = ("value", repr(item))
        seen[base] = seen.get(base, 0) + 1
        out.append(base + (seen[base],))
    return out
