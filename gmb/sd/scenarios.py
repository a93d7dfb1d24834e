"""Scenario files: named what-if runs, each a list of interventions, read with line numbers.

A scenario file (e.g. ``workshops/<site>/scenarios.yaml``)::

    horizon: 120            # how long to simulate, in time units (default 10 years)
    time_unit: month        # month (default) or year
    dt: 0.25                # optional Euler step, in time units
    scenarios:
      safe_routes:
        label: {da: Sikre skoleveje, en: Safe routes to school}
        interventions:
          - {action: safe_bike_paths, level: 1, start: 12, ramp: 12}  # switch an action on
          - {push: screen_limits, by: 0.2, start: 6, ramp: 12}        # push a variable by a share
          - {link: [parental_worry, screen_limits], strength: strong} # change a link's strength
          - {constant: parents_resources, value: 0.8}                 # set a constant

A push adds ``by`` to the variable's indicated value (0.2 = 20 % of today's level), rising linearly
from ``start`` over ``ramp`` (0 = at once); an action goes to ``level`` the same way. A mistake
names the file, the line and the scenario.

On a map with segments (:mod:`gmb.maps.segments`) a push or an action on a per-segment variable may
say whom it reaches: ``reach: {exposed: 0.3, others: 0.7}`` gives each segment's copy ``by`` (or
``level``) times its share reached (a segment not named: 0; no ``reach:``: everyone); a constant that
is per segment is set so that its population average is ``value``, each copy in proportion to its
start. A scenario may say which kind of action it is, ``offer: universal | targeted | structural``;
otherwise it is read off its reach (:mod:`gmb.sd.reach`).

Example
-------
>>> import tempfile, pathlib
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.sd.spec import build_spec
>>> cmap = CausalMap.new("demo")
>>> cmap.add_variable("sleep", {"da": "Søvn", "en": "Sleep"})
>>> path = pathlib.Path(tempfile.mkdtemp()) / "scenarios.yaml"
>>> _ = path.write_text("horizon: 2\\ntime_unit: year\\nscenarios:\\n  more_sleep:\\n"
...                     "    - {push: Søvn, by: 0.1, ramp: 0.5}\\n", encoding="utf-8")
>>> plan = load_scenarios(path, cmap, build_spec(cmap))
>>> plan.horizon, plan.scenarios[0].settings
(24.0, {'push_sleep': 0.1, 'push_start_sleep': 0.0, 'push_ramp_sleep': 6.0})
"""

from __future__ import annotations

import math
import numbers
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from gmb.errors import MapFileError, UnknownVariableError
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import read_yaml
from gmb.maps.yamledit import parse_named
from gmb.maps.yamlfields import FieldReader
from gmb.sd.reach import offer_of
from gmb.sd.spec import ModelSpec

__all__ = ["Scenario", "ScenarioPlan", "load_scenarios", "plural", "BASELINE", "TIME_UNITS", "OFFERS"]

BASELINE = "baseline"
"""The name of the run without interventions, which every scenario is compared against."""
TIME_UNITS = {"month": 1.0, "months": 1.0, "måned": 1.0, "måneder": 1.0,
              "year": 12.0, "years": 12.0, "år": 12.0}
"""Time units a scenario file may use, in months (the model's unit)."""
_PLURALS = {"month": "months", "year": "years", "måned": "måneder"}


def plural(unit: str) -> str:
    """A time unit as a count of it reads: ``plural("month")`` is ``'months'``, ``plural("år")`` ``'år'``."""
    return _PLURALS.get(unit, unit)


_FILE_KEYS = ("horizon", "time_unit", "dt", "scenarios")
_SCENARIO_KEYS = ("label", "description", "offer", "interventions")
_KINDS = {"push": ("by", "start", "ramp", "reach"), "action": ("level", "start", "ramp", "reach"),
          "link": ("strength",), "constant": ("value",)}
OFFERS = ("universal", "targeted", "structural")
"""The municipal handbook's three kinds of action: the same offer for all (*lighed*), more for those who
need it (*retfærdighed*), and a change of the conditions for everyone (*frihed*)."""


@dataclass
class Scenario:
    """One run: its name, label and the model constants it sets (``settings``, times in months)."""

    name: str
    label: str | dict | None = None
    settings: dict[str, float] = field(default_factory=dict)
    line: int | None = None
    offer: str | None = None
    """universal, targeted or structural (:data:`OFFERS`): as the file says, else read off its reach on a
    map with segments (:func:`gmb.sd.reach.offer_of`), else None."""
    reach: dict[str, float] = field(default_factory=dict)
    """The smallest and largest reach of its pushes and actions per segment (for :func:`offer_of`)."""


@dataclass
class ScenarioPlan:
    """A scenario file: horizon and dt in months, the unit to report times in, and the scenarios."""

    path: str
    horizon: float
    time_unit: str
    dt: float | None
    scenarios: list[Scenario]

    @property
    def unit_months(self) -> float:
        """How many months one reporting time unit is."""
        return TIME_UNITS[self.time_unit]

    def tunable(self) -> set[str]:
        """Every model constant some scenario sets."""
        return {name for s in self.scenarios for name in s.settings}


def load_scenarios(path: str | os.PathLike, cmap: CausalMap, spec: ModelSpec, text: str | None = None) -> ScenarioPlan:
    """Read and check a scenario file against a map and its model spec; ``text``, if given, is read
    as the file's content (an edit checks its result before saving it, :mod:`gmb.sd.scenario_edit`)."""
    return _Reader(Path(path), cmap, spec).plan(text)


class _Reader(FieldReader):
    def __init__(self, path: Path, cmap: CausalMap, spec: ModelSpec):
        super().__init__(path)
        self.cmap, self.spec = cmap, spec
        self.scale = 1.0

    def plan(self, text: str | None = None) -> ScenarioPlan:
        root, data = parse_named(self.path, text) if text is not None else read_yaml(
            self.path, missing="check the path of the scenario file (an example to start from: "
                               "workshops/havndal/scenarios.yaml)")
        if not isinstance(root, yaml.MappingNode):
            raise MapFileError(self.path, "is not a scenario file (expected 'horizon:' and 'scenarios:')", line=1)
        fields = self.mapping(root, data, _FILE_KEYS, "the file")
        unit_node, unit = fields.get("time_unit", (None, "month"))
        if unit not in TIME_UNITS:
            self.fail(unit_node, f"time_unit {unit!r} is not one of month, year")
        scale = self.scale = TIME_UNITS[unit]
        horizon = self.number(*fields.get("horizon", (root, 120 / scale)), "horizon", positive=True)
        dt = self.number(*fields["dt"], "dt", positive=True) * scale if "dt" in fields else None
        if dt is not None and not _divides(dt, horizon * scale):
            self.fail(fields["dt"][0], f"dt {dt / scale:g} does not divide the horizon {horizon:g} into whole "
                      "steps; choose a dt that does, e.g. 1/4 or 1/8 of a time unit")
        if "scenarios" not in fields:
            self.fail(root, "no 'scenarios:'; add named scenarios, each a list of interventions")
        node, scenarios = fields["scenarios"]
        if not isinstance(node, yaml.MappingNode) or not scenarios:
            self.fail(node, "'scenarios' must map each scenario's name to its interventions")
        named = self.mapping(node, scenarios, None, "scenarios")
        runs = [self.read_scenario(knode, *named[knode.value]) for knode, _ in node.value]
        return ScenarioPlan(str(self.path), horizon * scale, unit, dt, runs)

    def number(self, node: yaml.Node, value, what: str, positive: bool = False, minimum: float | None = None):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            self.fail(node, f"{what} {value!r} must be a number")
        if not math.isfinite(value):
            self.fail(node, f"{what} {value!r} must be a finite number")
        if positive and value <= 0:
            self.fail(node, f"{what} {value!r} must be positive")
        if minimum is not None and value < minimum:
            self.fail(node, f"{what} {value!r} must be at least {minimum:g}")
        return float(value)

    def read_scenario(self, knode: yaml.Node, vnode: yaml.Node, value) -> Scenario:
        name = knode.value
        self.item = f"scenario {name!r}"
        if name.casefold() == BASELINE:
            self.fail(knode, f"{name!r} is the run without interventions; give the scenario another name")
        scenario = Scenario(name, line=knode.start_mark.line + 1)
        if isinstance(vnode, yaml.MappingNode):
            fields = self.mapping(vnode, value, _SCENARIO_KEYS, f"scenario {name!r}")
            label_node, label = fields.get("label", (None, None))
            if label is not None and not (isinstance(label, str) or isinstance(label, dict) and label and all(
                    isinstance(text, str) and text for text in label.values())):
                self.fail(label_node, "label must be text or {da: TEXT, en: TEXT} (quote text that has commas)")
            scenario.label = label
            if "offer" in fields:
                offer_node, offer = fields["offer"]
                if offer not in OFFERS:
                    self.fail(offer_node, f"offer {offer!r} must be one of {', '.join(OFFERS)} (the same offer for "
                              "all, more where the need is greater, a change of the conditions for everyone)")
                scenario.offer = offer
            vnode, value = fields.get("interventions", (vnode, None))
        if not isinstance(vnode, yaml.SequenceNode) or not value:
            self.fail(vnode, "give a list of interventions, e.g. - {action: ACTION, level: 1, start: 12}")
        seen: dict[str, int] = {}
        for item_node, item in zip(vnode.value, value):
            for param, number in self.intervention(item_node, item).items():
                if param in seen:
                    self.fail(item_node, f"sets the same thing as line {seen[param]}; keep one")
                seen[param] = item_node.start_mark.line + 1
                scenario.settings[param] = number
            scenario.reach = self.reached(scenario.reach, item)
        if scenario.offer is None:
            scenario.offer = offer_of(self.spec, scenario.settings, scenario.reach)
        return scenario

    def reached(self, so_far: dict, item) -> dict:
        """The lowest reach per segment over the scenario's pushes and actions so far."""
        reach = item.get("reach") if isinstance(item, dict) else None
        if not isinstance(reach, dict) or not self.spec.segmentation:
            return so_far
        every = {s: float(reach.get(s, 0.0)) for s in self.spec.segmentation.ids}
        return {s: min(so_far.get(s, 1.0), every[s]) for s in every}

    def intervention(self, node: yaml.Node, item) -> dict[str, float]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, "an intervention is a mapping such as {push: VARIABLE, by: 0.1}")
        kinds = [k for k in _KINDS if k in item]
        if len(kinds) != 1:
            self.fail(node, "an intervention has one of push:, action:, link:, constant: "
                      f"(found {', '.join(kinds) or 'none'})")
        kind = kinds[0]
        fields = self.mapping(node, item, (kind, *_KINDS[kind]), f"a {kind} intervention")
        target_node, target = fields[kind]
        required = {"push": "by", "constant": "value", "link": "strength"}.get(kind)
        if required and required not in fields:
            self.fail(node, f"a {kind} intervention needs {required}:")
        timing = {key: self.number(*fields[key], key, minimum=0) * self.scale
                  for key in ("start", "ramp") if key in fields}
        if kind == "link":
            return self.link(target_node, target, *fields["strength"])
        var = self.variable(target_node, target)
        copies = self.spec.copies(var.id)
        if copies and kind == "constant":  # the average becomes value, each group's copy in proportion
            self.expect_kind(target_node, self.spec.variables[next(iter(copies.values()))], "constant", var.id)
            value = self.number(*fields["value"], "value")
            return {self.spec.variables[c].params["value"]: value * self.spec.variables[c].initial / var.initial
                    for c in copies.values()}
        if copies:
            return self.per_segment(node, var.id, kind, copies, fields, timing)
        if "reach" in fields:
            why = "the map has no segments" if not self.spec.segmentation else \
                f"{var.id!r} is shared (one value for the town), so it reaches everyone: a structural change"
            self.fail(fields["reach"][0], f"reach: {why}; remove reach")
        if kind == "constant":
            self.expect_kind(target_node, var, "constant")
            return {var.params["value"]: self.number(*fields["value"], "value")}
        if kind == "action":
            self.expect_kind(target_node, var, "action")
            level = self.number(*fields.get("level", (node, 1)), "level")
            return {var.params["level"]: level, var.params["start"]: timing.get("start", 0.0),
                    var.params["ramp"]: timing.get("ramp", 0.0)}
        self.expect_kind(target_node, var, "index")
        return {var.params["push"]: self.number(*fields["by"], "by"),
                var.params["push_start"]: timing.get("start", 0.0), var.params["push_ramp"]: timing.get("ramp", 0.0)}

    def per_segment(self, node: yaml.Node, var: str, kind: str, copies: dict[str, str], fields: dict,
                    timing: dict) -> dict[str, float]:
        """A push or an action on a per-segment variable: each segment's copy gets it times its reach."""
        reach = self.reach(*fields["reach"]) if "reach" in fields else {s: 1.0 for s in copies}
        settings = {}
        for segment, copy in copies.items():
            own = self.spec.variables[copy]
            self.expect_kind(fields[kind][0], own, "action" if kind == "action" else "index", var)
            if kind == "action":
                level = self.number(*fields.get("level", (node, 1)), "level") * reach[segment]
                settings |= {own.params["level"]: level, own.params["start"]: timing.get("start", 0.0),
                             own.params["ramp"]: timing.get("ramp", 0.0)}
            else:
                settings |= {own.params["push"]: self.number(*fields["by"], "by") * reach[segment],
                             own.params["push_start"]: timing.get("start", 0.0),
                             own.params["push_ramp"]: timing.get("ramp", 0.0)}
        return settings

    def reach(self, node: yaml.Node, reach) -> dict[str, float]:
        """``reach: {SEGMENT: share reached, …}``, each 0–1; a segment it does not name is not reached."""
        ids = self.spec.segmentation.ids
        example = ", ".join(f"{s}: 0.5" for s in ids)
        if not isinstance(reach, dict) or not reach:
            self.fail(node, f"reach must give the share of each segment the action reaches, e.g. reach: {{{example}}}")
        for (key_node, value_node), (segment, value) in zip(node.value, reach.items()):
            if segment not in ids:
                self.fail(key_node, f"reach names segment {segment!r}, which the map does not have (segments: "
                          f"{', '.join(ids)})")
            self.number(value_node, value, f"reach of {segment}", minimum=0)
            if value > 1:
                self.fail(value_node, f"reach of {segment} {value!r} must be a share from 0 to 1 (1: everyone in "
                          "the segment)")
        return {s: float(reach.get(s, 0.0)) for s in ids}

    def variable(self, node: yaml.Node, name):
        try:
            return self.spec.variables[self.cmap.resolve(str(name))]
        except UnknownVariableError as exc:
            self.fail(node, str(exc))

    def expect_kind(self, node: yaml.Node, var, kind: str, name: str | None = None) -> None:
        if var.kind == kind:
            return
        if name is not None:  # a per-segment copy: name the map's variable
            var = replace(var, id=name)
        fixes = {"constant": f"it is a constant; set it with {{constant: {var.id}, value: ...}}",
                 "action": f"it is an action; switch it on with {{action: {var.id}, level: 1}}",
                 "index": f"it is an index variable; push it with {{push: {var.id}, by: 0.1}}",
                 "stock": "it is a stock; push the causes of its flows instead",
                 "equation": "it follows its own equation; push one of its causes instead"}
        verb = {"constant": "set as a constant", "action": "switched on", "index": "pushed"}[kind]
        self.fail(node, f"{var.id!r} cannot be {verb}: {fixes[var.kind]}")

    def link(self, node: yaml.Node, ends, strength_node: yaml.Node, strength) -> dict[str, float]:
        if not isinstance(ends, list) or len(ends) != 2:
            self.fail(node, "link: give its two ends, e.g. link: [screen_time, sleep]")
        source, target = (self.variable(n, e).id for n, e in zip(node.value, ends))
        original = self.spec.segmentation.original if self.spec.segmentation else (lambda var: var)
        found = [l for l in self.spec.links if (original(l.source), original(l.target)) == (source, target)]
        if not found:
            why = "the map has no such link" if not self.cmap.graph.has_edge(source, target) else \
                "it is not in the model (see ASSUMPTIONS.md: polarity ? or into an action, constant or equation)"
            self.fail(node, f"link {source} → {target} cannot be changed: {why}")
        if strength in self.spec.strengths:
            return {link.param: self.spec.strengths[strength] for link in found}
        value = self.number(strength_node, strength, "strength", minimum=0)
        return {link.param: value for link in found}


def _divides(step: float, horizon: float) -> bool:
    """Whether ``horizon`` is a whole number (at least 1) of ``step``."""
    steps = horizon / step
    return round(steps) >= 1 and abs(steps - round(steps)) <= 1e-9 * max(1.0, steps)
