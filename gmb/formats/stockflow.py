"""From a stock-and-flow model (Vensim or XMILE, already read) to a causal map.

Each variable an equation reads becomes a link into the variable it defines; each flow into or out
of a stock becomes a link to the stock (``+`` in, ``-`` out, marked ``flow: inflow|outflow``).
References in a stock's initial value are left out: they set where the model starts, they cause
nothing. A link drawn with a polarity keeps it; any other link gets the polarity found by
:mod:`gmb.formats.perturb` (at the start and along the model's run) with the note :data:`INFERRED`,
or ``?`` with a note saying why. Links through SMOOTH/DELAY functions are marked ``delay: true``.
An arrow drawn into a variable whose equation does not read its cause is left out (with a warning
unless it only sets a stock's initial value). The model is kept for ``gmb simulate``: stocks with
their initial values, constants with their values (``kind: constant``), every other equation as
``equation:`` where a map's equation can say it (:mod:`gmb.formats.mapequations`; else a warning
names what it uses), and the run's times in the map's description.

Example
-------
>>> from gmb.formats.builder import MapBuilder
>>> from gmb.formats.expressions import parse
>>> model = StockFlowModel("demo.mdl")
>>> _ = model.add("Cooling", "flow", expr=parse("Heat / Cooling time"))
>>> _ = model.add("Heat", "stock", initial=parse("100"), outflows=["cooling"])
>>> _ = model.add("Cooling time", "aux", expr=parse("10"))
>>> builder = MapBuilder("demo.mdl")
>>> model.build(builder)
>>> cmap, _ = builder.finish()
>>> [(u, v, a["polarity"]) for u, v, a in cmap.links()]
[('heat', 'cooling', '+'), ('cooling_time', 'cooling', '-'), ('cooling', 'heat', '-')]
>>> cmap.graph.nodes["heat"]["kind"], cmap.graph.nodes["heat"]["initial"]
('stock', 100.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gmb.formats.builder import MapBuilder
from gmb.formats.evaluator import PURE_FUNCTIONS
from gmb.formats.expressions import canonical, functions, references
from gmb.formats.mapequations import to_map_equation
from gmb.formats.naming import IdMaker, clean_text
from gmb.formats.perturb import Baseline

__all__ = ["StockFlowModel", "SFVariable", "INFERRED", "NOT_INFERRED", "CONTROL_NAMES", "TIME_NAMES"]

INFERRED = "polarity inferred from the equation, at the start and along the run"
NOT_INFERRED = "polarity could not be inferred from the equation"
CONTROL_NAMES = frozenset({"initial time", "final time", "time step", "saveper"})
"""Vensim's run settings: equations of the model, not variables of the map."""
TIME_NAMES = CONTROL_NAMES | {"time", "dt", "starttime", "stoptime"}
"""The clock's names in Vensim and XMILE: never variables, never prefixed with a module's name."""


@dataclass
class SFVariable:
    """One variable of a model: its name, kind (stock, flow or aux) and equations (syntax trees)."""

    name: str
    kind: str
    expr: Any = None
    initial: Any = None
    inflows: list[str] = field(default_factory=list)
    outflows: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    attrs: dict = field(default_factory=dict)
    where: int | str | None = None


class StockFlowModel:
    """Variables by canonical name, drawn links, lookups and layout; :meth:`build` fills a MapBuilder."""

    def __init__(self, path: str, start_time: float = 0.0):
        self.path, self.start_time = str(path), start_time
        self.stop_time: float | None = None
        self.dt: float | None = None
        self.saveper: float | None = None
        self.controls: dict[str, str] = {}
        self.variables: dict[str, SFVariable] = {}
        self.drawn: dict[tuple[str, str], dict] = {}
        self.lookups: dict[str, list[tuple[float, float]]] = {}
        self.positions: dict[str, tuple[float, float]] = {}
        self.warnings: list[str] = []

    def add(self, name: str, kind: str, key: str | None = None, **fields: Any) -> SFVariable:
        """Add a variable (or return the one of that name, filling in what it lacked)."""
        key = key or canonical(name)
        variable = self.variables.get(key)
        if variable is None:
            variable = self.variables[key] = SFVariable(clean_text(name) or key, kind, **fields)
        else:
            for attr, value in fields.items():
                if value and not getattr(variable, attr):
                    setattr(variable, attr, value)
            if kind != "aux":
                variable.kind = kind
        return variable

    def set_times(self, start: float | None, stop: float | None, dt: float | None, saveper: float | None) -> None:
        """The run's settings, where the file gives them (a time step must be positive)."""
        self.start_time = start if start is not None else self.start_time
        self.stop_time = stop
        self.dt = dt if dt is not None and dt > 0 else None
        self.saveper = saveper if saveper is not None and saveper > 0 else self.dt

    def draw(self, src: str, dst: str, polarity: str | None, delay: bool = False) -> None:
        """A link drawn in the diagram (canonical names), with its polarity if one is drawn."""
        if src != dst:
            link = self.drawn.setdefault((src, dst), {})
            link["polarity"] = polarity or link.get("polarity")
            link["delay"] = delay or link.get("delay", False)

    def build(self, builder: MapBuilder) -> None:
        """Add the variables and links to ``builder`` (ids made from the names)."""
        ids, id_of = IdMaker(), {}
        for key, var in self.variables.items():
            id_of[key] = ids.make(key)
        run = self.baseline()
        values = run.points[0][1] if run.points else {}
        fallback: list[str] = []
        for key, var in self.variables.items():
            builder.add_variable(id_of[key], self._attrs(key, var, values, id_of, fallback), where=var.where)
        layout = {id_of[k]: [x, y] for k, (x, y) in self.positions.items() if k in id_of}
        if layout:
            builder.meta["layout"] = layout
        if self.stop_time is not None and self.dt:
            builder.meta["description"] = (f"Imported from {Path(self.path).name}: its run goes from "
                                           f"{self.start_time:g} to {self.stop_time:g} in steps of {self.dt:g}; "
                                           f"simulate it with a scenario file of horizon {self.stop_time - self.start_time:g} "
                                           f"and --dt {self.dt:g}.")
        links: dict[tuple[str, str], dict] = {}
        unknown: dict[str, None] = {}
        for key, var in self.variables.items():
            for src, attrs in self._links_into(key, var, run).items():
                if src in self.variables:
                    links[src, key] = attrs
                elif src not in TIME_NAMES:
                    unknown[src] = None
        stale = self._drawn(links)
        for (src, dst), attrs in links.items():
            builder.add_link(id_of[src], id_of[dst], attrs, where=self.variables[dst].where)
        if stale:
            self.warnings.append(f"{self.path}: {len(stale)} drawn arrow(s) not in the equations left out "
                                 f"({', '.join(stale[:3])}{' …' if len(stale) > 3 else ''})")
        if unknown:
            shown = ", ".join(list(unknown)[:5]) + (" …" if len(unknown) > 5 else "")
            self.warnings.append(f"{self.path}: equations read name(s) that no variable has ({shown}); "
                                 "those links are left out")
        if fallback:
            self.warnings.append(f"{self.path}: {len(fallback)} variable(s) keep the causal-map formulation in "
                                 "'gmb simulate' (they follow their causes), as their equations use what gmb's "
                                 f"simulator cannot run: {', '.join(fallback[:4])}{' …' if len(fallback) > 4 else ''}")
        builder.warnings.extend(self.warnings)

    def baseline(self) -> Baseline:
        """The model's run (:class:`~gmb.formats.perturb.Baseline`), for its initial values and polarities."""
        equations = {k: v.expr for k, v in self.variables.items() if v.kind != "stock" and v.expr is not None}
        initials = {k: v.initial for k, v in self.variables.items() if v.kind == "stock" and v.initial is not None}
        flows = {k: ([f for f in v.inflows if f in self.variables], [f for f in v.outflows if f in self.variables])
                 for k, v in self.variables.items() if k in initials}
        return Baseline(equations, initials, flows, self.lookups, self.start_time, self.stop_time, self.dt)

    # -- internals ---------------------------------------------------------------------------
    def _drawn(self, links: dict) -> list[str]:
        """Drawn arrows into ``links`` (their polarity wins); the stale ones, not in the equations."""
        stale: list[str] = []
        for (src, dst), drawn in self.drawn.items():
            if src not in self.variables or dst not in self.variables:
                continue
            target = self.variables[dst]
            if (src, dst) not in links and (target.expr is not None or target.inflows or target.outflows):
                if target.initial is None or src not in references(target.initial):
                    stale.append(f"{self.variables[src].name} → {target.name}")
                continue  # drawn but not in the equations (or only in a stock's initial value)
            attrs = links.setdefault((src, dst), {"polarity": "?"})
            if drawn.get("polarity") in ("+", "-", "?"):
                sign = drawn["polarity"]
                if attrs.get("notes") == INFERRED and attrs["polarity"] not in (sign, "?"):
                    self.warnings.append(f"{self.path}: link {self.variables[src].name} → {self.variables[dst].name} "
                                         f"is drawn {sign} but its equation implies {attrs['polarity']}; kept {sign}")
                attrs["polarity"] = sign
                if "flow" not in attrs:
                    attrs.pop("notes", None)
            if drawn.get("delay"):
                attrs["delay"] = True
        return stale

    def _attrs(self, key: str, var: SFVariable, values: dict[str, float], id_of: dict, fallback: list) -> dict:
        attrs: dict[str, Any] = {"label": var.name}
        if var.kind == "stock":
            attrs["kind"] = "stock"
            if key in values:
                attrs["initial"] = values[key]
        elif var.expr is not None and not references(var.expr) and functions(var.expr) <= PURE_FUNCTIONS \
                and key in values:
            attrs["kind"] = "constant"
            attrs["initial"] = values[key]
        elif var.expr is not None:
            text, missing = to_map_equation(var.expr, id_of, self.start_time, self.lookups, self._dialect(),
                                            {"final time": self.stop_time, "saveper": self.saveper})
            if text is not None:
                attrs["equation"] = text
            else:
                fallback.append(f"{missing} in {var.name!r}")
                if values.get(key, 0) > 0:
                    attrs["initial"] = values[key]
        attrs.update({k: v for k, v in var.attrs.items() if v not in (None, "")})
        return attrs

    def _dialect(self) -> str:
        return "vensim" if Path(self.path).suffix.lower() == ".mdl" else "xmile"

    def _links_into(self, key: str, var: SFVariable, run: Baseline) -> dict[str, dict]:
        links: dict[str, dict] = {}
        for flow, sign in [(f, "+") for f in var.inflows] + [(f, "-") for f in var.outflows]:
            links[flow] = {"polarity": sign, "flow": "inflow" if sign == "+" else "outflow"}
        if var.expr is not None and var.kind != "stock":
            for name, delayed in references(var.expr).items():
                if name in links or name in TIME_NAMES:
                    continue
                sign, reason = run.polarity(name, key)
                links[name] = {"polarity": sign, "notes": INFERRED if sign != "?" else f"{NOT_INFERRED}: {reason}; set it by hand"}
                if delayed:
                    links[name]["delay"] = True
        for name in var.refs:
            links.setdefault(name, {"polarity": "?", "notes": f"{NOT_INFERRED}: it could not be read; set it by hand"})
        return links
