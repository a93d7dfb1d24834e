"""No label, unit, note or imported name can run as code when a model gmb writes is translated by PySD.

PySD copies a variable's documentation into a Python docstring without escaping it; gmb writes a
label there. Each payload below, placed in labels, units, notes, the title and the names of an
imported XMILE file, would touch a marker file if it ever ran. The models are really translated
and run by PySD (``gmb simulate --engine pysd``, and the ``.xmile`` / ``.mdl`` of ``gmb build``
loaded with ``pysd.read_xmile`` / ``pysd.read_vensim``); the map keeps the text as typed.
"""

from __future__ import annotations

import html
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import load_map, save_map
from gmb.sd.modeltext import model_text


def payloads(marker: Path) -> list[str]:
    """Texts that would create ``marker`` if a model file let them out of a docstring or field."""
    run = f"__import__('os').system('touch {marker}')"
    return [
        f'x"""; {run}; """',
        f"x'''; {run}; '''",
        f'a\\"""+{run}#',
        f'\\\\"""\n{run}\n"""',
        f'x"""\r{run}\r"""',
        f'x"""\u2028{run}\u2028"""',
        f'"" "" ""{run}',
        f"~|{{}}[0,1] {run} \x00 \x1b[31m \u202e",
        "Søvn – “trivsel” ✓ 子供 ÆØÅ",
    ]


def hostile_map(marker: Path) -> CausalMap:
    texts = payloads(marker)
    cmap = CausalMap.new(texts[0], ["da", "en"])
    cmap.add_variable("push", "Indsats", kind="action")
    previous = "push"
    for i, text in enumerate(texts):
        var = f"v{i}"
        cmap.add_variable(var, {"da": text, "en": texts[-1 - i]}, units=text, notes=text, adjust_time=3)
        cmap.add_link(previous, var, "+", strength="medium", source={"quote": text})
        previous = var
    cmap.set_outcome([previous])
    return cmap


# What PySD 3.14 itself warns under pandas 3 and chardet 7, as in gmb.sd.pysd_engine.
pytestmark = [pytest.mark.filterwarnings("ignore:chardet.universaldetector is deprecated:DeprecationWarning"),
              pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.set_index is deprecated")]

SCENARIOS = "horizon: 12\nscenarios:\n  try: {interventions: [{action: push, level: 1}]}\n"


def test_model_text_leaves_nothing_that_ends_a_docstring_or_a_field():
    for text in payloads(Path("/tmp/m")):
        safe = model_text(text)
        assert '"' not in safe and "\\" not in safe and "\n" not in safe and "\r" not in safe
        assert "\x00" not in safe and "\u2028" not in safe and "\u202e" not in safe
    assert model_text("Søvn – “trivsel” ✓ 子供") == "Søvn – “trivsel” ✓ 子供"
    assert len(model_text("x" * 5000)) == 400


def test_simulate_with_pysd_runs_the_hostile_map_and_nothing_else(tmp_path):
    marker = tmp_path / "PWNED"
    save_map(hostile_map(marker), tmp_path / "m.yaml")
    (tmp_path / "s.yaml").write_text(SCENARIOS, encoding="utf-8")
    result = CliRunner().invoke(main, ["simulate", str(tmp_path / "m.yaml"), "--scenarios", str(tmp_path / "s.yaml"),
                                       "-o", str(tmp_path / "out"), "--engine", "pysd", "--json"])
    assert result.exit_code == 0, result.output
    assert not marker.exists()
    assert '"change"' in result.output and (tmp_path / "out" / "results.csv").exists()
    again = load_map(tmp_path / "m.yaml")     # the map keeps every text exactly as typed
    assert [again.label(f"v{i}", "da") for i in range(9)] == payloads(marker)


def test_built_xmile_and_mdl_translate_and_run_in_pysd_without_side_effects(tmp_path):
    marker = tmp_path / "PWNED"
    save_map(hostile_map(marker), tmp_path / "m.yaml")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "m.yaml"), "-o", str(tmp_path / "model")])
    assert result.exit_code == 0, result.output
    import pysd
    for path, read in ((tmp_path / "model" / "m.xmile", pysd.read_xmile), (tmp_path / "model" / "m.mdl", pysd.read_vensim)):
        model = read(str(path))
        run = model.run(params={"level_push": 1}, return_columns=["v8"])
        assert run["v8"].iloc[-1] > run["v8"].iloc[0]
        assert not marker.exists(), path.name
        source = Path(model.py_model_file).read_text(encoding="utf-8")
        assert "__import__('os').system" in source    # the text is there, as harmless documentation
        compile(source, model.py_model_file, "exec")


XMILE = """<?xml version="1.0" encoding="utf-8"?>
<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
  <header><name>{title}</name><vendor>x</vendor><product version="1">x</product></header>
  <sim_specs><start>0</start><stop>10</stop><dt>1</dt></sim_specs>
  <model><variables>
    <aux name="a"><eqn>3</eqn><units>{name}</units><doc>{name}</doc></aux>
    <aux name="{name}"><eqn>a * 2</eqn><units>{name}</units></aux>
  </variables></model>
</xmile>
"""


def test_an_imported_xmile_with_hostile_names_runs_in_pysd_as_a_subprocess(tmp_path):
    marker = tmp_path / "PWNED"
    name = html.escape(payloads(marker)[0], quote=True)
    (tmp_path / "hostile.xmile").write_text(XMILE.format(title=name, name=name), encoding="utf-8")
    (tmp_path / "s.yaml").write_text("horizon: 12\nscenarios:\n  try: {interventions: [{constant: a, value: 4}]}\n",
                                     encoding="utf-8")
    gmb = [sys.executable, "-m", "gmb"]
    imported = subprocess.run([*gmb, "import", "hostile.xmile", "-o", "m.yaml"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stderr
    outcome = next(v for v in load_map(tmp_path / "m.yaml").variables if v != "a")
    ran = subprocess.run([*gmb, "simulate", "m.yaml", "--scenarios", "s.yaml", "--outcome", outcome, "-o", "out",
                          "--engine", "pysd"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr
    assert not marker.exists()
    assert load_map(tmp_path / "m.yaml").label(outcome) == payloads(marker)[0]


@pytest.mark.parametrize("bad", ['"""', "\\", 'a"""b\\'])
def test_a_label_with_only_quotes_or_backslashes_translates(tmp_path, bad):
    cmap = CausalMap.new("t", ["en"])
    cmap.add_variable("a", "a", kind="action")
    cmap.add_variable("b", bad)
    cmap.add_link("a", "b", "+")
    cmap.set_outcome(["b"])
    save_map(cmap, tmp_path / "m.yaml")
    (tmp_path / "s.yaml").write_text("horizon: 6\nscenarios:\n  on: {interventions: [{action: a, level: 1}]}\n")
    result = CliRunner().invoke(main, ["simulate", str(tmp_path / "m.yaml"), "--scenarios", str(tmp_path / "s.yaml"),
                                       "-o", str(tmp_path / "out"), "--engine", "pysd"])
    assert result.exit_code == 0, result.output
