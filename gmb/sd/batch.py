"""The numpy batch engine: a spec's model run K times at once, each run with its own settings.

The engine compiles the element trees the XMILE is written from (:func:`gmb.sd.formulas.model_elements`,
read by :mod:`gmb.sd.forms`) and runs them as PySD does: Euler steps, every state's change
computed from the values at the start of the step, TIME accumulated step by step, SMTH3 as three
first-order stages. A tree it does not know raises :class:`UnsupportedByBatch`, naming the
variable; run that model in PySD.

Example
-------
>>> import numpy as np
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.sd.spec import build_spec
>>> cmap = CausalMap.new("demo")
>>> cmap.add_variable("mood", "Humør", adjust_time=2)
>>> model = BatchModel(build_spec(cmap))
>>> batch = model.run({"push_mood": np.array([0.0, 0.5])}, final_time=4, dt=1.0)
>>> batch.times.tolist(), batch.values["mood"].tolist()   # the second run is PySDEngine's example
([0.0, 1.0, 2.0, 3.0, 4.0], [[1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.25, 1.375, 1.4375, 1.46875]])
>>> float(batch.run(1).values["mood"][-1])
1.46875
"""

from __future__ import annotations

import graphlib
import math
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable, Mapping, Sequence

import numpy as np

from gmb.errors import GmbError
from gmb.sd.compiled import Frame, Unsupported, compile_equation
from gmb.sd.equations import BinOp, Node, Num, references
from gmb.sd.forms import Term, match_adjustment, match_level, match_sum, unclip
from gmb.sd.formulas import model_elements
from gmb.sd.pysd_engine import Run, save_step
from gmb.sd.spec import DELAY_ORDER, ModelSpec, Variable

__all__ = ["BatchModel", "BatchRun", "UnsupportedByBatch", "BLOCK"]

BLOCK = 256
"""Runs stepped together inside :meth:`BatchModel.run`, so that their arrays stay in the CPU cache: fewer
for a model with more than ``BLOCK_ROWS`` states and links (e.g. one split into groups of children)."""
BLOCK_ROWS = 512


class UnsupportedByBatch(GmbError):
    """A model element the numpy engine cannot run; the message names the variable."""


@dataclass
class BatchRun:
    """K runs: the saved times (T,) and each kept variable's values, shape (K, T)."""

    times: np.ndarray
    values: dict[str, np.ndarray]

    def run(self, k: int) -> Run:
        """The ``k``-th run, as :class:`gmb.sd.pysd_engine.Run`."""
        return Run(self.times, {var: values[k] for var, values in self.values.items()})


@dataclass(frozen=True)
class _Index:
    """An index variable: its stock's start, τ and ``MIN(hi, MAX(lo, scale · (1 + terms + push)))``."""

    var: Variable
    initial: float
    tau: float
    scale: float
    lo: float
    hi: float
    push: tuple | None
    terms: tuple[Term, ...]


class BatchModel:
    """A spec compiled to numpy arrays, to run many settings at once (state shape: rows × runs).

    What is fast: each link is a row of a (links × runs) array, gathered from its cause's row and
    multiplied by its per-run weight; the links are ordered so that the j-th link of every
    variable is one contiguous slice, and the sums into the variables are a few slice additions.
    Index variables, stocks, actions and the SMTH3 stages are each updated as one block; a push or
    an action that is constant in time (e.g. from time 0 at once) costs nothing per step; runs are
    stepped :data:`BLOCK` at a time so the arrays stay in cache. A 100-variable / 250-link map takes
    about 1–1.4 µs per run and monthly step on one core (per-run weights for every link included),
    the example map about 0.15 ms per 120-step run. Pass thousands of runs to :meth:`run` at a
    time (5,000–10,000, in as many chunks per worker process as keeps them evenly busy; compile once
    per process, it pickles as its spec). User
    ``equation:`` variables are evaluated one by one (a few numpy calls each per step). Memory is
    the kept values, K × T × 8 bytes per output, plus a few MB.
    """

    def __init__(self, spec: ModelSpec):
        self.spec = spec
        self.variables: list[str] = list(spec.variables)
        self.parameters = spec.parameters()
        self._elements = {e.name: e for e in model_elements(spec)}
        self._index: list[_Index] = []
        self._stocks: list[tuple[Variable, list[Term]]] = []
        self._actions: list[tuple[Variable, tuple]] = []
        self._fixed: list[Variable] = []
        self._equations: dict[str, Node] = {}
        for var in spec.variables.values():
            self._read(var)
        self._layout()

    def __reduce__(self):
        """Pickled as its spec, and compiled again where it is unpickled (e.g. in a worker process)."""
        return BatchModel, (self.spec,)

    # -- compiling ---------------------------------------------------------------------------
    def _read(self, var: Variable) -> None:
        element = self._elements[var.name]
        if var.kind == "equation":
            self._equations[var.id] = element.equation
        elif var.kind in ("constant", "action") and element.equation == Num(var.initial):
            self._fixed.append(var)
        elif var.kind == "action" and (ramp := match_level(element.equation)):
            self._actions.append((var, ramp))
        elif var.kind == "stock" and element.kind == "stock" and isinstance(element.equation, Num):
            terms = []
            for names, sign in ((element.inflows, 1.0), (element.outflows, -1.0)):
                for name in names:
                    flow = match_sum(self._elements[name].equation, var.name)
                    if flow is None or flow[0] is not None or flow[2] is not None:
                        self._refuse(var, f"its flow {name} is not a sum of w · cause")
                    terms += [replace(t, sign=sign * t.sign) for t in flow[1]]
            self._stocks.append((var, terms))
        elif var.kind == "index" and element.kind == "stock" and isinstance(element.equation, Num):
            self._index.append(self._read_index(var, element))
        else:
            self._refuse(var, f"its {var.kind} element has a form it does not know")

    def _read_index(self, var: Variable, stock) -> _Index:
        change = self._elements[stock.inflows[0]] if len(stock.inflows) == 1 and not stock.outflows else None
        adjustment = change and match_adjustment(change.equation, var.name)
        indicated = adjustment and self._elements.get(adjustment[0])
        if not indicated:
            self._refuse(var, "its stock does not follow (indicated − value) / τ")
        node, lo, hi = unclip(indicated.equation)
        scale = 1.0
        if isinstance(node, BinOp) and node.op == "*" and isinstance(node.left, Num):
            scale, node = node.left.value, node.right
        total = match_sum(node, var.name)
        if total is None or total[0] != 1.0:
            self._refuse(var, f"{indicated.name} is not a clipped sum of link terms and a push")
        return _Index(var, stock.equation.value, adjustment[1], scale, lo, hi, total[2], tuple(total[1]))

    def _refuse(self, var: Variable, what: str):
        """Raise :class:`UnsupportedByBatch`; ``what`` says what is wrong with ``var``."""
        raise UnsupportedByBatch(f"the numpy engine cannot run variable {var.id!r}: {what}")

    def _layout(self) -> None:
        """Rows: index stocks and stocks (most links first), SMTH3 stages, actions and constants, equations."""
        self._index.sort(key=lambda i: -len(i.terms))
        self._stocks.sort(key=lambda s: -len(s[1]))
        groups = [[i.terms for i in self._index], [terms for _, terms in self._stocks]]
        every = [t for group in groups for terms in group for t in terms]
        smooths = list(dict.fromkeys(t.cause for t in every if isinstance(t.cause, tuple)))
        states = [i.var.name for i in self._index] + [v.name for v, _ in self._stocks]
        stages = [f"smooth {i} stage {stage}" for stage in range(DELAY_ORDER) for i in range(len(smooths))]
        others = [v.name for v, _ in self._actions] + [v.name for v in self._fixed]
        order = graphlib.TopologicalSorter({var: {ref for ref in references(tree) if ref in self._equations}
                                            for var, tree in self._equations.items()}).static_order()
        equations = [self.spec.variables[var] for var in order]
        self.rows = {name: row for row, name in enumerate(states + stages + others + [v.name for v in equations])}
        self.n_states = len(states) + len(stages)
        last = len(states) + (DELAY_ORDER - 1) * len(smooths)
        smooth_rows = {key: last + i for i, key in enumerate(smooths)}
        owner = {v.name: v for v in self.spec.variables.values()}
        for t in every:
            if (t.cause[0] if isinstance(t.cause, tuple) else t.cause) not in self.rows:
                self._refuse(owner[t.target], f"its cause {t.cause} is not a variable")
        self._equation_code = [(self.rows[v.name], self._compile(self._equations[v.id], v)) for v in equations]
        self._equation_refs = {self.rows[v.name]: {self.rows[self.spec.variables[ref].name]
                                                   for ref in references(self._equations[v.id]) if ref in self._equations}
                               for v in equations}
        # Slot j holds the j-th link of every state that has more than j: one contiguous slice.
        self._terms, self._slots, start = [], [], 0
        for group in groups:
            for j in range(max(map(len, group), default=0)):
                members = [terms[j] for terms in group if len(terms) > j]
                self._slots.append((start, start + len(members), len(self._terms), j == 0))
                self._terms += members
            start += len(group)
        sources = np.array([smooth_rows[t.cause] if isinstance(t.cause, tuple) else self.rows[t.cause]
                            for t in self._terms], dtype=np.intp)
        offsets = _column([t.offset for t in self._terms])
        self._slot_sources = [sources[row:row + stop - start] for start, stop, row, _ in self._slots]
        self._slot_offsets = [offsets[row:row + stop - start] for start, stop, row, _ in self._slots]
        scales = {i.var.name: i.scale for i in self._index}
        self._factors = _column([t.sign / t.scale * scales.get(t.target, 1.0) for t in self._terms])
        self._into_stock = _column([t.target not in scales for t in self._terms])
        # The commonest bounds are one clip with numbers (far cheaper than with a column of bounds); the
        # rows bounded otherwise (e.g. one group of children starting lower) are clipped again from a copy.
        bounds = Counter((i.lo, i.hi) for i in self._index).most_common(1)
        self._bounds = bounds[0][0] if bounds else (0.0, 0.0)
        odd = [row for row, i in enumerate(self._index) if (i.lo, i.hi) != self._bounds]
        self._odd_rows = np.array(odd, dtype=np.intp)
        self._odd_bounds = tuple(_column([getattr(self._index[row], key) for row in odd]) for key in ("lo", "hi"))
        self._stage_inputs = np.array([self.rows[name] for name, *_ in smooths], dtype=np.intp)
        self._stage_times = _column([time for _ in range(DELAY_ORDER) for _, time, _ in smooths])
        self._stage_initials = _column([initial for _ in range(DELAY_ORDER) for *_, initial in smooths])

    def _compile(self, node: Node, var: Variable) -> Callable[[Frame], np.ndarray]:
        """An equation tree as a function of the frame (rows, parameters, time)."""
        try:
            return compile_equation(node, self.rows, self.parameters, lambda ref: self.spec.variables[ref].name)
        except Unsupported as exc:
            self._refuse(var, str(exc))

    # -- running -------------------------------------------------------------------------------
    def run(self, settings: Mapping[str, float | np.ndarray], final_time: float, dt: float,
            adjust_times: Mapping[str, float | np.ndarray] | None = None, saveper: float | None = None,
            outputs: Sequence[str] | None = None) -> BatchRun:
        """Simulate from 0 to ``final_time`` (a whole number of steps ``dt``), once per run.

        ``settings`` maps scenario constants (:meth:`ModelSpec.parameters`) to a number or an array
        of K numbers, one per run (unset ones keep their baseline); ``adjust_times`` maps index
        variables to τ the same way. Values are kept every ``saveper`` (default :func:`save_step`)
        and at ``final_time``, for the ``outputs`` (variable ids; default all).
        """
        steps = _steps(final_time, dt, "final_time")
        every = _steps(save_step(dt) if saveper is None else saveper, dt, "saveper")
        saved = list(range(0, steps + 1, every)) + ([steps] if steps % every else [])
        times = np.round([k * (every * dt) for k in range(len(saved) - 1)] + [final_time], 10)
        kept = list(self.variables if outputs is None else outputs)
        unknown = [var for var in kept if var not in self.spec.variables]
        if unknown:
            raise GmbError(f"unknown output {unknown[0]!r}; give variable ids of the model")
        runs, inputs = self._inputs(settings, adjust_times or {})
        out = np.empty((len(kept), runs, len(saved)))
        out_rows = np.array([self.rows[self.spec.variables[var].name] for var in kept], dtype=np.intp)
        equations = self._needed(out_rows)
        columns = {step: column for column, step in enumerate(saved)}
        with np.errstate(all="ignore"):  # a ramp of 0 divides by 0 in the branch np.where drops
            size = max(BLOCK // 4, BLOCK * BLOCK_ROWS // max(BLOCK_ROWS, self.n_states + len(self._terms)))
            for start in range(0, runs, size):
                block = slice(start, min(start + size, runs))
                self._simulate(inputs, block, steps, dt, columns, out_rows, out[:, block], equations=equations)
        return BatchRun(times, {var: out[i] for i, var in enumerate(kept)})

    def _inputs(self, settings, adjust_times) -> tuple[int, dict]:
        unknown = [name for name in settings if name not in self.parameters]
        if unknown:
            raise GmbError(f"unknown model constant {unknown[0]!r}; settings are names of ModelSpec.parameters()")
        taus = {i.var.id for i in self._index}
        bad = [var for var in adjust_times if var not in taus]
        if bad:
            raise GmbError(f"adjust_times: {bad[0]!r} is not an index variable of the model")
        values = {**settings, **{("tau", var): value for var, value in adjust_times.items()}}
        values = {key: np.asarray(value, dtype=float) for key, value in values.items()}
        lengths = {value.shape[0] for value in values.values() if value.ndim == 1}
        if any(value.ndim > 1 for value in values.values()) or len(lengths) > 1:
            raise GmbError(f"settings must be numbers or 1-D arrays of one length, not lengths {sorted(lengths)}")
        return (lengths.pop() if lengths else 1), values

    def rates(self, states: np.ndarray, settings: Mapping[str, float | np.ndarray] | None = None,
              adjust_times: Mapping[str, float | np.ndarray] | None = None) -> np.ndarray:
        """The change per month of the state rows (the first :attr:`n_states` of :attr:`rows`) at time 0
        from ``states`` (n_states × K, one column per run): one Euler step of a month, less the start."""
        _, inputs = self._inputs(settings or {}, adjust_times or {})
        z = np.array(states, dtype=float)
        with np.errstate(all="ignore"):
            self._simulate(inputs, slice(0, z.shape[1]), 1, 1.0, {}, np.empty(0, np.intp), np.empty(0), start=z)
        return z - states

    def _needed(self, out_rows: np.ndarray) -> list:
        """The equations to evaluate each step: those the states' links and delays read, those kept as
        outputs, and the equations they read in turn (e.g. a segment's average that nothing reads is skipped)."""
        wanted = {int(row) for sources in self._slot_sources for row in sources} | set(map(int, out_rows))
        wanted |= set(map(int, self._stage_inputs))
        todo = [row for row in wanted if row in self._equation_refs]
        while todo:
            for ref in self._equation_refs[todo.pop()]:
                if ref not in wanted:
                    wanted.add(ref)
                    todo.append(ref)
        return [(row, code) for row, code in self._equation_code if row in wanted]

    def _simulate(self, inputs: dict, block: slice, steps: int, dt: float, saved: dict[int, int],
                  out_rows: np.ndarray, out: np.ndarray, start: np.ndarray | None = None,
                  equations: list | None = None) -> None:
        """Step the runs of ``block`` from 0 to ``steps``, keeping ``out_rows`` at the ``saved`` steps
        (from the states ``start`` if given, which then receives the last states); ``equations`` are
        those to evaluate (default all)."""
        runs = block.stop - block.start

        def column(operands, keys=None) -> np.ndarray:
            """Operands (constants' names or numbers) as (rows, runs), or (rows, 1) if no row varies."""
            values = [inputs.get(key or op, self.parameters[op] if isinstance(op, str) else op)
                      for op, key in zip(operands, keys or [None] * len(operands))]
            array = np.empty((len(values), runs if any(np.ndim(v) for v in values) else 1))
            for row, value in enumerate(values):
                array[row] = value[block] if np.ndim(value) else value
            return array

        parameters = {name: value[block] if value.ndim else float(value)
                      for name, value in inputs.items() if isinstance(name, str)}
        frame = Frame(np.zeros((len(self.rows), runs)), {**self.parameters, **parameters}, dt)
        z, index = frame.z, self._index
        n_index, first, m = len(index), len(index) + len(self._stocks), len(self._stage_inputs)
        # Each link's term, folded: (sign·w/|P0|)·(scale, or dt into a stock)·cause, less the same at P0.
        weights = column([t.weight for t in self._terms]) * (self._factors * np.where(self._into_stock, dt, 1.0))
        sums = np.zeros((first, runs))
        offsets = np.zeros((first, weights.shape[1]))
        self._add_links(self._slot_offsets, weights, offsets)
        adjust = dt / column([i.tau for i in index], [("tau", i.var.id) for i in index])
        base = _column([i.scale for i in index])
        clock = [0.0]
        for _ in range(steps):
            clock.append(clock[-1] + dt)  # TIME as PySD keeps it
        clock = np.array(clock)
        pushes = [(row, i.push, i.scale) for row, i in enumerate(index) if i.push is not None]
        pushes = [pushes[i] for i in np.flatnonzero(np.any(column([p[0] for _, p, _ in pushes]) != 0, axis=1))]
        push_rows = np.array([row for row, *_ in pushes], dtype=np.intp)
        push = _Ramps(column([p[0] for _, p, _ in pushes]) * _column([scale for *_, scale in pushes]),
                      *(column([p[k] for _, p, _ in pushes]) for k in (1, 2)), clock)
        if push.constant:  # e.g. from time 0 at once: part of the base
            base = np.repeat(base, push.level.shape[1], axis=1)
            base[push_rows] += push.at(0)
        action_rows = np.array([self.rows[v.name] for v, _ in self._actions], dtype=np.intp)
        action = _Ramps(*(column([r[k] for _, r in self._actions]) for k in range(3)), clock)
        if action.constant:
            z[action_rows] = action.at(0)
        stage_rate = DELAY_ORDER * dt / self._stage_times
        z[:n_index] = _column([i.initial for i in index])
        z[n_index:first] = _column([self._elements[v.name].equation.value for v, _ in self._stocks])
        z[first:self.n_states] = self._stage_initials if start is None else start[first:]
        if start is not None:
            z[:first] = start[:first]
        for var in self._fixed:
            z[self.rows[var.name]] = frame.parameters.get(var.name, var.initial)
        change = np.empty((self.n_states, runs))
        indicated = change[:n_index]
        for step, time in enumerate(clock):
            frame.time = time
            if not action.constant:
                z[action_rows] = action.at(step)
            for row, code in self._equation_code if equations is None else equations:
                z[row] = code(frame)
            if step in saved:
                out[:, :, saved[step]] = z[out_rows]
            if step == steps:
                break
            self._add_links((z[sources] for sources in self._slot_sources), weights, sums)
            np.subtract(sums[:n_index], offsets[:n_index], out=indicated)
            indicated += base
            if not push.constant:
                indicated[push_rows] += push.at(step)
            odd = indicated[self._odd_rows] if len(self._odd_rows) else None
            np.clip(indicated, *self._bounds, out=indicated)
            if odd is not None:
                indicated[self._odd_rows] = np.clip(odd, *self._odd_bounds)
            indicated -= z[:n_index]
            indicated *= adjust
            np.subtract(sums[n_index:], offsets[n_index:], out=change[n_index:first])
            inputs = z[self._stage_inputs]
            np.subtract(inputs, z[first:first + m], out=change[first:first + m])
            np.subtract(z[first:first + 2 * m], z[first + m:self.n_states], out=change[first + m:])
            change[first:] *= stage_rate
            z[:self.n_states] += change
        if start is not None:
            start[:] = z[:self.n_states]

    def _add_links(self, causes, weights: np.ndarray, sums: np.ndarray) -> None:
        """Each state's sum of weight · cause over its links, into ``sums``, slot by slot (``causes``
        gives each slot's); the same order of operations for any causes, so equal causes give equal sums."""
        for (start, stop, row, first), cause in zip(self._slots, causes):
            if first:
                np.multiply(cause, weights[row:row + stop - start], out=sums[start:stop])
            else:
                sums[start:stop] += cause * weights[row:row + stop - start]


class _Ramps:
    """``level · ramp_fraction(start, ramp)`` of some rows (arrays of rows × runs or × 1) at each
    step of ``clock``; ``constant`` if that never changes."""

    def __init__(self, level: np.ndarray, start: np.ndarray, ramp: np.ndarray, clock: np.ndarray):
        self.level, self.start, self.ramp, self.clock = level, start, ramp, clock
        self.fractions = _ramp(clock[:, None, None], start, ramp) if start.shape[1] == ramp.shape[1] == 1 else None
        self.constant = self.fractions is not None and bool(np.all(self.fractions == self.fractions[0]))

    def at(self, step: int) -> np.ndarray:
        fraction = self.fractions[step] if self.fractions is not None else \
            _ramp(self.clock[step], self.start, self.ramp)
        return self.level * fraction


def _column(values) -> np.ndarray:
    return np.array(values, dtype=float).reshape(-1, 1)


def _ramp(time: float, start: np.ndarray, ramp: np.ndarray) -> np.ndarray:
    """:func:`gmb.sd.formulas.ramp_fraction` at ``time``, row by row."""
    return np.where(time < start, 0.0, np.where(time >= start + ramp, 1.0, (time - start) / ramp))


def _steps(span: float, dt: float, what: str) -> int:
    if not (dt > 0 and math.isfinite(dt)):
        raise GmbError(f"dt {dt!r} must be a positive number")
    steps = round(span / dt)
    if steps < 1 or abs(steps * dt - span) > 1e-9 * max(1.0, abs(span)):
        raise GmbError(f"{what} {span:g} is not a whole number of steps of dt {dt:g}")
    return steps
