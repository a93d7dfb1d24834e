"""CausalMap: a causal loop diagram as a ``networkx.DiGraph`` plus the map's metadata.

Variables are the graph's nodes, links its edges. Node and edge attributes are exactly the keys of
the map file (``label``, ``theme``, ``kind``, ``polarity``, ``strength``, …), so a researcher can
hand ``cmap.graph`` to any networkx algorithm. Everything else in gmb reads and edits maps
through this class.

Example
-------
>>> cmap = CausalMap.new("Børns mentale sundhed")
>>> cmap.add_variable("screen_time", {"da": "Skærmtid", "en": "Screen time"})
>>> cmap.add_variable("sleep", {"da": "Søvn", "en": "Sleep"})
>>> cmap.add_link("screen_time", "sleep", "-", strength="medium")
('screen_time', 'sleep')
>>> cmap.resolve("SKÆRMTID"), cmap.label("sleep", "en")
('screen_time', 'Sleep')
>>> cmap.graph.edges["screen_time", "sleep"]["polarity"]
'-'
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Iterator

import networkx as nx

from gmb.errors import MapEditError, UnknownVariableError
from gmb.maps.cycles import Adjacency, cycles
from gmb.maps.editchecks import check_color, check_keys
from gmb.maps.loopids import LOOP_ID, loop_id
from gmb.maps.schema import DEFAULT_LANGUAGES, FORMAT_VERSION, LINK_KEYS, STRENGTH_NUMBERS, VARIABLE_KEYS

__all__ = ["CausalMap", "Origin"]

_FRESH_KEY_ORDER = ("gmb", "title", "description", "languages", "outcome", "themes",
                    "variables", "links", "loops", "layout")


@dataclass
class Origin:
    """Where a loaded map came from: its path and the line of each variable and link."""

    path: str
    variable_lines: dict[str, int] = field(default_factory=dict)
    link_lines: dict[tuple[str, str], int] = field(default_factory=dict)
    """The line of each link (of its first entry, where a link is given more than once)."""
    repeated_link_lines: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    """The lines of the second and later entries of a link given more than once."""
    key_lines: dict[str, int] = field(default_factory=dict)


class CausalMap:
    """A causal loop diagram: ``graph`` (networkx.DiGraph) plus ``meta`` (everything else).

    ``meta`` holds the other top-level keys of the map file: ``title``, ``languages``,
    ``outcome``, ``themes``, ``loops``, ``layout`` and any others, in file order.
    Links that cannot be graph edges (to a missing variable, or repeated) are kept in
    ``invalid_links`` so that nothing in a file is lost; validation reports them.
    """

    def __init__(self) -> None:
        self.graph = nx.DiGraph()
        self.meta: dict[str, Any] = {}
        self.invalid_links: list[dict] = []
        self.origin: Origin | None = None
        self._key_order: list[str] = []
        self._link_order: dict[tuple[str, str] | _Slot, None] = {}

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def new(cls, title: str, languages=DEFAULT_LANGUAGES) -> "CausalMap":
        """An empty map with a title and its languages (the first is the default)."""
        cmap = cls()
        cmap.meta = {"gmb": FORMAT_VERSION, "title": title, "languages": list(languages),
                     "outcome": [], "themes": {}}
        return cmap

    @classmethod
    def from_data(cls, data: dict) -> "CausalMap":
        """Build a map from the plain data of a map file (as parsed from YAML or JSON).

        The data must have the right shape (``variables`` a mapping of mappings, ``links`` a
        list of mappings with ``from`` and ``to``); values are not checked here, see
        :func:`gmb.maps.validate.validate`.
        """
        cmap = cls()
        cmap._key_order = list(data)
        for key, value in data.items():
            if key not in ("variables", "links"):
                cmap.meta[key] = _plain_copy(value)
        for var_id, attrs in (data.get("variables") or {}).items():
            cmap.graph.add_node(var_id, **_plain_copy(attrs or {}))
        for link in data.get("links") or []:
            link = _plain_copy(link)
            src, dst = link.get("from"), link.get("to")
            if src in cmap.graph and dst in cmap.graph and not cmap.graph.has_edge(src, dst):
                cmap._put_link(src, dst, {k: v for k, v in link.items() if k not in ("from", "to")})
            else:
                cmap.invalid_links.append(link)
                cmap._link_order[_Slot(link)] = None
        return cmap

    def to_data(self) -> dict:
        """The plain data of the map file: ``CausalMap.from_data(d).to_data() == d``."""
        order = list(self._key_order) + [k for k in _FRESH_KEY_ORDER if k not in self._key_order]
        order += [k for k in self.meta if k not in order]
        data: dict[str, Any] = {}
        for key in order:
            if key == "variables":
                data[key] = {v: _plain_copy(a) for v, a in self.graph.nodes(data=True)}
            elif key == "links":
                data[key] = self._links_data()
            elif key in self.meta:
                data[key] = _plain_copy(self.meta[key])
        return data

    def copy(self) -> "CausalMap":
        """An independent copy (graph, metadata and origin)."""
        other = CausalMap.from_data(self.to_data())
        other.origin = self.origin
        return other

    # -- reading ----------------------------------------------------------------------------
    @property
    def title(self) -> str:
        return str(self.meta.get("title") or "")

    @property
    def languages(self) -> list[str]:
        """The map's languages, the default first."""
        langs = self.meta.get("languages")
        return [str(x) for x in langs] if isinstance(langs, list) and langs else ["da"]

    @property
    def outcome(self) -> list[str]:
        value = self.meta.get("outcome") or []
        return [value] if isinstance(value, str) else list(value)

    @property
    def themes(self) -> dict[str, dict]:
        return self.meta.get("themes") or {}

    @property
    def loops(self) -> dict[str, dict]:
        return self.meta.get("loops") or {}

    @property
    def layout(self) -> dict[str, list]:
        return self.meta.get("layout") or {}

    @property
    def strength_numbers(self) -> dict[str, float]:
        """The number each named strength stands for: the map's ``strengths:`` over gmb's defaults
        (an invalid ``strengths:`` is reported by validation and ignored here)."""
        given = self.meta.get("strengths")
        numbers = dict(STRENGTH_NUMBERS)
        if isinstance(given, dict):
            numbers |= {k: float(v) for k, v in given.items() if k in numbers and _is_positive_number(v)}
        return numbers

    @property
    def variables(self) -> list[str]:
        """Variable ids in file order."""
        return list(self.graph.nodes)

    def links(self) -> Iterator[tuple[str, str, dict]]:
        """``(from, to, attributes)`` for each valid link, in file order."""
        for u, v in self._ordered_edges():
            yield u, v, self.graph.edges[u, v]

    def label(self, var: str, lang: str | None = None) -> str:
        """The variable's label in ``lang`` (default: the map's first language), else any label, else its id."""
        return self.text(self.graph.nodes[var].get("label"), lang, default=var)

    def theme_label(self, theme: str, lang: str | None = None) -> str:
        """A theme's label in ``lang`` (default: the map's first language), else its id."""
        entry = self.themes.get(theme)
        return self.text(entry.get("label") if isinstance(entry, dict) else entry, lang, default=theme)

    def text(self, value: Any, lang: str | None = None, default: str = "") -> str:
        """Text given as ``{lang: text}`` or plain, in ``lang``, else the map's languages in order."""
        if isinstance(value, dict):
            for key in (lang or self.languages[0], *self.languages, *value):
                if value.get(key):
                    return str(value[key])
            return default
        return str(value) if value not in (None, "") else default

    def names(self, var: str) -> list[str]:
        """Every text a variable answers to: its id, its labels in all languages, its synonyms."""
        attrs = self.graph.nodes[var]
        label = attrs.get("label")
        texts = [var] + (list(label.values()) if isinstance(label, dict) else [label])
        synonyms = attrs.get("synonyms") or []
        texts += synonyms if isinstance(synonyms, list) else [synonyms]
        return [str(t) for t in texts if t not in (None, "")]

    def resolve(self, name: str) -> str:
        """The id of the variable called ``name`` (its id, or a label or synonym in any language).

        Matching ignores case. A miss raises :class:`UnknownVariableError` with close matches.
        """
        if name in self.graph:
            return name
        wanted = str(name).strip().casefold()
        hits, index = [], {}
        for var in self.graph:
            for text in self.names(var):
                key = text.strip().casefold()
                index.setdefault(key, var)
                if key == wanted and var not in hits:
                    hits.append(var)
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise UnknownVariableError(name, hits)
        close = difflib.get_close_matches(wanted, list(index), n=3, cutoff=0.6)
        suggestions = list(dict.fromkeys(index[c] for c in close))
        raise UnknownVariableError(name, suggestions)

    def link(self, src: str, dst: str) -> dict:
        """The attributes of the link ``src → dst`` (names resolved); error if there is none."""
        u, v = self.resolve(src), self.resolve(dst)
        if not self.graph.has_edge(u, v):
            hint = " (the link goes the other way)" if self.graph.has_edge(v, u) else ""
            raise MapEditError(f"no link {u} → {v}{hint}; add it with 'gmb link add'")
        return self.graph.edges[u, v]

    # -- editing variables -----------------------------------------------------------------
    def add_variable(self, var_id: str, label: str | dict | None = None, **attrs: Any) -> None:
        """Add a variable; ``label`` is text in the first language or ``{lang: text}``."""
        var_id = _check_id(var_id)
        clash = next((v for v in self.graph if v.casefold() == var_id.casefold()), None)
        if clash is not None:
            raise MapEditError(f"variable {clash!r} exists already; choose another id")
        if isinstance(label, str):
            label = {self.languages[0]: label}
        values = ({"label": label} if label else {}) | {k: v for k, v in attrs.items() if v is not None}
        self.graph.add_node(var_id, **values)

    def rename_variable(self, var: str, new_id: str) -> str:
        """Give a variable a new id everywhere (links, outcome, layout). Returns the old id."""
        old, new_id = self.resolve(var), _check_id(new_id)
        clash = next((v for v in self.graph if v.casefold() == new_id.casefold() and v != old), None)
        if clash is not None:
            raise MapEditError(f"variable {clash!r} exists already; merge with 'gmb var merge' instead")
        named = self._named_loops_through(old)
        mapping = {old: new_id}
        graph = nx.DiGraph()
        graph.add_nodes_from((mapping.get(n, n), a) for n, a in self.graph.nodes(data=True))
        graph.add_edges_from((mapping.get(u, u), mapping.get(v, v), a) for u, v, a in self.graph.edges(data=True))
        self._link_order = {(k if isinstance(k, _Slot) else (mapping.get(k[0], k[0]), mapping.get(k[1], k[1]))): None
                            for k in self._link_order}
        self.graph = graph
        self._rekey_loops(named, mapping)
        for link in self.invalid_links:
            for end in ("from", "to"):
                if link.get(end) == old:
                    link[end] = new_id
        self._replace_references(old, new_id)
        return old

    def remove_variable(self, var: str, force: bool = False) -> list[tuple[str, str]]:
        """Remove a variable; refuses while it has links unless ``force``. Returns removed links."""
        var = self.resolve(var)
        attached = list(self.graph.in_edges(var)) + list(self.graph.out_edges(var))
        if attached and not force:
            shown = ", ".join(f"{u} → {v}" for u, v in attached[:3]) + (" …" if len(attached) > 3 else "")
            raise MapEditError(f"variable {var!r} still has {len(attached)} link(s) ({shown}); "
                               "remove them first or use --force")
        self.graph.remove_node(var)
        self._replace_references(var, None)
        return attached

    def merge_variables(self, keep: str, duplicate: str) -> list[str]:
        """Merge ``duplicate`` into ``keep``: re-point its links, keep its labels as synonyms.

        Returns notes on what happened (links dropped as self-links, polarity conflicts).
        """
        keep, dup = self.resolve(keep), self.resolve(duplicate)
        if keep == dup:
            raise MapEditError(f"cannot merge {keep!r} with itself")
        named = self._named_loops_through(dup)
        notes = []
        moved = [(keep if u == dup else u, keep if v == dup else v, u, v, a)
                 for u, v, a in list(self.graph.in_edges(dup, data=True)) + list(self.graph.out_edges(dup, data=True))]
        for new_u, new_v, u, v, attrs in moved:
            if new_u == new_v:
                notes.append(f"dropped link {u} → {v}: it would link {keep!r} to itself")
            elif self.graph.has_edge(new_u, new_v):
                existing = self.graph.edges[new_u, new_v]
                if existing.get("polarity") != attrs.get("polarity"):
                    notes.append(f"link {new_u} → {new_v}: polarities {existing.get('polarity')} and "
                                 f"{attrs.get('polarity')} disagree; set to ? for the group to decide")
                    existing["polarity"] = "?"
                for key, value in attrs.items():
                    existing.setdefault(key, value)
            else:
                self._put_link(new_u, new_v, dict(attrs))
        synonyms = list(self.graph.nodes[keep].get("synonyms") or [])
        own = {t.casefold() for t in self.names(keep)}
        for text in self.names(dup):
            if text.casefold() not in own:
                synonyms.append(text)
                own.add(text.casefold())
        if synonyms:
            self.graph.nodes[keep]["synonyms"] = synonyms
        self.graph.remove_node(dup)
        self._replace_references(dup, keep)
        self._rekey_loops(named, {dup: keep})
        return notes

    def set_variable(self, var: str, updates: dict[str, Any]) -> str:
        """Set attributes of a variable; dotted keys reach inside (``label.en``); ``None`` deletes."""
        var = self.resolve(var)
        attrs = self.graph.nodes[var]
        check_keys(updates, attrs, VARIABLE_KEYS, f"variable {var}", self.languages)
        if isinstance(attrs.get("label"), str) and any(k.startswith("label.") for k in updates):
            attrs["label"] = {self.languages[0]: attrs["label"]}
        _apply_updates(attrs, updates, what=f"variable {var!r}")
        return var

    # -- editing links ---------------------------------------------------------------------
    def add_link(self, src: str, dst: str, polarity: str, **attrs: Any) -> tuple[str, str]:
        """Add the link ``src → dst`` with its polarity (``+``, ``-`` or ``?``) and attributes."""
        u, v = self.resolve(src), self.resolve(dst)
        if u == v:
            raise MapEditError(f"a link from {u!r} to itself is not allowed; a CLD link joins two variables")
        if self.graph.has_edge(u, v):
            raise MapEditError(f"link {u} → {v} exists already; change it with 'gmb link set'")
        self._put_link(u, v, {"polarity": polarity} | {k: x for k, x in attrs.items() if x is not None})
        return u, v

    def remove_link(self, src: str, dst: str) -> tuple[str, str]:
        """Remove the link ``src → dst``."""
        self.link(src, dst)
        u, v = self.resolve(src), self.resolve(dst)
        self.graph.remove_edge(u, v)
        self._link_order.pop((u, v), None)
        return u, v

    def set_link(self, src: str, dst: str, updates: dict[str, Any]) -> tuple[str, str]:
        """Set attributes of a link; dotted keys reach inside (``source.quote``); ``None`` deletes."""
        attrs = self.link(src, dst)
        u, v = self.resolve(src), self.resolve(dst)
        if {"from", "to"} & {k.split(".")[0] for k in updates}:
            raise MapEditError("a link's ends cannot be set; remove it and add a new one")
        check_keys(updates, attrs, LINK_KEYS, f"link {u} → {v}", self.languages)
        _apply_updates(attrs, updates, what=f"link {u} → {v}")
        return u, v

    def flip_link(self, src: str, dst: str) -> str:
        """Reverse a link's polarity (``+`` ↔ ``-``). Returns the new polarity."""
        attrs = self.link(src, dst)
        polarity = attrs.get("polarity")
        flipped = {"+": "-", "-": "+"}.get(polarity) if isinstance(polarity, str) else None
        if flipped is None:
            raise MapEditError(f"link {self.resolve(src)} → {self.resolve(dst)} has polarity "
                               f"{polarity!r}; set + or - with 'gmb link set ... polarity=+'")
        attrs["polarity"] = flipped
        return flipped

    # -- editing map metadata ----------------------------------------------------------------
    def add_theme(self, theme_id: str, label: str | dict, color: str | None = None) -> None:
        """Add a theme; ``label`` is text in the first language or ``{lang: text}``."""
        theme_id = _check_id(theme_id)
        check_color(color)
        if theme_id in self.themes:
            raise MapEditError(f"theme {theme_id!r} exists already")
        if isinstance(label, str):
            label = {self.languages[0]: label}
        self.meta.setdefault("themes", {})
        if self.meta["themes"] is None:
            self.meta["themes"] = {}
        self.meta["themes"][theme_id] = {"label": label} | ({"color": color} if color else {})

    def set_outcome(self, names: list[str]) -> list[str]:
        """Set the outcome variable(s) the map is about."""
        ids = [self.resolve(n) for n in names]
        self.meta["outcome"] = list(dict.fromkeys(ids))
        return self.meta["outcome"]

    # -- internals -------------------------------------------------------------------------
    def _put_link(self, u: str, v: str, attrs: dict) -> None:
        self.graph.add_edge(u, v, **attrs)
        self._link_order[(u, v)] = None

    def _ordered_edges(self) -> list[tuple[str, str]]:
        known = [e for e in self._link_order if not isinstance(e, _Slot) and self.graph.has_edge(*e)]
        seen = set(known)
        return known + [e for e in self.graph.edges if e not in seen]

    def _links_data(self) -> list[dict]:
        """Every link in file order, an invalid one in its place; links added since at the end."""
        invalid = {id(link) for link in self.invalid_links}
        out, seen, placed = [], set(), set()
        for key in self._link_order:
            if isinstance(key, _Slot):
                if id(key.link) in invalid and id(key.link) not in placed:
                    out.append(_plain_copy(key.link))
                    placed.add(id(key.link))
            elif self.graph.has_edge(*key):
                out.append(self._link_data(*key))
                seen.add(key)
        out += [self._link_data(u, v) for u, v in self.graph.edges if (u, v) not in seen]
        return out + [_plain_copy(link) for link in self.invalid_links if id(link) not in placed]

    def _link_data(self, u: str, v: str) -> dict:
        return {"from": u, "to": v} | _plain_copy(self.graph.edges[u, v])

    def _replace_references(self, old: str, new: str | None) -> None:
        """Point outcome and layout at ``new`` instead of ``old`` (drop them if ``new`` is None)."""
        self._link_order = {e: None for e in self._link_order if isinstance(e, _Slot) or self.graph.has_edge(*e)}
        if old in self.outcome:
            outcome = [new if x == old else x for x in self.outcome]
            self.meta["outcome"] = [x for x in dict.fromkeys(outcome) if x is not None]
        layout = self.meta.get("layout")
        if isinstance(layout, dict) and old in layout:
            position = layout.pop(old)
            if new is not None and new not in layout:
                layout[new] = position

    def _named_loops_through(self, var: str) -> dict[str, list[str]]:
        """The loops named in ``loops:`` (keyed by loop id) that pass through ``var``: id → variables."""
        loops = self.meta.get("loops")
        lengths = {int(m.group(1)) for m in map(LOOP_ID.fullmatch, loops if isinstance(loops, dict) else ()) if m}
        if not lengths:
            return {}
        adjacency, named = Adjacency(self.graph), {}
        for length in sorted(lengths):
            for cycle in cycles(adjacency, length, exact=True, through=var):
                if loop_id(cycle) in loops:
                    named[loop_id(cycle)] = cycle
        return named

    def _rekey_loops(self, named: dict[str, list[str]], mapping: dict[str, str]) -> None:
        """Move the names and stories of ``named`` loops to the ids they have after renaming variables."""
        loops = self.meta.get("loops")
        for old_id, cycle in named.items():
            cycle = [mapping.get(v, v) for v in cycle]
            new_id = loop_id(cycle)
            if len(set(cycle)) == len(cycle) and new_id not in loops:
                self.meta["loops"] = loops = {(new_id if k == old_id else k): v for k, v in loops.items()}


class _Slot:
    """The place in the link order of an invalid link, so that an edit leaves it where it was."""

    __slots__ = ("link",)

    def __init__(self, link: dict):
        self.link = link


def _plain_copy(value: Any) -> Any:
    """A deep copy of plain data (dicts, lists, scalars), much faster than ``copy.deepcopy``."""
    if isinstance(value, dict):
        return {k: _plain_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_copy(v) for v in value]
    return value


def _is_positive_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < float("inf")


def _check_id(var_id: Any) -> str:
    text = str(var_id)
    if not text.strip() or text != text.strip() or any(ch in text for ch in "\n\r\t"):
        raise MapEditError(f"invalid id {var_id!r}: use a short name without surrounding spaces, e.g. screen_time")
    return text


def _apply_updates(target: dict, updates: dict[str, Any], what: str) -> None:
    for dotted, value in updates.items():
        *parents, leaf = dotted.split(".")
        node = target
        for key in parents:
            child = node.get(key)
            if child is None:
                child = node[key] = {}
            if not isinstance(child, dict):
                raise MapEditError(f"{what}: {key!r} is not a mapping, so {dotted!r} cannot be set")
            node = child
        if value is None:
            node.pop(leaf, None)
        else:
            node[leaf] = value
