"""Merging the maps of breakout groups into one, reproducibly and without losing who proposed what.

Variables are matched by id, by label in any language and by synonyms (case does not matter).
Near-duplicates (e.g. *Skærmtid* and *Skærm-tid*) are only *proposed*, with their similarity; they
are merged when a synonyms file says so. That file is the audit log of the facilitator's merge
decisions, so re-running the merge gives the same map, byte for byte::

    - {keep: screen_time, merge: [skaermtid, "Tid foran skærm"], note: agreed in w1 plenary}

Each merged link lists its proposers in ``proposed_by`` (``map``, ``workshop``, ``group``,
``quote``, ``polarity``). When groups drew a link with opposite polarities the merged link gets
``?`` and the conflict is listed in the report: the group decides, gmb never does.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> a = CausalMap.new("Group A"); b = CausalMap.new("Group B")
>>> for m in (a, b):
...     m.add_variable("screens", {"da": "Skærmtid", "en": "Screen time"})
>>> a.add_variable("sleep", {"da": "Søvn"}); b.add_variable("sovn", {"en": "sleep"})
>>> _ = a.add_link("screens", "sleep", "-"); _ = b.add_link("screens", "sovn", "+")
>>> merged, report = merge_maps([a, b], names=["a.yaml", "b.yaml"])
>>> merged.variables, merged.graph.edges["screens", "sleep"]["polarity"]
(['screens', 'sleep'], '?')
>>> [(c.link, [p["polarity"] for p in c.proposals]) for c in report.conflicts]
[(('screens', 'sleep'), ['-', '+'])]
"""

from __future__ import annotations

import copy
import difflib
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import yaml

from gmb.errors import MapFileError, OutputPathError
from gmb.maps.causalmap import CausalMap
from gmb.maps.outpaths import record, refuse_inputs
from gmb.maps.schema import FORMAT_VERSION
from gmb.maps.store import atomic_write, create_exclusive, create_map, load_map
from gmb.workshops.synonyms import SynonymEntry, load_synonyms, name_key

__all__ = ["merge_maps", "merge_files", "MergeReport", "Conflict", "NearDuplicate", "SIMILARITY_THRESHOLD"]

SIMILARITY_THRESHOLD = 0.8
"""Variables whose names are at least this similar (difflib ratio of normalised text) are proposed."""

_LINK_DETAIL_KEYS = ("strength", "delay", "confidence", "notes", "flow")


@dataclass(frozen=True)
class NearDuplicate:
    """Two merged variables whose names are similar: a proposal, not a decision."""

    keep: str
    merge: str
    keep_name: str
    merge_name: str
    similarity: float

    def to_dict(self) -> dict:
        return {"keep": self.keep, "merge": self.merge, "keep_name": self.keep_name,
                "merge_name": self.merge_name, "similarity": self.similarity}


@dataclass(frozen=True)
class Conflict:
    """A link drawn with opposite polarities; ``proposals`` are its ``proposed_by`` entries."""

    link: tuple[str, str]
    proposals: tuple[dict, ...]

    def to_dict(self) -> dict:
        return {"from": self.link[0], "to": self.link[1], "proposals": [dict(p) for p in self.proposals]}


@dataclass
class MergeReport:
    """What a merge did: inputs, matches made, conflicts, proposals, and anything else to look at."""

    inputs: list[str]
    input_titles: list[str] = field(default_factory=list)
    title: str = ""
    """The merged map's title."""
    synonyms: str | None = None
    matches: list[dict] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    proposals: list[NearDuplicate] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unused_synonyms: list[dict] = field(default_factory=list)
    """Synonyms entries with names that matched no variable: ``{line, keep, names}``."""
    variables: int = 0
    links: int = 0

    def to_dict(self) -> dict:
        return {"inputs": self.inputs, "input_titles": self.input_titles, "title": self.title,
                "synonyms": self.synonyms, "variables": self.variables,
                "links": self.links, "matches": self.matches,
                "conflicts": [c.to_dict() for c in self.conflicts],
                "proposals": [p.to_dict() for p in self.proposals],
                "differences": self.differences, "notes": self.notes,
                "unused_synonyms": self.unused_synonyms}

    def to_markdown(self) -> str:
        """The report as Markdown, for the facilitator's records."""
        titles = dict(zip(self.inputs, self.input_titles))
        inputs = ", ".join(f"`{n}`" + (f" ({_md(titles[n])})" if titles.get(n) else "") for n in self.inputs)
        out = ["# Merge report" + (f": {_md(self.title)}" if self.title else ""), "", f"Inputs: {inputs}"]
        out.append(f"Synonyms file: `{self.synonyms}`" if self.synonyms else "Synonyms file: none")
        out += ["", f"Merged map: {self.variables} variables, {self.links} links.", ""]
        out += [f"## Polarity conflicts ({len(self.conflicts)})", ""]
        out += [] if self.conflicts else ["None."]
        if self.conflicts:
            out += ["Kept as `?` for the group to decide.", "", "| link | proposed by |", "|---|---|"]
            for c in self.conflicts:
                who = "; ".join(f"{_who(p)}: {p.get('polarity')}" for p in c.proposals)
                out.append(f"| {_md(c.link[0])} → {_md(c.link[1])} | {_md(who)} |")
        out += ["", f"## Proposed merges of near-duplicates ({len(self.proposals)})", ""]
        out += [] if self.proposals else ["None."]
        if self.proposals:
            out += ["Not merged. To merge one, add its line to the synonyms file and re-run.", "",
                    "| similarity | keep | merge | synonyms line |", "|---|---|---|---|"]
            for p in self.proposals:
                line = "- " + yaml.safe_dump([{"keep": p.keep, "merge": [p.merge]}], default_flow_style=True,
                                             allow_unicode=True, width=2 ** 31).strip()[1:-1]
                out.append(f"| {p.similarity:.2f} | {_md(p.keep)} ({_md(p.keep_name)}) | "
                           f"{_md(p.merge)} ({_md(p.merge_name)}) | `{_md(line)}` |")
        out += ["", f"## Variables matched across maps ({len(self.matches)})", ""]
        out += [] if self.matches else ["None."]
        if self.matches:
            out += ["| map | variable | merged into | by |", "|---|---|---|---|"]
            out += [f"| {_md(m['map'])} | {_md(m['variable'])} | {_md(m['into'])} | {m['by']} |"
                    for m in self.matches]
        for title, items in (("Differences in link details (first map's value kept)", self.differences),
                             ("Notes", self.notes),
                             ("Synonyms that matched no variable", [_unused(u) for u in self.unused_synonyms])):
            if items:
                out += ["", f"## {title}", ""] + [f"- {_md(x)}" for x in items]
        return "\n".join(out) + "\n"


def merge_maps(maps: Sequence[CausalMap], synonyms: Sequence[SynonymEntry] | None = None,
               names: Sequence[str] | None = None, title: str | None = None,
               threshold: float = SIMILARITY_THRESHOLD) -> tuple[CausalMap, MergeReport]:
    """Merge maps into one; the inputs are not changed.

    Parameters
    ----------
    maps : the maps, in order; where they disagree on a detail the first map's value is kept.
    synonyms : merge decisions (see :func:`gmb.workshops.synonyms.load_synonyms`).
    names : what to call each map in ``proposed_by`` (default: its file path, else ``map1``…).
    title : the merged map's title (default: the first map's).
    threshold : similarity from which near-duplicates are proposed.

    Returns
    -------
    ``(merged map, MergeReport)``. The merged map has the first map's metadata with the union of
    languages, themes, outcomes and named loops; layouts are dropped (they do not combine).
    A link's polarity is the sign its proposers agree on, ``?`` when they disagree.
    """
    if not maps:
        raise ValueError("merge_maps needs at least one map")
    names = list(names) if names is not None else [
        (m.origin.path if m.origin else f"map{i + 1}") for i, m in enumerate(maps)]
    synonyms = list(synonyms or [])
    merged = _merged_meta(maps, title)
    report = MergeReport(inputs=list(names), input_titles=[m.title for m in maps], title=merged.title)
    _merge_segments(maps, names, merged, report)
    aliases = {name_key(n): e.keep for e in synonyms for n in (e.keep, *e.merge)}
    hit: set[str] = set()                # alias keys that matched a variable
    index: dict[str, str] = {}           # casefolded name -> merged id
    votes: dict[tuple[str, str], list[dict]] = {}
    for cmap, name in zip(maps, names):
        mapping = {var: _place(cmap, var, name, merged, index, aliases, hit, report) for var in cmap.graph}
        _merge_links(cmap, name, mapping, merged, votes, report)
    for link, cast in votes.items():
        merged.graph.edges[link]["polarity"] = _agreed_polarity(cast)
        if {"+", "-"} <= {v.get("polarity") for v in cast}:
            report.conflicts.append(Conflict(link, tuple(cast)))
    report.unused_synonyms = [{"line": e.line, "keep": e.keep, "names": unmatched} for e in synonyms
                              if (unmatched := [n for n in e.merge if name_key(n) not in hit])]
    report.proposals = _near_duplicates(merged, threshold)
    report.variables, report.links = merged.graph.number_of_nodes(), merged.graph.number_of_edges()
    return merged, report


def merge_files(paths: Sequence[str | os.PathLike], output: str | os.PathLike,
                synonyms: str | os.PathLike | None = None, report: str | os.PathLike | None = None,
                title: str | None = None, force: bool = False) -> tuple[CausalMap, MergeReport]:
    """Merge map files into ``output`` (and write the Markdown ``report``); refuses to overwrite unless ``force``.

    Maps are named in ``proposed_by`` by their path relative to the output's folder, so the
    merged file is the same whatever folder the command is run from.
    """
    output = Path(output)
    refuse_inputs(output, [*paths, synonyms, report])
    if report is not None:
        refuse_inputs(report, [*paths, synonyms, output])
    for target in (output, report):
        if target is not None and Path(target).is_dir():
            raise MapFileError(target, "is a directory; give the name of a file to write")
        if target is not None and Path(target).exists() and not force:
            raise OutputPathError(target, "exists already; choose another name", replaceable=True)
        if target is not None and not Path(target).resolve().parent.is_dir():
            raise MapFileError(target, "its directory does not exist; create it first")
    folder = output.resolve().parent
    names = [Path(os.path.relpath(Path(p).resolve(), folder)).as_posix() for p in paths]
    maps = [load_map(p) for p in paths]
    entries = load_synonyms(synonyms) if synonyms is not None else None
    merged, merge_report = merge_maps(maps, entries, names=names, title=title)
    if synonyms is not None:
        merge_report.synonyms = Path(os.path.relpath(Path(synonyms).resolve(), folder)).as_posix()
    merged.meta["description"] = (f"Merged with 'gmb merge' from {', '.join(names)}"
                                  + (f", synonyms {merge_report.synonyms}" if synonyms is not None else "") + ".")
    create_map(merged, output, force=force)
    if report is not None:
        if force:
            atomic_write(report, merge_report.to_markdown(), follow=False)
        else:
            create_exclusive(report, merge_report.to_markdown())
        record(report)
    return merged, merge_report


# -- internals --------------------------------------------------------------------------------

def _merged_meta(maps: Sequence[CausalMap], title: str | None) -> CausalMap:
    merged = CausalMap()
    first = copy.deepcopy(maps[0].meta)
    merged.meta = {"gmb": first.pop("gmb", FORMAT_VERSION), "title": title or maps[0].title}
    merged.meta.update({k: v for k, v in first.items() if k not in ("title", "layout")})
    merged.meta["languages"] = list(dict.fromkeys(lang for m in maps for lang in m.languages))
    merged.meta["outcome"] = list(dict.fromkeys(v for m in maps for v in m.outcome))
    for section in ("themes", "loops"):
        combined: dict = {}
        for m in maps:
            for key, value in (m.meta.get(section) or {}).items():
                combined.setdefault(key, copy.deepcopy(value))
        if combined or section in merged.meta:
            merged.meta[section] = combined
    return merged


def _merge_segments(maps: Sequence[CausalMap], names: list[str], merged: CausalMap, report: MergeReport) -> None:
    """The groups of children of the first map that has any; a map whose groups differ is noted."""
    blocks = [(name, m.meta.get("segments")) for m, name in zip(maps, names) if m.meta.get("segments")]
    merged.meta.pop("segments", None)
    if not blocks:
        return
    kept_name, kept = blocks[0]
    merged.meta["segments"] = copy.deepcopy(kept)
    for name, block in blocks[1:]:
        if block != kept:
            report.notes.append(f"{name}: its segments ({', '.join(block)}) differ from those of {kept_name} "
                                f"({', '.join(kept)}); the merged map has {kept_name}'s")


def _place(cmap: CausalMap, var: str, map_name: str, merged: CausalMap, index: dict[str, str],
           aliases: dict[str, str], hit: set[str], report: MergeReport) -> str:
    """The merged id of ``cmap``'s variable ``var``; adds it to ``merged`` or extends its match."""
    names = cmap.names(var)
    matched = [name_key(n) for n in names if name_key(n) in aliases]
    hit.update(matched)
    if len({aliases[k] for k in matched}) > 1:
        report.notes.append(f"{map_name}: {var!r} has names listed under several keeps "
                            f"({', '.join(dict.fromkeys(aliases[k] for k in matched))}); merged into the first")
    same_id = index.get(name_key(var))
    if matched:
        target, how = aliases[matched[0]], "synonyms file"
    elif same_id is not None and name_key(same_id) == name_key(var):
        target, how = same_id, "id"
    else:
        hits = list(dict.fromkeys(index[name_key(n)] for n in names if name_key(n) in index))
        if len(hits) > 1:
            report.notes.append(f"{map_name}: {var!r} has names of {', '.join(map(repr, hits))}; "
                                "matched the first (list it in the synonyms file to decide)")
        target, how = (hits[0], "label") if hits else (var, None)
    existing = index.get(name_key(target))
    target = existing if existing is not None and name_key(existing) == name_key(target) else target
    attrs = copy.deepcopy(dict(cmap.graph.nodes[var]))
    labels = _label_dict(cmap, attrs.pop("label", None))
    attrs.pop("synonyms", None)
    if target in merged.graph:
        report.matches.append({"map": map_name, "variable": var, "into": target, "by": how or "id"})
        node = merged.graph.nodes[target]
        for lang, text in labels.items():
            node.setdefault("label", {}).setdefault(lang, text)
        for key, value in attrs.items():
            node.setdefault(key, value)
    else:
        merged.graph.add_node(target, **({"label": labels} if labels else {}), **attrs)
    _add_synonyms(merged, target, names)
    for n in merged.names(target):
        index.setdefault(name_key(n), target)
    return target


def _merge_links(cmap: CausalMap, map_name: str, mapping: dict[str, str], merged: CausalMap,
                 votes: dict[tuple[str, str], list[dict]], report: MergeReport) -> None:
    for u, v, attrs in cmap.links():
        link = mapping[u], mapping[v]
        if link[0] == link[1]:
            report.notes.append(f"{map_name}: dropped link {u} → {v}: both ends merged into {link[0]!r}")
            continue
        proposals = _proposals(attrs, map_name)
        polarity = attrs.get("polarity", "?")
        vote = proposals[0] if "proposed_by" not in attrs else {"map": map_name, "polarity": polarity}
        votes.setdefault(link, []).append(vote)
        if not merged.graph.has_edge(*link):
            details = {k: copy.deepcopy(attrs[k]) for k in _LINK_DETAIL_KEYS if k in attrs}
            merged.add_link(*link, polarity, **details, proposed_by=proposals)
            continue
        existing = merged.graph.edges[link]
        for key in _LINK_DETAIL_KEYS:
            if key in attrs and key in existing and attrs[key] != existing[key]:
                report.differences.append(f"link {link[0]} → {link[1]}: {key} {existing[key]!r} kept, "
                                          f"{map_name} has {attrs[key]!r}")
            elif key in attrs:
                existing[key] = copy.deepcopy(attrs[key])
        existing["proposed_by"] += [p for p in proposals if p not in existing["proposed_by"]]


def _proposals(attrs: dict, map_name: str) -> list[dict]:
    """The ``proposed_by`` entries of a link of an input map (kept as they are if it was merged before)."""
    earlier = attrs.get("proposed_by")
    if isinstance(earlier, list) and earlier:
        return [dict(p) for p in earlier if isinstance(p, dict)]
    source = attrs.get("source") if isinstance(attrs.get("source"), dict) else {}
    return [{"map": map_name} | {k: v for k, v in source.items() if k != "map"}
            | {"polarity": attrs.get("polarity", "?")}]


def _agreed_polarity(proposals: list[dict]) -> str:
    """``+`` or ``-`` when every proposer who gave a sign agrees, else ``?``."""
    signs = {p.get("polarity") for p in proposals} & {"+", "-"}
    return signs.pop() if len(signs) == 1 else "?"


def _near_duplicates(merged: CausalMap, threshold: float) -> list[NearDuplicate]:
    """Pairs of variables with similar names (difflib ratio of normalised text) and the same digits."""
    texts = {v: list(dict.fromkeys((_normalise(n), n) for n in merged.names(v) if _normalise(n)))
             for v in merged.graph}
    found = []
    variables = list(merged.graph)
    matcher = difflib.SequenceMatcher(autojunk=False)
    for i, b in enumerate(variables):
        for norm_b, name_b in texts[b]:
            matcher.set_seq2(norm_b)
            for a in variables[:i]:
                for norm_a, name_a in texts[a]:
                    if _digits(norm_a) != _digits(norm_b):
                        continue
                    matcher.set_seq1(norm_a)
                    if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                        continue
                    ratio = round(matcher.ratio(), 2)
                    if ratio >= threshold:
                        found.append(NearDuplicate(a, b, name_a, name_b, ratio))
    best: dict[tuple[str, str], NearDuplicate] = {}
    for item in found:
        pair = (item.keep, item.merge)
        if pair not in best or item.similarity > best[pair].similarity:
            best[pair] = item
    order = {var: i for i, var in enumerate(variables)}
    return sorted(best.values(), key=lambda p: (-p.similarity, order[p.keep], order[p.merge]))


def _label_dict(cmap: CausalMap, label: Any) -> dict:
    if isinstance(label, dict):
        return {k: str(v) for k, v in label.items() if v not in (None, "")}
    return {cmap.languages[0]: str(label)} if label not in (None, "") else {}


def _add_synonyms(merged: CausalMap, var: str, texts: list[str]) -> None:
    node = merged.graph.nodes[var]
    synonyms = list(node.get("synonyms") or [])
    own = {name_key(t) for t in merged.names(var)}
    for text in texts:
        if name_key(text) not in own:
            synonyms.append(text)
            own.add(name_key(text))
    if synonyms:
        node["synonyms"] = synonyms


def _normalise(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", str(text)).casefold() if ch.isalnum())


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _who(proposal: dict) -> str:
    parts = [str(proposal.get("map", "?"))]
    parts += [f"{k} {proposal[k]}" for k in ("workshop", "group") if proposal.get(k) not in (None, "")]
    return ", ".join(parts)


def _unused(entry: dict) -> str:
    """One line about a synonyms entry whose names matched nothing."""
    where = f"line {entry['line']}: " if entry.get("line") else ""
    return f"{where}{', '.join(map(repr, entry['names']))} (→ {entry['keep']}) matched no variable"


def _md(text: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")
