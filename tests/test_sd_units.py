"""Units of the generated model: every element's equation balances its declared units, flow weights
carry the units that make it so, the relative change of a cause is dimensionless, and the check
fails on models that are deliberately wrong. The formula the README and ASSUMPTIONS.md state is the
one the engines compute."""

from __future__ import annotations

import dataclasses
import random
import re

import numpy as np
import pytest

from gmb.maps.causalmap import CausalMap
from gmb.sd.batch import BatchModel
from gmb.sd.equations import BinOp, Ident, Num, render
from gmb.sd.formulas import file_elements, model_elements
from gmb.sd.ledger import assumptions_markdown
from gmb.sd.mdl import to_mdl
from gmb.sd.pysd_engine import PySDEngine
from gmb.sd.spec import build_spec
from gmb.sd.units import check_units, parse_units
from gmb.sd.xmile import to_xmile


def clubs_map() -> CausalMap:
    """Every kind with units: an index variable with today's value 4 and one at 1, a stock fed by
    an index variable, an action with units and a delayed inflow, a constant, an equation."""
    cmap = CausalMap.new("Klubber")
    cmap.add_variable("kids", "Kids", kind="stock", units="children", initial=100)
    cmap.add_variable("clubs", "Clubs", units="clubs", initial=4, adjust_time=6)
    cmap.add_variable("mood", "Mood", adjust_time=3)
    cmap.add_variable("staff", "Staff", units="adults", adjust_time=8)
    cmap.add_variable("grant", "Grant", kind="constant", units="DKK/month", initial=1000)
    cmap.add_variable("walks", "Walks", kind="action", units="walks/week")
    cmap.add_variable("camp", "Camp", kind="action")
    cmap.add_variable("tenure", "Tenure", kind="constant", units="months", initial=20)
    cmap.add_variable("leaving", "Leaving", equation="kids / tenure", units="children/month")
    cmap.add_link("clubs", "kids", "+", flow="inflow", strength=1.25)
    cmap.add_link("leaving", "kids", "-", flow="outflow", strength=1)
    cmap.add_link("walks", "kids", "+", flow="inflow", strength=0.5, delay=True)
    cmap.add_link("kids", "leaving", "+")
    cmap.add_link("kids", "mood", "+", strength="weak", delay=4)
    cmap.add_link("grant", "clubs", "+", strength="strong")
    cmap.add_link("staff", "clubs", "+", strength="medium", delay=True)
    cmap.add_link("walks", "mood", "+", strength="strong")
    cmap.add_link("camp", "mood", "+", strength="medium")
    cmap.add_link("mood", "staff", "-", strength="weak")
    cmap.add_link("clubs", "mood", "+", confidence="low")
    return cmap


def elements_of(spec, tunable=None) -> dict:
    return {e.name: e for e in file_elements(spec, tunable)}


def test_every_kind_with_units_passes_the_check_with_constants_kept_or_written_as_numbers():
    spec = build_spec(clubs_map())
    assert check_units(spec, file_elements(spec)) == []
    assert check_units(spec, file_elements(spec, tunable=set())) == []   # weights inlined stay named constants
    # the engines' trees hold today's values, adjust times, delays and bounds as bare numbers: written
    # so, every adjustment and every indicated value with a dimensioned cause or own units would fail
    flagged = {p.split("`")[1] for p in check_units(spec, model_elements(spec))}
    assert flagged == {f"{role}_{var}" for role in ("change", "indicated") for var in ("clubs", "mood", "staff")}


def test_the_files_hold_exactly_the_checked_equations_and_units():
    spec = build_spec(clubs_map())
    xmile, mdl = to_xmile(spec), to_mdl(spec)
    name_of = lambda var: spec.variables[var].name  # noqa: E731
    for element in file_elements(spec):
        equation = render(element.equation, "xmile", name_of).replace("<", "&lt;").replace(">", "&gt;")
        assert f'name="{element.name}"><eqn>{equation}</eqn>' in xmile, element.name
        vensim = render(element.equation, "vensim", name_of)
        if element.kind == "stock":
            assert f"{element.name} = INTEG(" in mdl and f", {vensim})\n\t~\t{element.units}\n" in mdl
        else:
            assert f"{element.name} = {vensim}\n\t~\t{element.units}\n" in mdl, element.name
    assert "change_mood = (indicated_mood - mood) / adjust_time_mood\n" in mdl
    assert "adjust_time_mood = 3\n\t~\tMonth\n" in mdl and "today_clubs = 4\n\t~\tclubs\n" in mdl


@pytest.mark.parametrize("seed", range(8))
def test_random_maps_with_random_units_pass_the_check(seed):
    rng = random.Random(seed)
    cmap = CausalMap.new(f"units {seed}")
    kinds = ["index"] * 4 + ["stock"] * 2 + ["constant", "action"]
    names = [f"v{i}" for i in range(len(kinds))]
    for name, kind in zip(names, kinds):
        units = rng.choice([None, "people", "DKK/month", "hours/(week*child)", "Widgets^2"])
        initial = rng.choice([1.0, 3.5]) if kind == "index" else rng.choice([0.0, 2.0, -4.0])
        cmap.add_variable(name, name.upper(), kind=None if kind == "index" else kind, units=units,
                          **({} if kind == "action" else {"initial": initial}))
    for target, kind in zip(names, kinds):
        if kind in ("constant", "action"):
            continue
        for source in rng.sample([n for n in names if n != target], 3):
            flow = rng.choice(["inflow", "outflow"]) if kind == "stock" else None
            polarity = ("+" if flow == "inflow" else "-") if flow else rng.choice("+-")
            cmap.add_link(source, target, polarity, flow=flow, delay=rng.choice([None, True, 2.5]),
                          strength=rng.choice([None, "weak", 0.4]))
    spec = build_spec(cmap)
    assert check_units(spec, file_elements(spec)) == []


def test_weights_carry_the_units_that_balance_their_equations_in_both_files():
    spec = build_spec(clubs_map())
    units = {e.name: e.units for e in file_elements(spec)}
    # clubs (clubs) → kids (children): w · clubs must be children per month
    assert units["w_clubs_to_kids"] == "children/(Month*clubs)"
    # walks (walks/week), starting at 0, into the dimensionless sum of mood's indicated value
    assert units["w_walks_to_mood"] == "week/walks"
    # leaving (children/month) → kids: already children per month
    assert parse_units(units["w_leaving_to_kids"]) == {}
    assert (units["inflow_kids"], units["change_clubs"], units["level_walks"]) == ("children/Month", "clubs/Month",
                                                                                   "walks/week")
    xmile, mdl = to_xmile(spec), to_mdl(spec)
    assert re.search(r'<aux name="w_clubs_to_kids">.*<units>children/\(Month\*clubs\)</units>', xmile)
    assert "w_clubs_to_kids = 1.25\n\t~\tchildren/(Month*clubs)\n" in mdl
    declared = dict(re.findall(r'<(?:aux|flow|stock) name="([^"]+)">.*?<units>([^<]*)</units>', xmile))
    assert declared == units   # the file declares what was checked


def test_relative_change_of_a_cause_with_units_is_dimensionless():
    spec = build_spec(clubs_map())
    elements = elements_of(spec)
    # clubs' indicated value: today_clubs · (1 + 0.75 · (grant − today_grant)/today_grant + …), in clubs;
    # grant is DKK/month. With today's value of grant written as a bare 1000 the term is in DKK/month:
    broken = _replace_ident(elements["indicated_clubs"].equation, "today_grant", Num(1000.0))
    wrong = [*(e for n, e in elements.items() if n != "indicated_clubs"),
             dataclasses.replace(elements["indicated_clubs"], equation=broken)]
    assert check_units(spec, list(elements.values())) == []
    [problem] = check_units(spec, wrong)
    assert problem.startswith("`indicated_clubs` = ") and problem.endswith(": + joins DKK/Month and dmnl")


@pytest.mark.parametrize("break_it, flagged", [
    # a weight written as a dimensionless number, as gmb wrote every weight before
    (lambda e: {**e, "w_clubs_to_kids": dataclasses.replace(e["w_clubs_to_kids"], units="dmnl", equation=Num(1.25))},
     ["inflow_kids"]),
    # an adjustment flow declared in the stock's units, not per month: the flow and its stock
    (lambda e: {**e, "change_mood": dataclasses.replace(e["change_mood"], units="dmnl")}, ["mood", "change_mood"]),
    # an adjust time written as a plain number
    (lambda e: {**e, "change_staff": dataclasses.replace(
        e["change_staff"], equation=BinOp("/", e["change_staff"].equation.left, Num(8)))}, ["change_staff"]),
    # a delay time declared in the wrong units: the equation that uses it
    (lambda e: {**e, "delay_kids_to_mood": dataclasses.replace(e["delay_kids_to_mood"], units="children")},
     ["indicated_mood"]),
    # a stock's start value in other units than the stock: the stock, and the relative change from it
    (lambda e: {**e, "today_kids": dataclasses.replace(e["today_kids"], units="clubs")}, ["kids", "indicated_mood"]),
])
def test_the_check_fails_on_a_deliberately_wrong_model(break_it, flagged):
    spec = build_spec(clubs_map())
    problems = check_units(spec, list(break_it(elements_of(spec)).values()))
    assert sorted(p.split("`")[1] for p in problems) == sorted(flagged)


def test_a_user_equation_that_does_not_balance_is_reported_in_assumptions():
    cmap = clubs_map()
    cmap.set_variable("leaving", {"equation": "kids / 20"})
    spec = build_spec(cmap)
    [problem] = check_units(spec, file_elements(spec))
    assert problem == "`leaving` = kids / 20: the right side is in children, the left side in children/month"
    text = assumptions_markdown(spec)
    assert "these equations do not balance" in text and f"  - {problem}" in text
    assert "every equation's right side has its left side's units" in assumptions_markdown(build_spec(clubs_map()))


def test_units_text_parses_ignoring_case_with_months_as_month_and_never_fails():
    def folded(text):
        return {name.casefold(): power for name, power in parse_units(text).items()}
    assert folded("Children/(month*DKK)") == folded("children * dkk^-1 / Months") == {"children": 1, "dkk": -1,
                                                                                       "month": -1}
    assert parse_units("dmnl") == parse_units("1") == parse_units("") == {}
    for text in ('"""; os.system("id")', "a/(b", "1.5", "x^y", "%"):
        assert parse_units(text) == {text: 1}


def test_pysd_translates_and_runs_the_units_model_as_the_numpy_engine_does():
    spec = build_spec(clubs_map())
    settings = {"level_walks": 0.6, "start_walks": 0.0, "push_mood": 0.1, "w_clubs_to_kids": 1.0}
    batch = BatchModel(spec).run({k: np.array([v]) for k, v in settings.items()}, final_time=24, dt=0.25)
    reference = PySDEngine(spec, tunable=set(settings)).run(settings, final_time=24, dt=0.25)
    for var, values in reference.values.items():
        np.testing.assert_allclose(batch.values[var][0], values, rtol=1e-9, atol=1e-9, err_msg=var)


def test_bounds_apply_to_x0_times_the_sum_as_readme_and_assumptions_say():
    cmap = CausalMap.new("bounds")
    cmap.add_variable("a", "A", initial=2, adjust_time=1, min=1.5, max=3)
    spec = build_spec(cmap)
    # push 0.8: clip(X0 · (1 + 0.8), 1.5, 3) = 3, where X0 · clip(1.8, 1.5, 3) would be 3.6
    run = BatchModel(spec).run({"push_a": np.array([0.8, -0.6])}, final_time=60, dt=0.25)
    np.testing.assert_allclose(run.values["a"][:, -1], [3.0, 1.5], atol=1e-9)
    formula = "X* = clip(X0 · (1 + Σ s·w·(P − P0)/|P0| + "
    assert formula in assumptions_markdown(spec)
    readme = (__import__("pathlib").Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    assert formula in readme and "X0 · clip(" not in readme


def test_assumptions_state_this_maps_actions_confidence_and_states():
    text = assumptions_markdown(build_spec(clubs_map()))
    assumes = text.split("## What the model assumes")[1].split("\n## ")[0]
    assert "The baseline is flat" in assumes and "linear and additive around today's values" in assumes
    assert "  - `walks`: `kids`'s flows +0.5 children per month after a delay of 6 months; `mood` +75 % of " \
           "today's value" in assumes
    assert "  - `camp`: `mood` +50 % of today's value" in assumes
    assert "Link confidence is not used by the model" in assumes and "in the band of `gmb simulate --band`" in assumes
    assert "One homogeneous population" in assumes
    assert "link confidence, not used by the model" in text and "`clubs → mood` (low)" in text
    # states: clubs, mood, staff (index) + kids (stock) + 3 stages × 3 delays (walks 6, kids 4, staff 6)
    assert "index variables 3, stocks 1, delays 3, so 13 states; equation variables 1" in text
    assert "gmb does not weaken or rescale them to make the model stable" in text


def _replace_ident(node, name: str, by):
    """``node`` with every reference to the constant ``name`` replaced by ``by``."""
    if node == Ident(name):
        return by
    if dataclasses.is_dataclass(node):
        return dataclasses.replace(node, **{f.name: _replace_ident(getattr(node, f.name), name, by)
                                            for f in dataclasses.fields(node)})
    if isinstance(node, tuple):
        return tuple(_replace_ident(child, name, by) for child in node)
    return node


def test_confidence_changes_nothing_in_the_model_and_strengths_are_not_rescaled_for_stability():
    def loop(confidence):
        cmap = CausalMap.new("loop")
        for var in ("a", "b"):
            cmap.add_variable(var, var.upper(), adjust_time=4)
        cmap.add_link("a", "b", "+", strength=1.5, confidence=confidence)
        cmap.add_link("b", "a", "+", strength=1.0)
        return build_spec(cmap)
    sure, unsure = loop("high"), loop("low")
    assert to_xmile(sure) == to_xmile(unsure) and [link.weight for link in unsure.links] == [1.5, 1.0]
    text = assumptions_markdown(unsure)
    assert "Result: the model is unstable: a reinforcing loop runs away" in text
    assert "| `a` | `b` | + | 1.5 | dmnl |  |  |" in text   # the map's number, as the stability check used it
