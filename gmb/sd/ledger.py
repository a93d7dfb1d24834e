"""``ASSUMPTIONS.md``: every choice the conversion from causal map to model made, for people to read.

It lists what the model assumes in plain words (a flat baseline, linear and additive effects, what
an action's level 1 means, that link confidence is not used, one homogeneous population), the
defaults gmb chose, what the map gave (overrides), what was left out, what each variable became
(with its units) and the units check, why a run without interventions would move, each link's
number and delay, the time step and the stability check.

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
from gmb.sd.formulas import file_elements, time_units, weight_units
from gmb.sd.spec import DELAY_ORDER, ModelSpec, Variable
from gmb.sd.stability import check_stability
from gmb.sd.units import check_units
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
           "dX/dt = (X* − X) / τ, with X* = clip(X0 · (1 + Σ s·w·(P − P0)/|P0| + u(t)), lo, hi) over its "
           "causes P (s = ±1 the polarity, w the strength, P0 the cause's value at the start, u(t) a scenario's "
           "push times its ramp from 0 to 1). The bounds lo and hi are in X's own units and apply to the whole "
           "X0 · (…): 0 and 3 · X0 unless the map gives min/max. A cause that starts at 0 (an action) has the term "
           "s·w·P: actions are 0 until a scenario switches them on, so a run without "
           "interventions stays exactly where it starts" + (" (except as listed under “Not at rest at the start”)"
                                                             if moving else "") +
           ". A delayed link uses SMOOTH3(P, delay, P0), a third-order information delay, in place of P. "
           "Integration is Euler.", "",
           "## What the model assumes", "", *_assumes(spec, moving), ""]
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
    out += ["", "## Units", "", *_units(spec)]
    out += ["", f"## Links in the model ({len(spec.links)})", "",
            "| from | to | sign | w | units of w | delay | flow |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for link in spec.links:
        delay = f"SMOOTH3, {format_number(link.delay)}" if link.delay else ""
        out.append(f"| `{_cell(link.source)}` | `{_cell(link.target)}` | {'+' if link.sign > 0 else '−'} | "
                   f"{format_number(link.weight)} | {_cell(weight_units(spec, link))} | {delay} | {link.flow or ''} |")
    stability = check_stability(spec)
    verdict = stability.message() or (
        "stable: every mode decays (largest growth rate "
        f"{stability.growth_rate:.3g} per {spec.time_unit})" if stability.variables else "nothing to check")
    out += ["", "## Time step and stability", "",
            f"- dt = {format_number(spec.default_dt())} {spec.time_unit}s: the largest power-of-two fraction of a "
            f"{spec.time_unit} at most a quarter of the smallest time constant (adjust time, or delay / 3), "
            "unless a scenario file or --dt gives one",
            "- eigenvalue check of the whole model linearised at its start state, below the bounds: the exact "
            "Jacobian of the model as gmb runs it (derivatives carried through every equation), with every index "
            "variable and its adjust time, every stock with its flows, `equation:` variables through the chain "
            f"rule, and the {DELAY_ORDER} stages of each delay as states of their own; actions and constants held "
            f"at their values ({_states(spec)}). A mode grows where an eigenvalue's real part is above 0 (a stock "
            f"that only accumulates, at 0, counts as stable). Result: {verdict}",
            "- strengths: the check uses the numbers the model runs with (the strengths above, each link's w in the "
            "table); gmb does not weaken or rescale them to make the model stable, it only reports. A scenario that "
            "sets a strength, a constant or an adjust time runs a changed model, which this verdict does not cover", ""]
    return "\n".join(out)


def _assumes(spec: ModelSpec, moving: list[str]) -> list[str]:
    """The model's assumptions in plain words, with what they mean for this map, as list items."""
    own = [f"`{v.id}`" for v in spec.variables.values() if v.kind == "equation"]
    lines = [
        "Today's system is at rest: every variable starts at today's value and, without interventions, stays "
        "there. The baseline is flat: no trend, season or growth already under way is in the model, so results "
        "compare scenarios with a world that would otherwise stand still"
        + (" (this map has exceptions, see “Not at rest at the start”)" if moving else ""),
        "Effects are linear and additive around today's values: each cause moves an index variable by w times "
        "the cause's relative change from today (a stock's flow by w times the cause), the causes' effects add "
        "up, and nothing saturates or amplifies another "
        "until a value reaches its bounds, where it is cut off. Twice the push gives twice the effect; two "
        "interventions together give the sum of their effects"
        + (f" (except where a variable follows the map's own equation: {', '.join(own)})" if own else ""),
        *_action_lines(spec),
        "Link confidence is not used by the model: in the files `gmb build` writes and in the scenario runs of "
        "`gmb simulate`, every link in the model counts with its full strength however sure the group was. It "
        "is used only where gmb draws versions of the map, in `gmb leverage` and in the band of `gmb simulate "
        "--band`: with the disputed structure drawn (the default), each link of low confidence (`low`, or a "
        "number below 1/3) is present in half of the draws and absent in the other half; other links are "
        "always present",
        _population(spec),
    ]
    return [line if line.startswith("  - ") else f"- {line}" for line in lines]


def _population(spec: ModelSpec) -> str:
    """One homogeneous population, or how the map's groups of children are told apart."""
    seg = spec.segmentation
    if seg is None:
        return ("One homogeneous population: each variable is one average for everyone the map is about. Groups of "
                "people (ages, neighbourhoods, …) are not told apart, so effects that differ between groups, or "
                "cancel out between them, are not seen (gmb has no segments yet)")
    groups = ", ".join(f"`{s}` ({100 * share:g} %)" for s, share in seg.shares.items())
    return ("Groups of children told apart (segments): " + groups + ". Each per-segment variable has one copy per "
            "group in the model, named `VARIABLE__GROUP` (flattened names rather than XMILE/Vensim subscripts: "
            "the copies are ordinary variables, so PySD 3.14, gmb's numpy engine, Stella and Vensim all run the "
            "same equations without depending on each tool's support for subscript ranges, and the two engines "
            "can be compared variable by variable). The variable's own id holds the population-weighted average "
            "of its copies (an auxiliary), which is what a shared variable (one value for the town) responds to "
            "and what the outcome's average is. A link between per-segment variables acts within each group; a "
            "shared cause acts on every group's copy. The groups differ only where the map says so (`by_segment`: "
            "start values, adjust times, bounds, link strengths) and in whom a scenario reaches (`reach:`). "
            "Because every effect is relative to a variable's own start, the same push moves a group that starts "
            "lower by less in absolute terms: a universal push keeps the ratio between the groups and widens their "
            "absolute gap. Everyone within a group is still one average")


def _action_lines(spec: ModelSpec) -> list[str]:
    actions = [v for v in spec.variables.values() if v.kind == "action"]
    if not actions:
        return ["This map has no actions (`kind: action`); scenarios can only push variables, set constants "
                "or change strengths"]
    lines = ["An action is 0 (not done) until a scenario switches it on. Level 1 (what a scenario file gives "
             "when it names no level; in the action's units where it has some) is the action at full strength, "
             "as the map's links describe it: each index variable it points to gets an indicated value higher "
             "(a + link) or lower (a − link) by w × that variable's today's value, before any feedback; each stock "
             f"it flows into gets w × level more (or less) per {spec.time_unit}. Level 0.5 is half of that, level 2 "
             "twice. At level 1 in this map:"]
    for action in actions:
        effects = []
        for link in (link for link in spec.links if link.source == action.id):
            target = spec.variables[link.target]
            sign = "+" if link.sign > 0 else "−"
            delay = f" after a delay of {format_number(link.delay)} {spec.time_unit}s" if link.delay else ""
            if target.kind == "stock":
                effects.append(f"`{target.id}`'s flows {sign}{format_number(link.weight)} "
                               f"{_cell(target.units) or 'units'} per {spec.time_unit}{delay}")
            else:
                effects.append(f"`{target.id}` {sign}{format_number(100 * link.weight)} % of today's value{delay}")
        lines.append(f"  - `{action.id}`: " + ("; ".join(effects) or "no links out of it; switching it on "
                                                    "changes nothing"))
    return lines


def _units(spec: ModelSpec) -> list[str]:
    """How units are set, and the result of the units check of the model's equations."""
    problems = check_units(spec, file_elements(spec))
    verdict = ("every equation's right side has its left side's units" if not problems else
               "these equations do not balance (fix the map's units or equations):")
    lines = ["index variables without units are dimensionless (1 = today); a variable with `units:` keeps them, "
            "and its effects on index variables are measured as its relative change from today "
            "((P − P0)/|P0|, dimensionless)",
            "a link's w into an index variable is dimensionless (w of a cause that starts at 0, such as an action, "
            f"is per unit of the cause); into a stock it is in the stock's units per {spec.time_unit} per unit of "
            "the cause (“units of w” in the links table)",
            f"adjust times and delays are in {time_units(spec)}s; a scenario's push is dimensionless, "
            "an action's level is in the action's units",
            "every number that has units is a named constant of the model files with its units: today's values "
            f"(`today_…`, in the variable's units), adjust times (`adjust_time_…`) and delays (`delay_…`) in "
            f"{time_units(spec)}s, bounds (`min_…`, `max_…`); a bare number in an equation has none (it takes the "
            "units of what it is added to or compared with, or of the input of the delay it starts)",
            "units check of every equation in the model files (its right side must have its left side's units, a "
            f"stock's flows its units per {spec.time_unit}): {verdict}"]
    return [f"- {line}" for line in lines] + [f"  - {_cell(line)}" for line in problems]


def _states(spec: ModelSpec) -> str:
    """What the check's states are in this map, counted."""
    counts = {kind: sum(1 for v in spec.variables.values() if v.kind == kind) for kind in ("index", "stock",
                                                                                            "equation")}
    delays = len({(link.source, link.delay) for link in spec.links if link.delay})
    states = counts["index"] + counts["stock"] + DELAY_ORDER * delays
    return (f"in this map: index variables {counts['index']}, stocks {counts['stock']}, delays {delays}, so "
            f"{states} states; equation variables {counts['equation']}")


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
