"""``ASSUMPTIONS.md``: every choice the conversion from causal map to model made, for people to read.

It lists the defaults gmb chose, what the map gave (overrides), what was left out, what each
variable became (with its units), why a run without interventions would move, each link's number
and delay, the time step and the stability check.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.sd.spec import build_spec
>>> cmap = CausalMap.new("Trivsel")
>>> cmap.add_variable("sleep", "Søvn")
>>> cmap.add_variable("mood", "Humør", adjust_time=3)
>>> _ = cmap.add_link("sleep", "mood", "+")
>>> text = assumptions_markdown(build_spec(cmap))
>>> row = next(line for line in text.splitlines() if line.startswith("| `mood`"))
>>> row.split(" | ")[3:]
['stock, adjusts to its indicated value', 'index, 1 = today', '1', '3 (given)', '0 … 3 |']
"""

from __future__ import annotations

import math

from gmb.sd.equations import format_number, uses_time
from gmb.sd.spec import ModelSpec, Variable
from gmb.sd.stability import check_stability
from gmb.version import __version__

__all__ = ["assumptions_markdown"]

_BECOMES = {
    "index": "stock, adjusts to its indicated value",
    "equation": "auxiliary, the map's equation",
    "stock": "stock with the map's flows",
    "constant": "constant",
    "action": "action, 0 until a scenario switches it on",
}
_SECTIONS = (("default", "Defaults gmb chose"), ("given", "Given by the map (overrides)"),
             ("left out", "In the map, not in the model"))


def assumptions_markdown(spec: ModelSpec, source: str | None = None) -> str:
    """The ledger as Markdown; ``source`` names the map file it was built from."""
    moving = _not_at_rest(spec)
    out = [f"# Assumptions of the model of “{_cell(spec.title)}”", "",
           f"Built by gmb {__version__}" + (f" from `{source}`" if source else "") + ". A causal map does not "
           "fix a model; these are the choices made to turn it into one. Change them in the map "
           "(strength, delay, adjust_time, kind, initial, equation, min, max, flow, strengths) and build again.", "",
           "## Formulation", "",
           "Each index variable X is a stock starting at today's value X0 that follows its indicated value: "
           "dX/dt = (X* − X) / τ, with X* = X0 · clip(1 + Σ s·w·(P − P0)/|P0| + u(t), lo, hi) over its "
           "causes P (s = ±1 the polarity, w the strength, P0 the cause's value at the start, u a scenario's push). "
           "An action's term is s·w·A (P0 = 0): actions are 0 until a scenario switches them on, so a run without "
           "interventions stays exactly where it starts" + (" (except as listed under “Not at rest at the start”)"
                                                             if moving else "") +
           ". A delayed link passes P through a third-order information delay (SMOOTH3). Integration is Euler.", ""]
    if moving:
        out += ["## Not at rest at the start", "", "A run without interventions moves, because:",
                *(f"- {line}" for line in moving), ""]
    for section, title in _SECTIONS:
        lines = [a.text for a in spec.ledger if a.section == section]
        if lines:
            out += [f"## {title}", "", *(f"- {line}" for line in lines), ""]
    out += [f"## Variables ({len(spec.variables)})", "",
            "| id | label | model name | becomes | units | value at start | adjust time | bounds |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    out += [_variable_row(spec, var) for var in spec.variables.values()]
    out += ["", f"## Links in the model ({len(spec.links)})", "",
            "| from | to | sign | w | delay | flow |", "| --- | --- | --- | --- | --- | --- |"]
    for link in spec.links:
        delay = f"SMOOTH3, {format_number(link.delay)}" if link.delay else ""
        out.append(f"| `{_cell(link.source)}` | `{_cell(link.target)}` | {'+' if link.sign > 0 else '−'} | "
                   f"{format_number(link.weight)} | {delay} | {link.flow or ''} |")
    stability = check_stability(spec)
    verdict = stability.message() or (
        "stable: every mode decays (largest growth rate "
        f"{stability.growth_rate:.3g} per {spec.time_unit})" if stability.variables else "nothing to check")
    out += ["", "## Time step and stability", "",
            f"- dt = {format_number(spec.default_dt())} {spec.time_unit}s: the largest power-of-two fraction of a "
            f"{spec.time_unit} at most a quarter of the smallest time constant (adjust time, or delay / 3), "
            "unless a scenario file or --dt gives one",
            "- eigenvalue check of the whole model linearised at its start state, below the bounds: every index "
            "variable with its adjust time, every stock with its flows, `equation:` variables through the chain "
            f"rule, the three stages of each delay; actions and constants held at their values: {verdict}", ""]
    return "\n".join(out)


def _variable_row(spec: ModelSpec, var: Variable) -> str:
    given = "adjust_time" in var.given
    tau = f"{format_number(var.adjust_time)} ({'given' if given else 'default'})" if var.adjust_time else ""
    bounds = ""
    if var.bounds and any(math.isfinite(b) for b in var.bounds):
        lo, hi = (format_number(b) if math.isfinite(b) else "∞" if b > 0 else "−∞" for b in var.bounds)
        bounds = f"{lo} … {hi}"
    units = f"{_cell(var.units)} (given)" if var.units else \
        f"index, {format_number(var.initial)} = today" if var.kind == "index" else ""
    return (f"| `{_cell(var.id)}` | {_cell(var.label)} | `{_cell(var.name)}` | {_BECOMES[var.kind]} | {units} | "
            f"{format_number(var.initial)} | {tau} | {bounds} |")


def _not_at_rest(spec: ModelSpec) -> list[str]:
    """Why a baseline run moves: the map's stocks whose flows do not balance at the start, and
    equations that use TIME."""
    lines = []
    for var in spec.variables.values():
        if var.kind == "stock":
            flows = {"inflow": 0.0, "outflow": 0.0}
            for link in spec.inputs(var.id):
                flows[link.flow] += link.weight * spec.variables[link.source].initial
            net = flows["inflow"] - flows["outflow"]
            if abs(net) > 1e-12:
                lines.append(f"`{var.id}` (a stock of the map's own): inflow {flows['inflow']:.6g} − outflow "
                             f"{flows['outflow']:.6g} = {net:+.6g} {var.units or 'units'} per {spec.time_unit} at the "
                             "start; for a flat baseline give it flows (strengths, causes' initial values) that balance")
        elif var.kind == "equation" and uses_time(var.equation):
            lines.append(f"`{var.id}`'s equation uses TIME")
    return lines



def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
