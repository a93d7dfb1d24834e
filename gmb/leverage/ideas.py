"""The idea bank (*bankbog*) of workshop 3: action ideas, what each acts on, how feasible, who owns it.

A site keeps ``workshops/<site>/ideas.yaml``::

    ideas:
      safe_bike_paths:
        title: {da: Sikre cykelstier til skole, en: Safe bike paths to school}
        acts_on:                                   # variables by id or label
          - {variable: active_transport, polarity: "+", strength: strong}
          - {variable: parental_worry, polarity: "-", strength: weak}
        feasibility: 2                             # 1 (very hard) … 5 (easy)
        cost: high                                 # low | medium | high, or a number (kroner)
        working_group: Trafik og stier

An idea acts on an index variable as a link from the idea would: put fully into effect, it adds
± its strength (the map's number for weak / medium / strong, drawn from the class's range in each
sample like a link's; a number is held fixed) to the variable's indicated value. It may also switch
on an action of the map, ``{variable: ACTION, level: 1}``, whose own links then carry its effect.

An idea that is one of the map's actions need not copy the action's links by hand:
``{from_map: ACTION}`` in ``acts_on`` stands for one effect per link out of ACTION in the map, with
the link's polarity and strength (weak/medium/strong, a number, or the model's default when the link
gives none), read each time the bank is loaded, so the bank cannot drift from the map. Links of
polarity ``?`` are left out (an idea says which way it pushes); a link into a variable an idea cannot
push (a stock, a constant, an equation) is an error that says to list the effects by hand::

        acts_on:
          - {from_map: lan_party}          # the map's links out of lan_party, as they are today
          - {variable: screen_time, polarity: "-", strength: weak}   # and one the map does not have

Hand-copied effects that differ from the map are reported by :func:`gmb.leverage.idea_edit.idea_drift`
(``gmb ideas check``).

:func:`rank_ideas` puts every idea fully into effect from time 0, alone and in every pair, over the
same Monte Carlo samples (:mod:`gmb.leverage.ranking`), and reports each idea's effect on the outcome beside
its feasibility, and each pair's synergy: the combined effect less the sum of the two single effects.
A mistake in the file names the file, the line and the idea.

Example
-------
>>> import pathlib, tempfile
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("demo", ["da", "en"])
>>> for var in ("venner", "trivsel"):
...     cmap.add_variable(var, var.title(), adjust_time=2)
>>> _ = cmap.add_link("venner", "trivsel", "+", strength="strong")
>>> path = pathlib.Path(tempfile.mkdtemp()) / "ideas.yaml"
>>> _ = path.write_text("ideas:\\n  cafe:\\n    title: {da: Café, en: Café}\\n"
...                     "    acts_on: [{variable: Venner, polarity: '+', strength: medium}]\\n"
...                     "    feasibility: 4\\n", encoding="utf-8")
>>> bank = load_ideas(path, cmap)
>>> bank.ideas[0].effects[0].variable, bank.ideas[0].feasibility
('venner', 4)
>>> ranking = rank_ideas(cmap, bank, "trivsel", samples=20, seed=3, horizon=24, workers=1)
>>> row = ranking.table()[0]
>>> row["id"], row["p_positive"], row["pareto"]
('cafe', 1.0, True)
"""

from __future__ import annotations

import itertools
import numbers
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import yaml

from gmb.errors import GmbError, MapFileError, UnknownVariableError
from gmb.leverage.ranking import (
    DEFAULT_HORIZON,
    DEFAULT_SAMPLES,
    Candidate,
    Effects,
    Leverage,
    Setup,
    Term,
    finish,
    prepare,
    run_candidates,
)
from gmb.leverage.uncertainty import STRUCTURE
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import read_yaml
from gmb.maps.yamledit import parse_named
from gmb.maps.yamlfields import FieldReader
from gmb.sd.scenarios import OFFERS
from gmb.sd.spec import DEFAULT_STRENGTH

__all__ = ["IdeaBank", "Idea", "Effect", "IdeaRanking", "load_ideas", "rank_ideas", "idea_candidates", "map_effects",
           "pushable",
           "FEASIBILITY", "COSTS", "SYNERGY_TOLERANCE"]

FEASIBILITY = range(1, 6)
"""Feasibility is a whole number from 1 (very hard to carry out) to 5 (easy)."""
COSTS = ("low", "medium", "high")
"""Named costs; a number (kroner) is also accepted."""
SYNERGY_TOLERANCE = 1e-9
"""A pair's synergy smaller than this share of its single effects is rounding, not synergy."""

_FILE_KEYS = ("title", "description", "ideas")
_IDEA_KEYS = ("title", "acts_on", "feasibility", "cost", "working_group", "notes", "source", "reach", "offer")
_EFFECT_KEYS = ("variable", "polarity", "strength", "level", "notes")
_FROM_MAP_KEYS = ("from_map", "notes")


@dataclass(frozen=True)
class Effect:
    """One ``acts_on`` entry: the variable (id), and either ``sign`` (±1) and ``strength`` (a name or a
    number) for an index variable, or ``level`` for an action."""

    variable: str
    sign: int = 1
    strength: str | float | None = None
    level: float | None = None
    from_map: str | None = None
    """The action whose map link this effect is (``{from_map: ACTION}``), or None if written by hand."""


@dataclass(frozen=True)
class Idea:
    """An idea of the bank, as the file gives it; ``line`` is where it starts."""

    id: str
    title: str | dict
    effects: tuple[Effect, ...]
    feasibility: int
    cost: str | float | None = None
    working_group: str | dict | None = None
    line: int | None = None
    reach: dict | None = None
    """On a map with segments: the share of each segment the idea reaches (None: everyone)."""
    offer: str | None = None
    """universal (*lighed*), targeted (*retfærdighed*) or structural (*frihed*), as the bank tags it."""


@dataclass
class IdeaBank:
    """An idea bank file: its path and its ideas in file order."""

    path: str
    ideas: list[Idea]

    def idea(self, idea_id: str) -> Idea:
        return next(idea for idea in self.ideas if idea.id == idea_id)


@dataclass
class IdeaRanking:
    """Every idea's effect alone (``leverage``, one candidate per idea) and every pair's combined effect."""

    bank: IdeaBank
    leverage: Leverage
    pairs: list[tuple[str, str]]
    combined: Effects

    def table(self, measure: str = "final") -> list[dict]:
        """The leverage table with each idea's feasibility, cost and working group, and ``pareto``: true
        if the idea helps (median effect > 0; doing nothing beats one that hurts) and no other idea has
        both at least its median effect and its feasibility, and more of one."""
        rows = self.leverage.table(measure)
        for row in rows:
            idea = self.bank.idea(row["id"])
            row |= {"feasibility": idea.feasibility, "cost": idea.cost, "working_group": idea.working_group}
        for row in rows:
            row["pareto"] = row["median"] > 0 and not any(
                other["median"] >= row["median"] and other["feasibility"] >= row["feasibility"]
                and (other["median"] > row["median"] or other["feasibility"] > row["feasibility"])
                for other in rows)
        return rows

    def synergy(self, measure: str = "final") -> list[dict]:
        """Per pair: the median combined effect, the median sum of single effects, the synergy's median
        and 5–95 % interval, and a verdict: ``synergy`` (more than the sum in ≥ 95 % of samples),
        ``interference`` (less, in ≥ 95 %), ``additive`` (equal in every sample) or ``uncertain``."""
        singles = self.leverage.effects.measure(measure)
        combined = self.combined.measure(measure)
        index = {c.id: i for i, c in enumerate(self.leverage.candidates)}
        rows = []
        for p, (a, b) in enumerate(self.pairs):
            total = singles[:, index[a]] + singles[:, index[b]]
            extra = combined[:, p] - total
            scale = SYNERGY_TOLERANCE * (np.abs(singles[:, index[a]]) + np.abs(singles[:, index[b]])) + 1e-15
            extra = np.where(np.abs(extra) <= scale, 0.0, extra)
            p05, median, p95 = np.percentile(extra, [5, 50, 95])
            verdict = "additive" if not extra.any() else "synergy" if p05 > 0 else \
                "interference" if p95 < 0 else "uncertain"
            rows.append({"a": a, "b": b, "combined": float(np.median(combined[:, p])),
                         "sum": float(np.median(total)), "synergy": float(median), "p05": float(p05),
                         "p95": float(p95), "p_positive": float((extra > 0).mean()), "verdict": verdict})
        return sorted(rows, key=lambda row: -row["synergy"])


def load_ideas(path: str | os.PathLike, cmap: CausalMap, text: str | None = None) -> IdeaBank:
    """Read and check an idea bank against a map; ``text``, if given, is read as the file's content
    (an edit checks its result before saving it, :mod:`gmb.leverage.idea_edit`)."""
    return _Reader(Path(path), cmap).bank(text)


def idea_candidates(setup: Setup, bank: IdeaBank) -> tuple[list[Candidate], list[tuple[float, float]]]:
    """The ideas as leverage candidates, and the strength ranges their terms draw from."""
    ranges: list[tuple[float, float]] = []
    candidates = []
    for idea in bank.ideas:
        terms, press = [], {}
        for effect in idea.effects:
            if isinstance(effect.strength, str) and effect.level is None:
                ranges.append(setup.uncertainty.ranges[effect.strength])
            copies = setup.spec.copies(effect.variable) or {None: effect.variable}
            for segment, member in copies.items():
                var = setup.spec.variables[member]
                reach = 1.0 if segment is None or idea.reach is None else idea.reach.get(segment, 0.0)
                if effect.level is not None:
                    terms.append(Term(var.params["level"], effect.level * reach))
                    amount = effect.level * reach
                elif isinstance(effect.strength, str):
                    terms.append(Term(var.params["push"], effect.sign * reach, len(ranges) - 1))
                    amount = effect.sign * reach * setup.spec.strengths[effect.strength]
                else:
                    terms.append(Term(var.params["push"], effect.sign * float(effect.strength) * reach))
                    amount = effect.sign * float(effect.strength) * reach
                press[member] = press.get(member, 0.0) + amount
        candidates.append(Candidate(idea.id, idea.title, tuple(terms), press, "idea"))
    return candidates, ranges


def rank_ideas(cmap: CausalMap, bank: IdeaBank, outcome: str | None = None, samples: int = DEFAULT_SAMPLES,
               seed: int | None = None, horizon: float = DEFAULT_HORIZON, dt: float | None = None,
               structure: bool = STRUCTURE, pairs: bool = True, scheduler=None,
               workers: int | None = None, progress: Callable[[int], None] | None = None,
               timeout: float | None = None, check: bool = True, exclude: bool = True) -> IdeaRanking:
    """Each idea's effect on ``outcome`` alone and, with ``pairs``, with every other idea (see the
    module notes); the arguments are those of :func:`gmb.leverage.ranking.leverage`."""
    if not bank.ideas:
        raise GmbError(f"{bank.path}: the idea bank has no ideas")
    setup = prepare(cmap, outcome, horizon, dt, structure)
    singles, ranges = idea_candidates(setup, bank)
    couples = list(itertools.combinations(singles, 2)) if pairs else []
    effects, seed = run_candidates(setup, singles + [a.plus(b) for a, b in couples], samples, seed, ranges,
                                   scheduler=scheduler, workers=workers, progress=progress, timeout=timeout,
                                   check=check)
    n = len(singles)
    gaps = None if effects.gap is None else effects.gap[:, :n]
    result, kept = finish(setup, singles, Effects(effects.final[:, :n], effects.auc[:, :n], effects.checks, gaps),
                          samples, seed, 0.0, exclude)
    return IdeaRanking(bank, result, [(a.id, b.id) for a, b in couples],
                       Effects(effects.final[kept, n:], effects.auc[kept, n:]))


class _Reader(FieldReader):
    def __init__(self, path: Path, cmap: CausalMap):
        super().__init__(path)
        self.cmap = cmap

    def bank(self, text: str | None = None) -> IdeaBank:
        root, data = parse_named(self.path, text) if text is not None else read_yaml(
            self.path, missing="check the path of the idea bank, e.g. workshops/havndal/ideas.yaml")
        if not isinstance(root, yaml.MappingNode):
            raise MapFileError(self.path, "is not an idea bank (expected 'ideas:')", line=1)
        fields = self.mapping(root, data, _FILE_KEYS, "the file")
        if "ideas" not in fields:
            self.fail(root, "no 'ideas:'; add the ideas, each with a title, acts_on and feasibility")
        node, ideas = fields["ideas"]
        if not isinstance(node, yaml.MappingNode) or not ideas:
            self.fail(node, "'ideas' must map each idea's id to its title, acts_on and feasibility")
        named = self.mapping(node, ideas, None, "ideas")
        return IdeaBank(str(self.path), [self.read_idea(knode, *named[knode.value]) for knode, _ in node.value])

    def read_idea(self, knode: yaml.Node, vnode: yaml.Node, value) -> Idea:
        self.item = f"idea {knode.value!r}"
        if not isinstance(vnode, yaml.MappingNode):
            self.fail(vnode, "give its title, acts_on and feasibility")
        fields = self.mapping(vnode, value, _IDEA_KEYS, f"idea {knode.value!r}")
        for key in ("title", "acts_on", "feasibility"):
            if key not in fields:
                self.fail(vnode, f"no {key}:; every idea has a title, acts_on and feasibility")
        title = self.text(*fields["title"], "title")
        group = self.text(*fields["working_group"], "working_group") if "working_group" in fields else None
        fnode, feasibility = fields["feasibility"]
        if isinstance(feasibility, bool) or not isinstance(feasibility, int) or feasibility not in FEASIBILITY:
            self.fail(fnode, f"feasibility {feasibility!r} must be a whole number from 1 (very hard) to 5 (easy)")
        cost = fields["cost"][1] if "cost" in fields else None
        if cost is not None and not (cost in COSTS or isinstance(cost, numbers.Real) and not isinstance(cost, bool)
                                     and cost >= 0):
            self.fail(fields["cost"][0], f"cost {cost!r} must be low, medium, high or a number ≥ 0 (kroner)")
        anode, acts_on = fields["acts_on"]
        if not isinstance(anode, yaml.SequenceNode) or not acts_on:
            self.fail(anode, "acts_on must list what it acts on, e.g. - {variable: sleep, polarity: '+', "
                      "strength: medium}")
        effects, seen = [], {}
        for item_node, item in zip(anode.value, acts_on):
            many = isinstance(item, dict) and "from_map" in item
            for effect in self.from_map(item_node, item) if many else [self.effect(item_node, item)]:
                if effect.variable in seen:
                    self.fail(item_node, f"acts on {effect.variable!r} twice (also line {seen[effect.variable]}); "
                              "keep one")
                seen[effect.variable] = item_node.start_mark.line + 1
                effects.append(effect)
        offer = fields["offer"][1] if "offer" in fields else None
        if offer is not None and offer not in OFFERS:
            self.fail(fields["offer"][0], f"offer {offer!r} must be one of {', '.join(OFFERS)} (lighed: the same "
                      "offer for all; retfærdighed: more where the need is greater; frihed: change the conditions)")
        reach = self.reach(*fields["reach"]) if "reach" in fields else None
        return Idea(knode.value, title, tuple(effects), feasibility, cost, group, knode.start_mark.line + 1, reach,
                    offer)

    def reach(self, node: yaml.Node, reach) -> dict[str, float]:
        """``reach: {SEGMENT: share, …}`` (0–1 each) of an idea on a map with segments."""
        segments = self.cmap.meta.get("segments") or {}
        if not segments:
            self.fail(node, "reach: the map has no segments (groups of children); remove reach")
        if not isinstance(reach, dict) or not reach:
            self.fail(node, f"reach must give the share of each segment the idea reaches, e.g. reach: "
                      f"{{{', '.join(f'{s}: 0.5' for s in segments)}}}")
        for (key_node, value_node), (segment, value) in zip(node.value, reach.items()):
            if segment not in segments:
                self.fail(key_node, f"reach names segment {segment!r}, which the map does not have (segments: "
                          f"{', '.join(segments)})")
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
                self.fail(value_node, f"reach of {segment} {value!r} must be a share from 0 to 1")
        return {s: float(reach.get(s, 0.0)) for s in segments}

    def text(self, node: yaml.Node, value, what: str):
        if isinstance(value, str) and value.strip():
            return value
        if isinstance(value, dict) and value and all(isinstance(t, str) and t.strip() for t in value.values()):
            return value
        self.fail(node, f"{what} must be text or {{da: TEXT, en: TEXT}} (quote text that has commas)")

    def effect(self, node: yaml.Node, item) -> Effect:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, "an acts_on entry is a mapping such as {variable: sleep, polarity: '+', strength: medium}")
        fields = self.mapping(node, item, _EFFECT_KEYS, "an acts_on entry")
        if "variable" not in fields:
            self.fail(node, "an acts_on entry needs variable:")
        vnode, name = fields["variable"]
        try:
            var = self.cmap.resolve(str(name))
        except UnknownVariableError as exc:
            self.fail(vnode, str(exc))
        attrs = self.cmap.graph.nodes[var]
        kind = attrs.get("kind", "index")
        if kind == "action":
            if "strength" in fields or "polarity" in fields:
                self.fail(node, f"{var!r} is an action of the map: switch it on with {{variable: {var}, level: 1}} "
                          "(its links say what it does)")
            lnode, level = fields.get("level", (node, 1))
            if isinstance(level, bool) or not isinstance(level, numbers.Real) or level <= 0:
                self.fail(lnode, f"level {level!r} must be a positive number (1 = fully)")
            return Effect(var, level=float(level))
        if not pushable(self.cmap, var):
            self.fail(vnode, f"{var!r} {_what(self.cmap, var)}, so an idea cannot push it; let the idea act on "
                      "one of its causes")
        if "level" in fields:
            self.fail(fields["level"][0], f"level is for actions; {var!r} is pushed with polarity and strength")
        pnode, polarity = fields.get("polarity", (node, "+"))
        if polarity not in ("+", "-"):
            self.fail(pnode, f"polarity {polarity!r} must be '+' or '-' (quoted)")
        if "strength" not in fields:
            self.fail(node, f"say how strongly it acts on {var!r}: strength: weak, medium, strong or a number")
        snode, strength = fields["strength"]
        if not (strength in ("weak", "medium", "strong") or (
                isinstance(strength, numbers.Real) and not isinstance(strength, bool) and strength >= 0)):
            self.fail(snode, f"strength {strength!r} must be weak, medium, strong or a number ≥ 0")
        return Effect(var, 1 if polarity == "+" else -1, strength if isinstance(strength, str) else float(strength))

    def from_map(self, node: yaml.Node, item) -> list[Effect]:
        fields = self.mapping(node, item, _FROM_MAP_KEYS, "a from_map entry")
        anode, name = fields["from_map"]
        try:
            action = self.cmap.resolve(str(name))
        except UnknownVariableError as exc:
            self.fail(anode, str(exc))
        if self.cmap.graph.nodes[action].get("kind") != "action":
            self.fail(anode, f"from_map copies the links of an action of the map, and {action!r} is not one "
                      "(kind: action)")
        effects = []
        for target, sign, strength in map_effects(self.cmap, action):
            if not pushable(self.cmap, target):
                self.fail(anode, f"the map's link {action} → {target} goes into a variable that "
                          f"{_what(self.cmap, target)}, which an idea cannot push; list the effects by hand")
            effects.append(Effect(target, sign, strength, from_map=action))
        if not effects:
            self.fail(anode, f"the map has no link out of {action!r} with polarity + or -; add one with "
                      "'gmb link add', or list the effects by hand")
        return effects


def map_effects(cmap: CausalMap, action: str) -> list[tuple[str, int, str | float]]:
    """``(target, sign, strength)`` of each link out of ``action`` with polarity + or -, in map order;
    a link without a strength has the model's default."""
    return [(v, 1 if attrs["polarity"] == "+" else -1, _strength(attrs.get("strength")))
            for u, v, attrs in cmap.links() if u == action and attrs.get("polarity") in ("+", "-")]


def pushable(cmap: CausalMap, var: str) -> bool:
    """Whether an idea can push ``var``: an index variable without its own equation."""
    attrs = cmap.graph.nodes[var]
    return attrs.get("kind", "index") == "index" and attrs.get("equation") is None


def _what(cmap: CausalMap, var: str) -> str:
    kind = cmap.graph.nodes[var].get("kind", "index")
    return "follows its own equation" if kind == "index" else f"is a {kind}"


def _strength(strength) -> str | float:
    if strength is None:
        return DEFAULT_STRENGTH
    return strength if isinstance(strength, str) else float(strength)
