"""The functions of a map's equation: parsed safely, written to XMILE and .mdl that PySD runs alike,
run by the numpy engine to 1e-9 of PySD (or refused by name), and linearised (or refused with the reason)."""

from __future__ import annotations

import numpy as np
import pytest

from gmb.maps.causalmap import CausalMap
from gmb.sd.batch import BatchModel, UnsupportedByBatch
from gmb.sd.equations import EquationError, parse, render
from gmb.sd.linear import NotLinearisable, linearise
from gmb.sd.mdl import to_mdl
from gmb.sd.pysd_engine import load_model_file, run_quietly
from gmb.sd.scenarios import ScenarioPlan
from gmb.sd.simulate import simulate
from gmb.sd.spec import build_spec
from gmb.sd.xmile import to_xmile

EQUATIONS = {
    "gate": "IF (TIME >= 2 AND NOT level < 0.5) OR TIME = 7 THEN 1 ELSE 0",
    "inputs": "STEP(2, 1.5) + RAMP(0.5, 2, 6) + PULSE(3, 1.25) + PULSE_TRAIN(1, 0.5, 2, 9) + RAMP(0.1, 4)",
    "shape": "LOOKUP(level, (0, 0), (1, 2), (3, 2.5)) * SIN(level) + LOG(level + 1, 10) - ARCTAN(TIME)",
    "whole": "INTEGER(TIME * 1.3) + MODULO(TIME, 2.5) + XIDZ(level, TIME - 3, 7) + ZIDZ(1, TIME) + PI() * DT",
    "start": "INITIAL(level * 2) + TAN(0.1) + ARCSIN(0.5) + ARCCOS(0.5) + COS(TIME)",
}


def function_map(extra: dict[str, str] | None = None) -> CausalMap:
    """A stock drained by a flow that reads every kind of function."""
    cmap = CausalMap.new("functions")
    cmap.add_variable("level", "Level", kind="stock", initial=2)
    for var, equation in {**EQUATIONS, **(extra or {})}.items():
        cmap.add_variable(var, var.title(), equation=equation)
    cmap.add_variable("drain", "Drain", equation="0.1 * level * (1 + gate) - 0.01 * (inputs + shape + whole + start)")
    cmap.add_link("drain", "level", "?", flow="outflow")
    return cmap


def test_names_and_numbers_only_reach_the_tree_through_the_parser():
    known = {"level": "level", "Level 2": "level_2"}
    assert parse('"Level 2" * STEP(1, 2)', known.__getitem__) == parse("level_2 * step(1, 2)", lambda n: n)
    for text, message in [('__import__("os")', "unknown function '__import__'"),
                          ("LOOKUP(level, (0, a), (1, 2))", "expected a number"),
                          ("LOOKUP(level, (2, 0), (1, 2))", "x in increasing order"),
                          ("STEP(1)", "STEP takes 2 argument(s), not 1"),
                          ("level AND", "expected a number"),
                          ("(" * 150 + "1" + ")" * 150, "nests more than 100 levels deep"),
                          ("THEN + 1", "a variable of that name is written in quotes")]:
        with pytest.raises(EquationError, match=message.replace("(", r"\(").replace(")", r"\)")):
            parse(text, known.__getitem__)


def test_the_files_write_each_function_in_their_own_syntax():
    tree = parse("SMOOTHN(x, 4, 1, 2) + DELAY_FIXED(x, 3, 0) + PULSE_TRAIN(1, 2, 3, 4) + MODULO(x, 2) + DT", str)
    assert render(tree, "vensim", str) == ("SMOOTH N(x, 4, 1.0, 2) + DELAY FIXED(x, 3, 0.0) + PULSE TRAIN(1, 2, 3, 4) "
                                           "+ MODULO(x, 2) + TIME STEP")
    assert render(tree, "xmile", str) == ("SMTHN(x, 4, 2, 1.0) + DELAY(x, 3, 0.0) + (IF (TIME >= 1) AND (TIME < 4) AND "
                                          "((TIME - 1 + 1e-06) mod 3 < 2) THEN 1 ELSE 0) + (x mod 2) + TIME_STEP")


def test_numpy_and_pysd_agree_on_every_function_and_the_mdl_runs_the_same(tmp_path):
    spec = build_spec(function_map())
    plan = ScenarioPlan("inline", 10, "month", 0.25, [])
    runs = {engine: simulate(spec, plan, ["level"], engine=engine, dt=0.25, cache=tmp_path).runs["baseline"]
            for engine in ("numpy", "pysd")}
    for var in spec.variables:
        assert np.allclose(runs["numpy"].values[var], runs["pysd"].values[var], rtol=1e-9, atol=1e-12), var
    assert len(set(np.round(runs["pysd"].values["inputs"], 9))) > 5  # the inputs switch on along the run
    frames = []
    for suffix, text in (("xmile", to_xmile(spec, 10, 0.25)), ("mdl", to_mdl(spec, 10, 0.25))):
        (tmp_path / f"m.{suffix}").write_text(text, encoding="utf-8")
        frames.append(run_quietly(load_model_file(tmp_path / f"m.{suffix}"),
                                  return_columns=[v.name for v in spec.variables.values()]).to_numpy())
    assert np.abs(frames[0] - frames[1]).max() < 1e-9


@pytest.mark.parametrize("equation", ["SMOOTH(level, 2)", "DELAY1I(level, 3, 0)", "DELAYN(level, 3, 2, 2)"])
def test_delays_inside_an_equation_run_in_pysd_with_the_reason(tmp_path, equation):
    spec = build_spec(function_map({"lagged": equation}))
    with pytest.raises(UnsupportedByBatch, match=equation.split("(")[0]):
        BatchModel(spec)
    results = simulate(spec, ScenarioPlan("inline", 4, "month", 0.5, []), ["lagged"], engine="numpy", dt=0.5,
                       cache=tmp_path)
    assert results.engine == "pysd" and "lagged" in results.fallback and equation.split("(")[0] in results.fallback
    cmap = CausalMap.new("lag")
    cmap.add_variable("level", "Level", kind="stock", initial=2)
    cmap.add_variable("lagged", "Lagged", equation=equation)
    cmap.add_link("lagged", "level", "?", flow="outflow")
    with pytest.raises(NotLinearisable, match="keeps a state of its own"):
        linearise(build_spec(cmap))


def test_the_linearisation_takes_the_slope_of_each_function_at_the_start():
    cmap = CausalMap.new("slopes")
    cmap.add_variable("x", "X", kind="stock", initial=0.5)
    cmap.add_variable("f", "F", equation="SIN(x) + LOOKUP(x, (0, 0), (1, 3)) + LOG(x, 2) + STEP(x, -1) + "
                                          "INITIAL(x) + IF x > 0.2 AND x < 1 THEN x ^ 2 ELSE 0")
    cmap.add_link("f", "x", "?", flow="inflow")
    lin = linearise(build_spec(cmap))
    want = np.cos(0.5) + 3 + 1 / (0.5 * np.log(2)) + 1 + 0 + 2 * 0.5  # INITIAL(x) does not follow x
    assert lin.A[0, 0] == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("equation, reason", [
    ("STEP(1, 0) * x", "STEP switches exactly at the start"),
    ("LOOKUP(x, (0, 0), (0.5, 1), (1, 1))", "a corner of its table"),
    ("x / DT", "reads DT"),
    ("INTEGER(x * 2)", "INTEGER of a whole number"),
])
def test_a_kink_at_the_start_is_not_linearised_and_says_why(equation, reason):
    cmap = CausalMap.new("kinks")
    cmap.add_variable("x", "X", kind="stock", initial=0.5)
    cmap.add_variable("f", "F", equation=equation)
    cmap.add_link("f", "x", "?", flow="inflow")
    with pytest.raises(NotLinearisable, match=reason):
        linearise(build_spec(cmap))
