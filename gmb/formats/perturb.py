"""Link polarities by perturbation: run an imported model's baseline, then nudge each cause.

The model's equations (safe syntax trees, :mod:`gmb.formats.expressions`) are run with Euler steps
from the start to the end of the model's run; SMOOTH/DELAY calls keep their own first-order state,
INITIAL its first value. At the start and at :data:`POINTS` - 1 more times along the run, each cause
an equation reads is nudged up and down in that equation: ``+`` if the result moves with it at every
point, ``-`` if against it, ``?`` with the reason if its sign changes along the run, if it never has
an effect, or if the equation cannot be evaluated (a function gmb does not know poisons only the
variables that depend on it: where a cause's value is unknown, the sign must hold for every value
of it in :data:`PROBES`).

Example
-------
>>> from gmb.formats.expressions import parse
>>> equations = {"rate": parse("g * stock"), "g": parse("0.1")}
>>> run = Baseline(equations, {"stock": parse("1")}, {"stock": (["rate"], [])}, stop=10, dt=1)
>>> [(t, round(p["stock"], 4)) for t, p in run.points]
[(0.0, 1.0), (2.0, 1.21), (5.0, 1.6105), (8.0, 2.1436), (10.0, 2.5937)]
>>> run.polarity("g", "rate")
('+', '')
"""

from __future__ import annotations

import math

import networkx as nx

from gmb.formats.evaluator import KNOWN_FUNCTIONS, STATEFUL, Clock, evaluate, local_signs
from gmb.formats.expressions import ExpressionError, children, functions, references

__all__ = ["Baseline", "POINTS", "PROBES", "MAX_STEPS"]

POINTS = 5
"""The start and this many minus one more times, evenly along the run, where causes are nudged."""
PROBES = (-10.0, -1.0, -0.1, 0.1, 1.0, 10.0)
"""Values tried for a cause whose value gmb cannot compute."""
MAX_STEPS = 2000
"""A longer run is stepped more coarsely (the polarities need its direction, not its precision)."""


class Baseline:
    """The run of a model: ``equations`` of auxiliaries and flows, ``initials`` of stocks, ``flows``
    (stock → (inflows, outflows)), ``lookups``; ``points`` holds (time, values) where causes are nudged."""

    def __init__(self, equations: dict, initials: dict, flows: dict, lookups: dict | None = None,
                 start: float = 0.0, stop: float | None = None, dt: float | None = None):
        self.equations, self.initials, self.flows = equations, initials, flows
        self.lookups = lookups or {}
        self.start = start
        self.stop = stop if stop is not None and stop > start else start
        dt = dt if dt and dt > 0 else 1.0
        self.dt = max(dt, (self.stop - self.start) / MAX_STEPS) if self.stop > self.start else dt
        self.why: dict[str, str] = {}  # variable → why its value is unknown
        for name, tree in list(equations.items()) + list(initials.items()):
            unknown = sorted(f for f in functions(tree) if f not in KNOWN_FUNCTIONS and f not in self.lookups)
            if unknown:
                self.why[name] = f"it uses {', '.join(u.upper() for u in unknown)}, which gmb cannot evaluate"
        self.points: list[tuple[float, dict[str, float]]] = []
        if equations or initials:
            self._run()

    # -- the run -----------------------------------------------------------------------------
    def _order(self, first: bool) -> list[str]:
        """Auxiliaries (and, at the start, stocks) in the order they can be computed: at the start a
        stateful call needs its input; later it holds its state and needs nothing."""
        graph = nx.DiGraph()
        trees = dict(self.equations) | (dict(self.initials) if first else {})
        for name, tree in trees.items():
            graph.add_node(name)
            graph.add_edges_from((ref, name) for ref in _instant_references(tree, first) if ref in trees)
        cyclic = {n for part in nx.strongly_connected_components(graph) for n in part
                  if len(part) > 1 or graph.has_edge(n, n)}
        for name in cyclic:
            self.why.setdefault(name, "its equation needs itself with no stock between")
        return list(nx.topological_sort(graph.subgraph(n for n in graph if n not in cyclic)))

    def _values(self, order, values: dict, clock: Clock) -> None:
        for name in order:
            tree = self.equations.get(name) if name in self.equations else self.initials[name]
            try:
                values[name] = evaluate(tree, values.__getitem__, self.lookups, clock)
            except ExpressionError:
                values.pop(name, None)

    def _run(self) -> None:
        clock = Clock(self.start, self.dt, None)
        values = self._clock_values(clock)
        self._values(self._order(first=True), values, clock)
        states = self._states(values, clock)
        order = self._order(first=False)
        steps = max(0, round((self.stop - self.start) / self.dt))
        marks = {round(steps * k / (POINTS - 1)) for k in range(POINTS)} if steps else {0}
        stocks = {name: values.get(name) for name in self.initials}
        for step in range(steps + 1):
            clock = Clock(self.start + step * self.dt, self.dt, states)
            values = self._clock_values(clock) | {k: v for k, v in stocks.items() if v is not None}
            self._values(order, values, clock)
            if step in marks:
                self.points.append((clock.time, dict(values)))
            if step == steps:
                break
            try:
                for name, (inflows, outflows) in self.flows.items():
                    if stocks.get(name) is not None:
                        rate = sum(values[f] for f in inflows) - sum(values[f] for f in outflows)
                        stocks[name] = _finite(stocks[name] + self.dt * rate)
            except KeyError as exc:
                stocks[name] = None
                self.why.setdefault(name, f"its flow {exc.args[0]!r} cannot be computed")
            except ArithmeticError:
                stocks[name] = None
            self._advance(states, values, clock)

    def _clock_values(self, clock: Clock) -> dict[str, float]:
        return {"time": clock.time, "dt": self.dt, "time step": self.dt, "saveper": self.dt,
                "initial time": self.start, "starttime": self.start, "final time": self.stop, "stoptime": self.stop}

    def _states(self, values: dict, clock: Clock) -> dict[int, float]:
        """Each stateful call's state at the start: its initial argument, else its input."""
        states: dict[int, float] = {}
        self._calls = []
        for name, tree in self.equations.items():
            for call in _stateful_calls(tree):
                args = call[2]
                initial = args[-1] if (call[1].endswith("i") or call[1] in ("delay fixed", "sample if true",
                                                                             "active initial")) and len(args) > 2 else args[0]
                if call[1] == "active initial" and len(args) > 1:
                    initial = args[1]
                try:
                    states[id(call)] = evaluate(initial, values.__getitem__, self.lookups, clock)
                    self._calls.append(call)
                except ExpressionError:
                    continue
        return states

    def _advance(self, states: dict, values: dict, clock: Clock) -> None:
        """One step of every stateful call: a first-order move towards its input over its time."""
        for call in self._calls:
            name, args = call[1], call[2]
            if name in ("initial", "init"):
                continue
            try:
                get = values.__getitem__
                if name == "sample if true":
                    if evaluate(args[0], get, self.lookups, clock):
                        states[id(call)] = evaluate(args[1], get, self.lookups, clock)
                    continue
                if name == "active initial":
                    states[id(call)] = evaluate(args[0], get, self.lookups, clock)
                    continue
                target = evaluate(args[0], get, self.lookups, clock)
                delay = evaluate(args[1], get, self.lookups, clock) if len(args) > 1 else self.dt
                move = self.dt / max(delay, self.dt)
                states[id(call)] = _finite(states[id(call)] + move * (target - states[id(call)]))
            except (ExpressionError, ArithmeticError):
                continue

    # -- polarities --------------------------------------------------------------------------
    def polarity(self, cause: str, effect: str) -> tuple[str, str]:
        """``(polarity, reason)`` of the link ``cause → effect`` in ``effect``'s equation (reason
        empty when the polarity is ``+`` or ``-``)."""
        tree = self.equations.get(effect)
        if tree is None:
            return "?", "its equation is not known"
        if effect in self.why and not any(v for v in references(tree) if v in self.why):
            return "?", self.why[effect]
        signs: list[tuple[float, int]] = []
        for time, values in self.points or [(self.start, self._clock_values(Clock(self.start, self.dt)))]:
            sign = self._sign(tree, cause, values, Clock(time, self.dt))
            if sign is not None:
                signs.append((time, sign))
        moving = [(t, s) for t, s in signs if s]
        kinds = {s for _, s in moving}
        if len(kinds) == 1:
            return ("+" if kinds == {1} else "-"), ""
        if len(kinds) == 2:
            up = next(t for t, s in moving if s > 0)
            down = next(t for t, s in moving if s < 0)
            return "?", f"its sign changes along the run (+ at time {up:g}, - at time {down:g})"
        if signs:
            return "?", "it has no effect at the start or along the run"
        unknown = [v for v in references(tree) if v in self.why]
        if unknown:
            return "?", f"it depends on {unknown[0]!r}, whose value gmb cannot compute ({self.why[unknown[0]]})"
        return "?", self.why.get(effect, "its equation cannot be evaluated here")

    def _sign(self, tree, cause: str, values: dict, clock: Clock) -> int | None:
        missing = [v for v in references(tree) if v not in values]
        if not missing:
            return local_signs(tree, values, self.lookups, clock).get(cause)
        if len(missing) > 2:
            return None
        found = set()
        for probe in _grid(len(missing)):
            trial = dict(values) | dict(zip(missing, probe))
            sign = local_signs(tree, trial, self.lookups, clock).get(cause)
            if sign is None:
                continue
            found.add(sign)
        found.discard(0)
        return found.pop() if len(found) == 1 else (0 if not found else None)


def _grid(n: int):
    if n == 1:
        return [(p,) for p in PROBES]
    return [(a, b) for a in PROBES for b in PROBES]


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ArithmeticError("not finite")
    return value


def _stateful_calls(tree):
    stack, found = [tree], []
    while stack:
        node = stack.pop()
        if node[0] == "call" and node[1] in STATEFUL and node[2]:
            found.append(node)
        stack.extend(children(node))
    return found


def _instant_references(tree, first: bool) -> set[str]:
    """The names whose current value the equation needs: after the start, not those read only by
    stateful calls (they hold their own state)."""
    if first:
        return set(references(tree))
    stack, found = [tree], set()
    while stack:
        node = stack.pop()
        if node[0] == "ref":
            found.add(node[1])
        elif not (node[0] == "call" and node[1] in STATEFUL and node[2]):
            stack.extend(children(node))
    return found
