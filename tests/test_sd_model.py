"""From causal map to model spec without running anything: names, equations, spec, ledger, stability, scenarios."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from gmb.errors import GmbError, MapFileError
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import load_map, save_map
from gmb.sd.equations import EquationError, evaluate, parse, references, render
from gmb.sd.formulas import model_elements
from gmb.sd.identifiers import Namer
from gmb.sd.ledger import assumptions_markdown
from gmb.sd.linear import linearise
from gmb.sd.mdl import to_mdl
from gmb.sd.scenarios import load_scenarios
from gmb.sd.spec import build_spec
from gmb.sd.stability import check_stability
from gmb.sd.xmile import to_xmile


def chain_map() -> CausalMap:
    """sleep → mood (+ strong, delayed), stress → mood (− weak), mood → sleep (+ 0.4), an action and a constant."""
    cmap = CausalMap.new("Trivsel")
    cmap.add_variable("sleep", {"da": "Søvn", "en": "Sleep"}, adjust_time=3)
    cmap.add_variable("mood", {"da": "Humør", "en": "Mood"})
    cmap.add_variable("stress", {"da": "Stress", "en": "Stress"}, adjust_time=2)
    cmap.add_variable("walks", {"da": "Gåture", "en": "Walks"}, kind="action")
    cmap.add_variable("money", {"da": "Penge", "en": "Money"}, kind="constant", initial=2)
    cmap.add_link("sleep", "mood", "+", strength="strong", delay=True)
    cmap.add_link("stress", "mood", "-", strength="weak")
    cmap.add_link("mood", "sleep", "+", strength=0.4)
    cmap.add_link("walks", "stress", "-", strength="medium")
    cmap.add_link("money", "stress", "-")
    cmap.set_outcome(["mood"])
    return cmap


# -- identifiers ------------------------------------------------------------------------------

def test_identifiers_keep_danish_letters_and_are_unique_ignoring_case_and_spacing():
    names = Namer()
    made = [names.make(t) for t in ("Søvn & ro", "søvn ro", "Æbler (antal)", "3 grupper", "TIME", "min", "a__b", "A b")]
    assert made == ["Søvn_ro", "søvn_ro_2", "Æbler_antal", "v_3_grupper", "TIME_var", "min_var", "a_b", "A_b_2"]
    assert all(re.fullmatch(r"[^\W\d]\w*", name) for name in made)


# -- equations -----------------------------------------------------------------------------

def test_user_equations_parse_evaluate_and_render_in_both_dialects():
    names = {"sleep": "søvn", "stress": "stress_2"}
    tree = parse("2 ^ 3 ^ 2 - (SLEEP - stress) / 4 * MIN(sleep, -stress) + TIME", lambda n: n.lower())
    assert references(tree) == {"sleep", "stress"}
    assert evaluate(tree, {"sleep": 3.0, "stress": 1.0}.__getitem__, time=5) == 2 ** 9 - 0.5 * -1 + 5
    assert render(tree, "xmile", names.get) == \
        "2 ^ (3 ^ 2) - (søvn - stress_2) / 4 * MIN(søvn, (-stress_2)) + TIME"
    assert render(tree, "vensim", names.get).endswith("+ Time")


@pytest.mark.parametrize("text, fragment", [
    ("sleep +* 2", "column 8"),
    ("(sleep", "expected ')'"),
    ("foo(sleep)", "unknown function 'foo'"),
    ("MIN(sleep)", "MIN takes 2 argument(s), not 1"),
    ("sleep $ 2", "unexpected '$'"),
    ("__import__('os')", "unexpected \"'\""),
], ids=["two-operators", "open-paren", "unknown-function", "arity", "bad-character", "python-code"])
def test_equations_that_do_not_parse_say_where(text, fragment):
    with pytest.raises(EquationError, match=re.escape(fragment)):
        parse(text, lambda name: name)


def test_evaluation_reports_division_by_zero_and_complex_results():
    with pytest.raises(EquationError, match="divides by zero"):
        evaluate(parse("1 / (a - a)", str), {"a": 1.0}.__getitem__)
    with pytest.raises(EquationError, match="no finite real number"):
        evaluate(parse("(-8) ^ 0.5", str), {}.__getitem__)


# -- the spec ------------------------------------------------------------------------------

def test_spec_maps_strengths_delays_adjust_times_and_kinds():
    spec = build_spec(chain_map())
    links = {(l.source, l.target): l for l in spec.links}
    assert (links["sleep", "mood"].sign, links["sleep", "mood"].weight, links["sleep", "mood"].delay) == (1, 0.75, 6.0)
    assert (links["stress", "mood"].sign, links["stress", "mood"].weight) == (-1, 0.25)
    assert links["mood", "sleep"].weight == 0.4
    assert links["money", "stress"].weight == 0.5        # no strength: medium
    v = spec.variables
    assert [(x, v[x].kind, v[x].initial, v[x].adjust_time) for x in v] == [
        ("sleep", "index", 1.0, 3.0), ("mood", "index", 1.0, 12.0), ("stress", "index", 1.0, 2.0),
        ("walks", "action", 0.0, None), ("money", "constant", 2.0, None)]
    assert v["mood"].bounds == (0.0, 3.0)
    # smallest time constant: delay 6 / 3 stages = 2 → dt ≤ 0.5
    assert spec.time_constants() == [3.0, 12.0, 2.0, 2.0] and spec.default_dt() == 0.5


def test_generated_indicated_value_is_the_formula_of_the_design():
    spec = build_spec(chain_map())
    elements = {e.name: e for e in model_elements(spec)}
    stress = render(elements["indicated_stress"].equation, "xmile", str)
    # an action enters as s·w·A, a constant with P0 = 2 as s·w·(C − 2)/2
    assert stress.startswith("MIN(3, MAX(0, 1 - w_walks_to_stress * walks - w_money_to_stress * (money - 2) / 2 "
                             "+ push_stress * ")
    mood = render(elements["indicated_mood"].equation, "vensim", str)
    assert "w_sleep_to_mood * (SMOOTH3I(sleep, 6, 1.0) - 1)" in mood
    assert render(elements["change_mood"].equation, "xmile", str) == "(indicated_mood - mood) / 12"


def test_untunable_inputs_are_written_as_numbers():
    spec = build_spec(chain_map())
    text = to_xmile(spec, tunable={"level_walks"})
    assert 'name="w_sleep_to_mood"' not in text and "0.75 * (SMTH3(sleep, delay_sleep_to_mood, 1.0) - 1)" in text
    assert "push_mood" not in text and 'name="level_walks"' in text
    full = to_xmile(spec)
    assert all(f'name="{name}"' in full for name in spec.parameters())


def test_map_strength_numbers_override_the_defaults_and_are_ledgered():
    cmap = chain_map()
    cmap.meta["strengths"] = {"weak": 0.1, "strong": 0.3}
    spec = build_spec(cmap)
    assert {(l.source, l.target): l.weight for l in spec.links}[("sleep", "mood")] == 0.3
    assert "- strengths: weak = 0.1, medium = 0.5, strong = 0.3" in assumptions_markdown(spec).split(
        "## Given by the map")[1]
    cmap.meta["strengths"] = {"huge": 2}
    with pytest.raises(GmbError, match="strengths must map weak, medium and strong"):
        build_spec(cmap)


def test_ledger_records_defaults_overrides_and_what_was_left_out():
    cmap = chain_map()
    cmap.add_variable("worry", "Bekymring", equation="2 * stress - 1")
    cmap.add_link("mood", "worry", "-")
    cmap.add_link("worry", "mood", "?")
    text = assumptions_markdown(build_spec(cmap), source="trivsel.yaml")
    defaults, given, left_out = (text.split(f"## {title}")[1].split("##")[0] for title in (
        "Defaults gmb chose", "Given by the map (overrides)", "In the map, not in the model"))
    assert "weak = 0.25, medium = 0.5, strong = 0.75" in defaults
    assert "adjust time 12 months where a variable gives none: `mood`, `worry`" not in defaults  # worry has an equation
    assert "adjust time 12 months where a variable gives none: `mood`" in defaults
    assert "third-order information delay (SMOOTH3) of 6 months" in defaults
    assert "[0, 3] × today's value" in defaults
    assert "`money → stress`" in defaults                       # no strength: medium
    assert "`money` is a constant, starting at 2" in given
    assert "strength 0.4" in given and "`worry` follows its own equation `2 * stress - 1`" in given
    assert "actions, 0 until a scenario switches them on at a level: `walks`" in given
    assert "`worry → mood`: polarity not agreed (?)" in left_out
    assert "`mood → worry`: `worry` follows its own equation" in left_out
    assert "| `sleep` | Søvn | `sleep` | stock, adjusts to its indicated value | index, 1 = today | 1 | 3 (given) | 0 … 3 |" in text
    assert "| `sleep` | `mood` | + | 0.75 | dmnl | SMOOTH3, 6 |  |" in text
    assert "dt = 0.5 months: " in text and "stable: every mode decays" in text


def test_ledger_gives_units_and_says_why_a_baseline_would_move():
    cmap = chain_map()
    assert "Not at rest" not in assumptions_markdown(build_spec(cmap))
    cmap.add_variable("clubs", "Klubber", kind="stock", units="klubber", initial=5)
    cmap.add_variable("closing", "Lukninger", equation="0.05 * clubs + 0 * TIME")
    cmap.add_link("mood", "clubs", "+", flow="inflow", strength=0.3)
    cmap.add_link("closing", "clubs", "-", flow="outflow")
    text = assumptions_markdown(build_spec(cmap))
    assert "stays exactly where it starts (except as listed under “Not at rest at the start”)" in text
    moving = text.split("## Not at rest at the start")[1].split("##")[0]
    assert "- `clubs` (a stock of the map's own): inflow 0.3 − outflow 0.25 = +0.05 klubber per month" in moving
    assert "- `closing`'s equation uses TIME" in moving
    assert "| `clubs` | Klubber | `clubs` | stock with the map's flows | klubber (given) | 5 |  |  |" in text
    cmap.set_link("mood", "clubs", {"strength": 0.25})
    assert "`clubs` (a stock" not in assumptions_markdown(build_spec(cmap))       # balanced: at rest


def test_equation_bounds_clip_its_value_and_its_start_on_the_sides_given():
    cmap = chain_map()
    cmap.add_variable("load", "Belastning", equation="5 * stress", max=4)
    spec = build_spec(cmap)
    assert spec.variables["load"].initial == 4 and spec.variables["load"].bounds == (-math.inf, 4)
    element = next(e for e in model_elements(spec) if e.name == "load")
    assert render(element.equation, "xmile", lambda v: spec.variables[v].name) == "MIN(4, 5 * stress)"
    assert "| `load` | Belastning | `load` | auxiliary, the map's equation |  | 4 |  | −∞ … 4 |" in assumptions_markdown(spec)


@pytest.mark.parametrize("change, message", [
    (lambda m: m.set_variable("mood", {"equation": "sleep +* 2"}), "variable 'mood': equation 'sleep +* 2' does not parse"),
    (lambda m: m.set_variable("mood", {"equation": "sleep + slep2"}), "refers to an unknown variable 'slep2'"),
    (lambda m: m.set_variable("mood", {"equation": "sleep / (money - 2)"}), "divides by zero at the start"),
    (lambda m: m.set_variable("money", {"equation": "1"}), "a constant cannot have an equation"),
    (lambda m: (m.set_variable("mood", {"equation": "sleep * 2"}), m.set_variable("sleep", {"equation": "mood"})),
     "refer to each other with no stock between"),
    (lambda m: m.set_variable("mood", {"initial": 0}), "initial 0 must be > 0"),
    (lambda m: m.set_variable("money", {"initial": math.nan}), "variable 'money': initial nan must be a finite number"),
    (lambda m: m.set_variable("mood", {"kind": "stock"}), "must say how it flows; set flow=inflow"),
    (lambda m: m.set_link("sleep", "mood", {"flow": "inflow"}), "needs a kind: stock target"),
], ids=["parse", "unknown-ref", "zero-division", "constant-equation", "algebraic-loop", "zero-index", "nan-initial",
        "unmarked-flow", "flow-into-index"])
def test_bad_overrides_are_one_line_errors_naming_the_variable_and_line(tmp_path, change, message):
    cmap = chain_map()
    change(cmap)
    path = tmp_path / "map.yaml"
    save_map(cmap, path)
    with pytest.raises(MapFileError) as info:
        build_spec(load_map(path))
    text = str(info.value)
    assert message in text and "\n" not in text
    assert re.match(re.escape(str(path)) + r":\d+: ", text)


def test_outflow_with_plus_polarity_is_refused():
    cmap = CausalMap.new("stock")
    cmap.add_variable("pool", "Pool", kind="stock", initial=10)
    cmap.add_variable("drain", "Drain")
    cmap.add_link("drain", "pool", "+", flow="outflow")
    with pytest.raises(GmbError, match=r"an outflow has polarity -, not \+"):
        build_spec(cmap)


# -- stability -----------------------------------------------------------------------------

def test_linear_system_is_diag_inverse_tau_times_w_minus_i_without_delays():
    spec = build_spec(chain_map())
    states = linearise(spec).states
    assert states[:3] == ["sleep", "mood", "stress"] and len(states) == 6   # + 3 delay stages
    cmap = chain_map()
    cmap.set_link("sleep", "mood", {"delay": False})
    matrix = linearise(build_spec(cmap)).A
    w = np.array([[0, 0.4, 0], [0.75, 0, -0.25], [0, 0, 0]])
    tau = np.array([3.0, 12.0, 2.0])
    np.testing.assert_allclose(matrix, np.diag(1 / tau) @ (w - np.eye(3)))


def test_runaway_reinforcing_loop_is_found_with_its_growth_rate():
    cmap = CausalMap.new("runaway")
    for var in ("a", "b", "c"):
        cmap.add_variable(var, var.upper(), adjust_time=4)
    cmap.add_link("a", "b", "+", strength=1.5)
    cmap.add_link("b", "a", "+", strength=1.0)
    cmap.add_link("b", "c", "+", strength=0.1)
    result = check_stability(build_spec(cmap))
    assert not result.stable and not result.oscillating
    assert math.isclose(result.growth_rate, (math.sqrt(1.5) - 1) / 4, rel_tol=1e-9)
    assert result.variables[:2] == ["b", "a"]
    assert "reinforcing loop runs away" in result.message() and "doubling every" in result.message()
    assert check_stability(build_spec(chain_map())).stable


# -- scenario files ------------------------------------------------------------------------

SCENARIOS = """\
horizon: 5
time_unit: year
dt: 0.125
scenarios:
  calm:
    label: {da: Ro, en: Calm}
    interventions:
      - {push: Humør, by: 0.1, start: 1, ramp: 0.5}
      - {action: walks, level: 2, start: 0.5}
      - {link: [sleep, mood], strength: weak}
      - {constant: money, value: 3}
  plain:
    - {action: Gåture}
"""


def test_scenario_file_becomes_model_constants_in_months(tmp_path):
    path = tmp_path / "scenarios.yaml"
    path.write_text(SCENARIOS, encoding="utf-8")
    cmap = chain_map()
    plan = load_scenarios(path, cmap, build_spec(cmap))
    assert (plan.horizon, plan.dt, plan.time_unit, plan.unit_months) == (60.0, 1.5, "year", 12.0)
    calm, plain = plan.scenarios
    assert calm.label == {"da": "Ro", "en": "Calm"} and calm.line == 5
    assert calm.settings == {"push_mood": 0.1, "push_start_mood": 12.0, "push_ramp_mood": 6.0,
                             "level_walks": 2.0, "start_walks": 6.0, "ramp_walks": 0.0,
                             "w_sleep_to_mood": 0.25, "money": 3.0}
    assert plain.settings == {"level_walks": 1.0, "start_walks": 0.0, "ramp_walks": 0.0}
    assert plan.tunable() == set(calm.settings)


@pytest.mark.parametrize("text, line, message", [
    ("scenarios:\n  a:\n    - {push: moood, by: 0.1}\n", 3, "scenario 'a': unknown variable 'moood'; did you mean 'mood'?"),
    ("scenarios:\n  a:\n    - {action: sleep}\n", 3, "scenario 'a': 'sleep' cannot be switched on: it is an index"),
    ("scenarios:\n  a:\n    - {push: money, by: 0.1}\n", 3, "'money' cannot be pushed: it is a constant; set it with"),
    ("scenarios:\n  a:\n    - {push: walks, by: 0.1}\n", 3, "'walks' cannot be pushed: it is an action; switch it on"),
    ("horizon: -5\nscenarios:\n  a: [{action: walks}]\n", 1, "horizon -5 must be positive"),
    ("scenarios:\n  a: [{action: walks}\n", 3, "not valid YAML"),
    ("scenarios:\n  a:\n    - {push: mood}\n", 3, "scenario 'a': a push intervention needs by:"),
    ("scenarios:\n  a:\n    - {push: mood, by: 0.1, action: walks}\n", 3, "has one of push:, action:, link:, constant:"),
    ("scenarios:\n  a:\n    - {push: mood, by: 0.1, strat: 2}\n", 3, "unknown key 'strat' in a push intervention"),
    ("scenarios:\n  a:\n    - {link: [mood, stress], strength: weak}\n", 3,
     "link mood → stress cannot be changed: the map has no such link"),
    ("scenarios:\n  a:\n    - {push: mood, by: 0.1}\n    - {push: mood, by: 0.2}\n", 4, "sets the same thing as line 3"),
    ("scenarios:\n  baseline: [{action: walks}]\n", 2, "'baseline' is the run without interventions"),
    ("time_unit: week\nscenarios:\n  a: [{action: walks}]\n", 1, "time_unit 'week' is not one of month, year"),
    ("scenarios:\n  a:\n    label: {da: Ro, men ikke, en: Calm}\n    interventions: [{action: walks}]\n", 3,
     "label must be text or {da: TEXT, en: TEXT}"),
], ids=["unknown-variable", "not-an-action", "push-constant", "push-action", "negative-horizon", "bad-yaml",
        "missing-by", "two-kinds", "unknown-key", "missing-link", "twice", "baseline-name", "bad-unit", "bad-label"])
def test_bad_scenario_files_name_the_file_line_and_scenario(tmp_path, text, line, message):
    path = tmp_path / "scenarios.yaml"
    path.write_text(text, encoding="utf-8")
    cmap = chain_map()
    with pytest.raises(MapFileError) as info:
        load_scenarios(path, cmap, build_spec(cmap))
    assert str(info.value).startswith(f"{path}:{line}: ")
    assert message in str(info.value) and "\n" not in str(info.value)


def test_mdl_and_xmile_hold_the_same_elements():
    spec = build_spec(chain_map())
    xmile_names = re.findall(r'<(?:stock|flow|aux) name="([^"]+)"', to_xmile(spec))
    mdl_names = [line.split(" = ")[0] for line in to_mdl(spec).split("\n")
                 if " = " in line and not line.startswith(("\t", "INITIAL", "FINAL", "TIME", "SAVEPER"))]
    assert xmile_names == mdl_names and len(xmile_names) == len(set(n.casefold() for n in xmile_names))
