"""Vensim/XMILE import that keeps what the file says: real files' quirks read, polarities by
perturbation along the run, equations kept so that ``gmb simulate`` (PySD) reproduces the model.

Small fixtures written here; the public SDXorg models in ../shared/data where present.
"""

from __future__ import annotations

import csv
import math
import re
import shutil
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from gmb.errors import GmbError, MapFileError
from gmb.formats import import_map
from gmb.formats.expressions import canonical
from gmb.formats.stockflow import INFERRED, NOT_INFERRED
from gmb.maps.validate import validate
from gmb.sd.batch import BatchModel, UnsupportedByBatch
from gmb.sd.equations import stateful
from gmb.sd.scenarios import ScenarioPlan
from gmb.sd.simulate import simulate
from gmb.sd.spec import build_spec

SHARED = Path(__file__).parents[1].parent / "shared" / "data"
needs_samples = pytest.mark.skipif(not SHARED.is_dir(), reason=f"public sample models not found at {SHARED}")
SKETCH = "\\\\\\---/// Sketch information - do not modify anything except names\nV300\n*View 1\n"
END = "///---\\\\\\\n"
CONTROL = "INITIAL TIME = 0 ~ ~ |\nFINAL TIME = 20 ~ ~ |\nTIME STEP = 0.25 ~ ~ |\nSAVEPER = TIME STEP ~ ~ |\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def polarities(cmap) -> dict:
    return {(u, v): a["polarity"] for u, v, a in cmap.links()}


# -- (a) files real tools write ------------------------------------------------------------------
XMUTIL = """<xmile xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0" version="1.0">
    <isee:prefs show_module_prefix="true" layer="model"/>
    <!-- written by xmutil -- a converter -->
    <header><name>Cooling</name></header>
    <sim_specs isee:sim_duration="0"><start>0</start><stop>10</stop><dt reciprocal="true">4</dt></sim_specs>
    <model><variables>
        <stock name="Heat"><eqn>100</eqn><outflow>Cooling</outflow></stock>
        <flow name="Cooling"><eqn>Heat / Cooling_time</eqn></flow>
        <aux name="Cooling time"><eqn>5</eqn></aux>
        <aux name="TIME STEP"><eqn>0.25</eqn></aux>
    </variables></model>
</xmile>"""


def test_xmutil_undeclared_isee_prefix_and_dashes_in_comments_are_read(tmp_path):
    cmap, warnings = import_map(write(tmp_path, "xmutil.xmile", XMUTIL))
    assert cmap.title == "Cooling" and warnings == []
    assert polarities(cmap) == {("heat", "cooling"): "+", ("cooling_time", "cooling"): "-", ("cooling", "heat"): "-"}
    assert "time_step" not in cmap.graph  # a run setting, not a variable
    assert "in steps of 0.25" in cmap.meta["description"]  # reciprocal dt


@pytest.mark.parametrize("text, hint", [
    ("<xmile><model><variables><aux name='a'></model></xmile>", "a closing tag does not match"),
    ("<xmile><model><variables>", "the file ends too early"),
])
def test_xml_errors_point_the_right_way(tmp_path, text, hint):
    path = write(tmp_path, "bad.xmile", text)
    with pytest.raises(MapFileError) as info:
        import_map(path)
    message = str(info.value)
    assert message.startswith(str(path)) and hint in message and "\n" not in message


def test_xmile_module_keeps_time_names_unprefixed(tmp_path):
    text = """<xmile xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"><header><name>M</name></header>
<sim_specs><start>0</start><stop>4</stop><dt>1</dt></sim_specs>
<model><variables><aux name="speed"><eqn>2</eqn></aux>
<module name="Clock"><connect to="Clock.rate" from=".speed"/></module></variables></model>
<model name="Clock"><variables><aux name="rate" access="input"><eqn>1</eqn></aux>
<aux name="elapsed"><eqn>rate * (TIME - STARTTIME) + DT * 0</eqn></aux></variables></model></xmile>"""
    cmap, warnings = import_map(write(tmp_path, "m.xmile", text))
    assert not any("no variable has" in w for w in warnings)  # TIME, STARTTIME, DT are the clock's
    assert polarities(cmap)[("clock_rate", "clock_elapsed")] == "+"  # positive once time has run


SPECIAL = """{UTF-8}
"Absorption Land (GHA)" = 4 * "Rate \\"quoted\\" | here" ~ ha ~ |
"Rate \\"quoted\\" | here" = 2 ~ ~ a quote " in a comment is text |
TECART(0, 10, 20, 1, 0.5, 0.2) ~ ~ old flat lookup: x values, then y values |
Crowding = 12 ~ ~ |
Effect = TECART(Crowding) ~ ~ |
Population = INTEG(g * Population - Population / Lifetime, 100) ~ people ~ |
g = 0.02 * Effect ~ ~ |
Lifetime = 70 ~ ~ |
""" + CONTROL + SKETCH + """10,1,"Absorption Land (GHA)",100,100,40,20,8,3,0,0,0,0,0,0
10,2,"Rate \\"quoted\\" | here",300,100,40,20,8,3,0,0,0,0,0,0
10,3,"
R1
",200,200,40,20,8,3,0,0,0,0,0,0
1,4,2,1,0,0,43,0,0,64,0,-1--1--1,,1|(200,80)|
""" + END


def test_vensim_names_with_parentheses_quotes_and_lines_flat_lookups_and_inline_rates(tmp_path):
    cmap, warnings = import_map(write(tmp_path, "special.mdl", SPECIAL))
    got = polarities(cmap)
    assert got[("rate_quoted_here", "absorption_land_gha")] == "+"
    assert cmap.label("absorption_land_gha") == "Absorption Land (GHA)"
    assert cmap.label("rate_quoted_here") == 'Rate "quoted" | here'
    assert "tecart" not in cmap.graph  # a lookup, not a variable
    assert got[("crowding", "effect")] == "-"  # the table falls from 1 to 0.2 around 12
    # the inline rate is a flow of its own: Population → net flow → Population keeps both loops
    assert got[("population_net_flow", "population")] == "+"
    assert cmap.graph.edges["population_net_flow", "population"]["flow"] == "inflow"
    assert got[("population", "population_net_flow")] == "-"  # g = 0.02 · 0.6 < 1/70? no: 0.012 < 0.0143
    assert got[("lifetime", "population_net_flow")] == "+"
    assert nx.has_path(cmap.graph, "crowding", "population") and "r1" in cmap.graph  # the loop label, one line
    assert cmap.label("r1") == "R1"
    assert not any("not read" in w for w in warnings)


def test_vensim_unclosed_quote_in_the_sketch_is_one_line_error(tmp_path):
    path = write(tmp_path, "bad.mdl", SKETCH + '10,1,"unclosed name,1,2\n' + END)
    with pytest.raises(MapFileError) as info:
        import_map(path)
    assert ":4: a sketch line cannot be read: a quoted name is not closed" in str(info.value)


# -- (b) polarity by perturbation ------------------------------------------------------------------
PERTURB = """{UTF-8}
Stock = INTEG(Inflow - Outflow, 10) ~ ~ |
Inflow = XIDZ(Stock, Capacity, 0) * STEP(1, 2) + RAMP(0.1, 0, 5) ~ ~ |
Outflow = Stock * Swing ~ ~ |
Swing = 0.1 * (Stock - 15) ~ ~ |
Capacity = 20 ~ ~ |
Smoothed = SMOOTH(Stock, 3) ~ ~ |
Gap = LOG(Smoothed, 10) - INITIAL(Capacity) ~ ~ |
Noise = RANDOM NORMAL(0, 1, 0, 1, 1) ~ ~ |
Noisy = Noise + Capacity ~ ~ |
Scaled = Noise * Capacity ~ ~ |
""" + CONTROL


def test_polarity_by_perturbation_along_the_run(tmp_path):
    cmap, _ = import_map(write(tmp_path, "p.mdl", PERTURB))
    edges = cmap.graph.edges
    assert edges["capacity", "inflow"]["polarity"] == "-" and edges["capacity", "inflow"]["notes"] == INFERRED
    assert edges["stock", "inflow"]["polarity"] == "+"
    assert edges["stock", "smoothed"] == {"polarity": "+", "notes": INFERRED, "delay": True}
    assert edges["smoothed", "gap"]["polarity"] == "+" and edges["capacity", "gap"]["polarity"] == "-"  # LOG, INITIAL
    # Stock · 0.1 · (Stock − 15): falls with the stock below 7.5, rises above it, and the stock grows past it
    swing = edges["stock", "outflow"]
    assert swing["polarity"] == "?" and "its sign changes along the run" in swing["notes"]
    # an unknown function poisons only what depends on it, and only where the sign depends on its value
    assert edges["capacity", "noisy"]["polarity"] == "+"
    assert edges["capacity", "scaled"]["polarity"] == "?"
    assert "RANDOM NORMAL" in edges["capacity", "scaled"]["notes"] and edges["capacity", "scaled"]["notes"].startswith(
        NOT_INFERRED)


# -- (c) fidelity: gmb simulate reproduces the model --------------------------------------------
FIDELITY = """{UTF-8}
Prey = INTEG(Prey births - Predation, 100) ~ ~ |
Prey births = Prey * Birth rate ~ ~ |
Predation = Prey * Predators * 0.01 ~ ~ |
Predators = INTEG(Predator births - MAX(Predators / Lifetime, 0.5), 10) ~ ~ |
Predator births = Predators * SQRT(Prey) / 50 ~ ~ |
Birth rate = 0.3 ~ ~ |
Lifetime = 4 ~ ~ |
INITIAL TIME = 0 ~ ~ |
FINAL TIME = 12 ~ ~ |
TIME STEP = 0.125 ~ ~ |
SAVEPER = TIME STEP ~ ~ |
"""


def run_imported(path: Path, cache: Path):
    """The imported map run by gmb simulate (PySD engine) over the model's own run; (map, times, run)."""
    cmap, warnings = import_map(path)
    start, stop, dt = (float(x) for x in re.search(r"from (\S+) to (\S+) in steps of (\S+?);",
                                                    cmap.meta["description"]).groups())
    plan = ScenarioPlan("inline", stop - start, "month", dt, [])
    results = simulate(build_spec(cmap), plan, [next(iter(cmap.graph))], engine="pysd", dt=dt, cache=cache)
    run = results.runs["baseline"]
    return cmap, warnings, np.asarray(run.times) + start, run.values


def pysd_run(path: Path, tmp_path: Path):
    """PySD's own run of the original file (copied to tmp_path: PySD writes its translation beside it)."""
    import pysd
    (tmp_path / "original").mkdir()
    copy = tmp_path / "original" / path.name
    shutil.copy(path, copy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PySD's own deprecation warnings
        return pysd.read_vensim(str(copy)).run()


def test_imported_stock_and_flow_model_matches_pysd_on_the_original(tmp_path):
    path = write(tmp_path, "lv.mdl", FIDELITY)
    cmap, said, times, values = run_imported(path, tmp_path / "cache")
    assert said == [] and not validate(cmap).errors
    assert cmap.graph.nodes["birth_rate"] == {"label": "Birth rate", "kind": "constant", "initial": 0.3,
                                              "notes": "Vensim equation: 0.3"}
    assert cmap.graph.nodes["prey"]["initial"] == 100 and cmap.graph.nodes["prey"]["kind"] == "stock"
    assert cmap.graph.edges["predation", "prey"]["flow"] == "outflow"
    reference = pysd_run(path, tmp_path)
    for var in ("prey", "predators", "predation"):
        assert same_run(times, values[var], reference, cmap.label(var)), var


def same_run(times, values, reference, label) -> bool:
    """Whether gmb's run (saved at ``times``) equals PySD's (``reference``, saved at every step) to 1e-9."""
    stamps = reference.index.to_numpy(dtype=float)
    index = [int(np.argmin(abs(stamps - t))) for t in times]
    assert all(abs(stamps[i] - t) < 1e-9 for i, t in zip(index, times)) and len(times) > 5
    return bool(np.allclose(values, reference[label].to_numpy()[index], rtol=1e-9, atol=1e-12))


def expected_output(folder: Path) -> dict[str, dict[float, float]]:
    """Vensim's or Stella's saved run (output.tab / output.csv): name → {time: value}."""
    for name, delimiter in (("output.tab", "\t"), ("output.csv", ",")):
        path = folder / name
        if path.exists():
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8").splitlines()
            except UnicodeDecodeError:  # Vensim writes its output in the Windows code page
                text = raw.decode("cp1252").splitlines()
            rows = [r for r in csv.reader(text, delimiter=delimiter) if r]
            break
    else:
        return {}
    if rows[0][0].strip().lower() != "time":  # one row per variable
        times = [float(x) for x in rows[0][1:] if x.strip()]
        return {canonical(r[0]): dict(zip(times, (float(x) for x in r[1:] if x.strip()))) for r in rows[1:]}
    table: dict[str, dict[float, float]] = {canonical(h): {} for h in rows[0][1:]}
    for row in rows[1:]:
        for head, cell in zip(rows[0][1:], row[1:]):
            if cell.strip():
                table[canonical(head)][float(row[0])] = float(cell)
    return table


def worst_error(cmap, times, values, expected) -> tuple[float, int]:
    """The largest relative error (absolute below 1e-3) over every saved time and variable compared."""
    worst, compared = 0.0, 0
    ids = {canonical(cmap.label(v)): v for v in cmap.graph}
    for name, series in expected.items():
        var = ids.get(name)
        if var is None:
            continue
        for time, want in series.items():
            i = int(np.argmin(abs(times - time)))
            if abs(times[i] - time) < 1e-9 and not math.isnan(want):
                worst = max(worst, abs(values[var][i] - want) / max(abs(want), 1e-3))
                compared += 1
    return worst, compared


SAMPLES = ["sdxorg-samples/teacup/teacup.mdl", "sdxorg-samples/SIR/SIR.mdl"] + [
    f"sdxorg-tests/{name}" for name in (
        "abs/test_abs.mdl", "builtin_max/builtin_max.mdl", "builtin_min/builtin_min.mdl",
        "chained_initialization/test_chained_initialization.mdl", "constant_expressions/test_constant_expressions.mdl",
        "limits/test_limits.mdl", "line_breaks/test_line_breaks.mdl", "line_continuation/test_line_continuation.mdl",
        "ln/test_ln.mdl", "parentheses/test_parens.mdl", "special_characters/test_special_variable_names.mdl",
        "sqrt/test_sqrt.mdl", "zeroled_decimals/test_zeroled_decimals.mdl",
        # comparisons, logic, IF THEN ELSE, functions of numbers and of time, TIME STEP, lookups
        "comparisons/comparisons.xmile", "exponentiation/exponentiation.mdl", "if_stmt/if_stmt.mdl",
        "logicals/test_logicals.mdl", "number_handling/test_number_handling.mdl", "time/test_time.mdl",
        "log/test_log.mdl", "trig/test_trig.mdl", "pi/test_pi.xmile", "rounding/test_rounding.mdl",
        "euler_step_vs_saveper/test_euler_step_vs_saveper.mdl", "input_functions/test_inputs.mdl",
        "lookups/test_lookups.mdl", "lookups_inline/test_lookups_inline.mdl",
        # functions that keep a state: INITIAL, SMOOTH and DELAY families (PySD runs them)
        "initial_function/test_initial.mdl", "smooth/test_smooth.mdl", "delays/test_delays.mdl",
        "delay_parentheses/test_delay_parentheses.mdl", "delay_pipeline/test_pipeline_delays.mdl",
        "delay_fixed/test_delay_fixed.mdl",
        # names with letters outside ASCII (the expected output is in the Windows code page)
        "unicode_characters/unicode_test_model.mdl")]


@needs_samples
@pytest.mark.filterwarnings("ignore::UserWarning:pysd.py_backend.statefuls")  # the models cast delay orders on purpose
@pytest.mark.parametrize("name", SAMPLES)
def test_sample_models_reproduce_their_expected_output(name, tmp_path):
    path = SHARED / name
    cmap, said, times, values = run_imported(path, tmp_path / "cache")
    assert not any("causal-map formulation" in w for w in said)
    worst, compared = worst_error(cmap, times, values, expected_output(path.parent))
    assert compared > 0 and worst < 1e-5, (worst, compared)


@needs_samples
@pytest.mark.parametrize("name", SAMPLES)
def test_both_engines_agree_on_the_sample_models_or_numpy_says_why_not(name, tmp_path):
    cmap, _ = import_map(SHARED / name)
    spec = build_spec(cmap)
    start, stop, dt = (float(x) for x in re.search(r"from (\S+) to (\S+) in steps of (\S+?);",
                                                    cmap.meta["description"]).groups())
    try:
        BatchModel(spec)
    except UnsupportedByBatch as exc:  # only a function that keeps a state of its own
        kept = [call.func for v in spec.variables.values() if v.equation is not None for call in stateful(v.equation)]
        assert kept and any(func in str(exc) for func in kept), exc
        return
    plan = ScenarioPlan("inline", stop - start, "month", dt, [])
    runs = {engine: simulate(spec, plan, [next(iter(cmap.graph))], engine=engine, dt=dt,
                             cache=tmp_path).runs["baseline"] for engine in ("numpy", "pysd")}
    assert np.allclose(runs["numpy"].times, runs["pysd"].times, rtol=0, atol=1e-12)
    for var in cmap.graph:
        assert np.allclose(runs["numpy"].values[var], runs["pysd"].values[var], rtol=1e-9, atol=1e-12), var


@needs_samples
def test_lotka_volterra_matches_pysd_on_the_original(tmp_path):
    path = SHARED / "sdxorg-samples" / "Lotka_Volterra" / "Lotka_Volterra.mdl"
    cmap, said, times, values = run_imported(path, tmp_path / "cache")
    assert said == []
    reference = pysd_run(path, tmp_path)
    for var in ("prey", "predators"):
        assert same_run(times, values[var], reference, cmap.label(var)), var


@needs_samples
def test_every_corpus_model_imports_without_traceback_and_says_what_it_cannot_simulate():
    files = sorted(p for p in SHARED.rglob("*") if p.suffix.lower() in (".mdl", ".xmile", ".stmx", ".itmx"))
    assert files
    for path in files:
        try:
            cmap, said = import_map(path)
        except GmbError as exc:
            pytest.fail(f"{path} refused: {exc}")
        assert not validate(cmap).errors, path
        for u, v, attrs in cmap.links():  # every ? link says why
            assert attrs["polarity"] != "?" or "notes" in attrs or "flow" in attrs, (path, u, v)
        kept = [v for v in cmap.graph if "equation" in cmap.graph.nodes[v] or
                cmap.graph.nodes[v].get("kind") in ("stock", "constant")]
        dropped = len(cmap.graph) - len(kept) - sum(1 for v in cmap.graph if cmap.graph.in_degree(v) == 0
                                                    and "equation" not in cmap.graph.nodes[v])
        if dropped > 0:  # a variable whose equation is not kept is counted in a warning
            assert any("causal-map formulation" in w or "not read" in w for w in said), path


def test_validate_notices_stock_and_flow_inconsistencies(tmp_path):
    from gmb.maps.causalmap import CausalMap
    cmap = CausalMap.new("sf")
    cmap.add_variable("water", "Water", kind="stock", initial=1)
    cmap.add_variable("rain", "Rain")
    cmap.add_variable("sun", "Sun")
    cmap.add_link("rain", "water", "+", flow=True)
    cmap.add_link("sun", "rain", "+", flow="inflow")
    report = validate(cmap)
    messages = [p.message for p in report.errors + report.warnings]
    assert any("rain → water" in m and "inflow or outflow" in m for m in messages)
    assert any("sun → rain" in m and "not a stock" in m for m in messages)
