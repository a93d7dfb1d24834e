"""From a stock-and-flow model (Vensim or XMILE, already read) to a causal map.

Each variable an equation reads becomes a link into the variable it defines; each flow into or out
of a stock becomes a link to the stock (``+`` in, ``-`` out, marked ``flow: true``). References in a
stock's initial value are left out: they set where the model starts, they cause nothing.
A link drawn with a polarity keeps it; any other link gets the polarity found by
:func:`gmb.formats.expressions.infer_polarities` at the model's initial state, and says so in its
``notes`` ("polarity inferred from the equation at the initial state"), or ``?`` with a note when it
cannot be inferred. Links through SMOOTH/DELAY functions are marked ``delay: true``. An arrow drawn
into a variable whose equation does not read its cause (a stale arrow, or one to a stock's initial
value) is left out, with a warning for the stale ones.

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
from typing import Any

import networkx as nx

from gmb.formats.builder import MapBuilder
from gmb.formats.expressions import ExpressionError, canonical, evaluate, infer_polarities, references
from gmb.formats.naming import IdMaker, clean_text

__all__ = ["StockFlowModel", "SFVariable", "INFERRED", "NOT_INFERRED"]

INFERRED = "polarity inferred from the equation at the initial state"
NOT_INFERRED = "polarity could not be inferred from the equation; set it by hand"


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
        values = self._initial_values()
        for key, var in self.variables.items():
            builder.add_variable(id_of[key], self._attrs(key, var, values), where=var.where)
        layout = {id_of[k]: [x, y] for k, (x, y) in self.positions.items() if k in id_of}
        if layout:
            builder.meta["layout"] = layout
        links: dict[tuple[str, str], dict] = {}
        unknown: dict[str, None] = {}
        for key, var in self.variables.items():
            for src, attrs in self._links_into(key, var, values).items():
                if src in self.variables:
                    links[src, key] = attrs
                elif src != "time":
                    unknown[src] = None
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
                if attrs.get("notes") in (INFERRED, NOT_INFERRED):
                    del attrs["notes"]
            if drawn.get("delay"):
                attrs["delay"] = True
        for (src, dst), attrs in links.items():
            builder.add_link(id_of[src], id_of[dst], attrs, where=self.variables[dst].where)
        if stale:
            self.warnings.append(f"{self.path}: {len(stale)} drawn arrow(s) not in the equations left out "
                                 f"({', '.join(stale[:3])}{' …' if len(stale) > 3 else ''})")
        if unknown:
            shown = ", ".join(list(unknown)[:5]) + (" …" if len(unknown) > 5 else "")
            self.warnings.append(f"{self.path}: equations read name(s) that no variable has ({shown}); "
                                 "those links are left out")
        builder.warnings.extend(self.warnings)

    # -- internals ---------------------------------------------------------------------------
    def _attrs(self, key: str, var: SFVariable, values: dict[str, float]) -> dict:
        attrs = {"label": var.name}
        if var.kind == "stock":
            attrs["kind"] = "stock"
            if key in values:
                attrs["initial"] = values[key]
        elif var.expr is not None and not references(var.expr) and key in values:
            attrs["kind"] = "constant"
        attrs.update({k: v for k, v in var.attrs.items() if v not in (None, "")})
        return attrs

    def _links_into(self, key: str, var: SFVariable, values: dict[str, float]) -> dict[str, dict]:
        links: dict[str, dict] = {}
        for flow, sign in [(f, "+") for f in var.inflows] + [(f, "-") for f in var.outflows]:
            links[flow] = {"polarity": sign, "flow": True}
        if var.expr is not None:
            signs = infer_polarities(var.expr, values, self.lookups)
            for name, delayed in references(var.expr).items():
                if name in links:
                    continue
                sign = signs.get(name, "?")
                links[name] = {"polarity": sign, "notes": INFERRED if sign != "?" else NOT_INFERRED}
                if delayed:
                    links[name]["delay"] = True
        for name in var.refs:
            links.setdefault(name, {"polarity": "?"})
        return links

    def _initial_values(self) -> dict[str, float]:
        """Every variable's value at the start, where it can be computed (in dependency order)."""
        graph = nx.DiGraph()
        equations = {}
        for key, var in self.variables.items():
            tree = var.initial if var.kind == "stock" else var.expr
            if tree is None:
                continue
            equations[key] = tree
            graph.add_node(key)
            graph.add_edges_from((name, key) for name in references(tree))
        values: dict[str, float] = {"time": self.start_time}
        cyclic = {n for part in nx.strongly_connected_components(graph) for n in part
                  if len(part) > 1 or graph.has_edge(n, n)}
        order = nx.topological_sort(graph.subgraph(n for n in graph if n not in cyclic))
        for key in order:
            if key in equations:
                try:
                    values[key] = evaluate(equations[key], values.__getitem__, self.lookups)
                except ExpressionError:
                    continue
        values.pop("time")
        return values
