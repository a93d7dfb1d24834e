"""Outputs for Danish offices: every CSV file opens right in Excel, in the output language.

Each table for people (``summary.csv``, ``gmb analyze --csv``, ``leverage.csv``, ``pairwise.csv``,
``sensitivity.csv``, ``ideas.csv``, ``synergy.csv``) is read back here as Excel reads it: a UTF-8
byte-order mark, then cells split at the language's separator (Danish ``;``, English ``,``); every number
is one Danish Excel reads as a number (decimal comma, no decimal point) or an English one, and equals the
full-precision value of the analysts' files (the JSON) rounded as the console rounds it; labels stand
beside ids, with æ, ø, å intact. Text that a spreadsheet would run as a formula gets a leading ``'``.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.formats import export_map, import_map
from gmb.maps.causalmap import CausalMap
from gmb.maps.excel_csv import COLUMNS, people_csv, same_columns
from gmb.maps.store import load_map, save_map
from gmb.render.charts import read_results
from gmb.sd.scenarios import load_scenarios
from gmb.sd.spec import build_spec

ROOT = Path(__file__).resolve().parents[1]
MAP, SCENARIOS, IDEAS = ROOT / "models/havndal.yaml", ROOT / "workshops/havndal/scenarios.yaml", \
    ROOT / "workshops/havndal/ideas.yaml"
SEPARATOR = {"da": ";", "en": ","}
NUMBER = {"da": re.compile(r"[+-]?\d+(,\d+)?( %)?"), "en": re.compile(r"[+-]?\d+(\.\d+)?%?")}
"""A number as Danish (decimal comma, no decimal point) and English Excel read it, percent or not."""


def run(*args) -> dict:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in args else {}


def read_as_excel(path: Path, lang: str) -> list[dict]:
    """The rows of a CSV file as Excel opens it in ``lang``'s locale: BOM, then the language's separator."""
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8), path
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline=""), delimiter=SEPARATOR[lang]))
    assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows), path
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def number(cell: str, lang: str) -> float:
    """A cell's number, after checking it is written as ``lang``'s spreadsheet reads a number."""
    assert NUMBER[lang].fullmatch(cell), f"{cell!r} is not a {lang} number"
    return float(cell.rstrip(" %").replace(",", "."))


def two_figures(cell: str, value: float, lang: str, scale: float = 1) -> None:
    """``cell`` is ``value`` × ``scale`` to two significant figures (a probability just below 1: more)."""
    shown, exact = number(cell, lang), scale * value
    if scale == 100 and 0.995 <= value < 1:
        assert 99 <= shown < 100
    else:
        assert shown == float(f"{exact:.2g}"), (cell, exact)


def decimals(cell: str, value: float, lang: str) -> int:
    """``cell`` is ``value`` rounded to the decimals it shows; returns them."""
    places = len(re.split("[,.]", cell)[1]) if re.search("[,.]", cell) else 0
    assert number(cell, lang) == round(value, places), (cell, value)
    return places


def name(key: str, lang: str) -> str:
    return COLUMNS[key][0 if lang == "da" else 1]


def has_danish_letters(texts) -> bool:
    return any(set(text) & set("æøåÆØÅ") for text in texts)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_summary_csv_opens_in_excel_with_labels_and_rounded_changes(tmp_path, lang):
    data = run("simulate", MAP, "--scenarios", SCENARIOS, "-o", tmp_path / "out", "--lang", lang, "--json")
    rows = read_as_excel(tmp_path / "out" / "summary.csv", lang)
    cmap = load_map(MAP)
    plan = load_scenarios(SCENARIOS, cmap, build_spec(cmap))
    labels = {s.name: cmap.text(s.label, lang) for s in plan.scenarios}
    assert len(rows) == len(data["summary"]) == len(plan.scenarios)
    for row, full in zip(rows, data["summary"]):
        assert row[name("outcome", lang)] == full["outcome"]
        assert row[name("outcome_label", lang)] == cmap.label(full["outcome"], lang)
        assert row[name("scenario", lang)] == full["scenario"]
        assert row[name("scenario_label", lang)] == labels[full["scenario"]]
        two_figures(row[name("change", lang)], full["change"], lang)
        two_figures(row[name("percent", lang)], full["percent"], lang)
        assert row[name("percent", lang)].endswith("%")
        assert decimals(row[name("value", lang)], full["value"], lang) >= 2
        decimals(row[name("baseline", lang)], full["baseline"], lang)
        assert row[name("note", lang)].startswith("Sammenligning" if lang == "da" else "A comparison")
    if lang == "da":
        assert has_danish_letters(row[name("scenario_label", lang)] for row in rows)
    # the analysts' table keeps full precision, a comma and a decimal point, behind a BOM too; the
    # residents' page reads it
    results = read_as_excel(tmp_path / "out" / "results.csv", "en")
    last = [r for r in results if r["variable"] == full["outcome"] and r["scenario"] == full["scenario"]][-1]
    assert float(last["value"]) == full["value"]
    assert read_results(tmp_path / "out")[full["outcome"]][full["scenario"]][-1][1] == full["value"]   # the page


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_centrality_csv_follows_the_language(tmp_path, lang):
    data = run("analyze", MAP, "--json", "--csv", tmp_path / "c.csv", "--lang", lang)
    rows = read_as_excel(tmp_path / "c.csv", lang)
    cmap = load_map(MAP)
    assert [row["id"] for row in rows] == [row["id"] for row in data["variables"]]
    for row, full in zip(rows, data["variables"]):
        assert row[name("label", lang)] == cmap.label(full["id"], lang) == full["label"]
        for key in ("betweenness", "closeness"):
            assert decimals(row[name(key, lang)], full[key], lang) == 3
        for key in ("in_degree", "out_degree", "degree", "reach", "loops"):
            assert number(row[name(key, lang)], lang) == full[key]
    assert has_danish_letters(row[name("label", lang)] for row in rows) == (lang == "da")


@pytest.mark.parametrize("lang", ["da", "en"])
def test_leverage_tables_follow_the_language_and_the_json_keeps_full_precision(tmp_path, lang):
    out = tmp_path / "lev"
    run("leverage", MAP, "--samples", 30, "--seed", 1, "--workers", 1, "-o", out, "--lang", lang)
    report = json.loads((out / "leverage.json").read_text(encoding="utf-8"))
    rows = read_as_excel(out / "leverage.csv", lang)
    assert [row["id"] for row in rows] == [c["id"] for c in report["candidates"]]
    for row, full in zip(rows, report["candidates"]):
        assert row[name("label", lang)] == full["label"] and number(row[name("rank", lang)], lang) == full["rank"]
        for key in ("effect", "effect_p05", "effect_p95"):
            two_figures(row[name(key, lang)], full[key], lang)
        for key in ("p_direction", "p_top3"):
            two_figures(row[name(key, lang)], full[key], lang, scale=100)
    assert has_danish_letters(row[name("label", lang)] for row in rows) == (lang == "da")
    pairs = read_as_excel(out / "pairwise.csv", lang)
    assert len(pairs) == len(report["pairwise"]) > 0
    for row, full in zip(pairs, report["pairwise"]):
        assert (row[name("a", lang)], row[name("a_label", lang)]) == (full["a"], full["a_label"])
        assert (row[name("b", lang)], row[name("b_label", lang)]) == (full["b"], full["b_label"])
        for key in ("p_a_more", "p_b_more", "p_tie"):
            two_figures(row[name(key, lang)], full[key], lang, scale=100)
    screened = read_as_excel(out / "sensitivity.csv", lang)
    factors = report["sensitivity"]["factors"]
    assert [row[name("factor", lang)] for row in screened] == [f["factor"] for f in factors]
    for row, full in zip(screened, factors):
        assert row[name("text", lang)] == full["text"] and row[name("moves_label", lang)] == full["moves_label"]
        two_figures(row[name("mu_star", lang)], full["mu_star"], lang, scale=100)   # percentage points
        two_figures(row[name("sigma", lang)], full["sigma"], lang, scale=100)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_ideas_and_synergy_tables_follow_the_language(tmp_path, lang):
    out = tmp_path / "ideas"
    run("ideas", "rank", MAP, "--ideas", IDEAS, "--samples", 20, "--seed", 1, "--workers", 1, "-o", out, "--lang", lang)
    report = json.loads((out / "ideas.json").read_text(encoding="utf-8"))
    rows = read_as_excel(out / "ideas.csv", lang)
    assert [row["id"] for row in rows] == [c["id"] for c in report["candidates"]]
    for row, full in zip(rows, report["candidates"]):
        assert row[name("label", lang)] == full["label"]
        assert row[name("working_group", lang)] == full["working_group"]
        assert number(row[name("feasibility", lang)], lang) == full["feasibility"]
        two_figures(row[name("effect", lang)], full["effect"], lang)
        two_figures(row[name("p_top3", lang)], full["p_top3"], lang, scale=100)
    assert has_danish_letters(row[name("label", lang)] for row in rows) == (lang == "da")
    labels = {c["id"]: c["label"] for c in report["candidates"]}
    pairs = read_as_excel(out / "synergy.csv", lang)
    assert len(pairs) == len(report["pairs"]) > 0
    for row, full in zip(pairs, report["pairs"]):
        assert row[name("a_label", lang)] == labels[full["a"]] and row[name("b_label", lang)] == labels[full["b"]]
        for key in ("combined", "sum", "synergy", "p05", "p95"):
            two_figures(row[name(key, lang)], full[key], lang)


def _numeric(path: Path, text_columns: set[str]) -> list[str]:
    return [cell for row in read_as_excel(path, "da") for column, cell in row.items()
            if column not in text_columns and cell]


def test_every_number_of_the_danish_tables_is_a_danish_number(tmp_path):
    run("simulate", MAP, "--scenarios", SCENARIOS, "-o", tmp_path / "sim")
    run("analyze", MAP, "--csv", tmp_path / "c.csv")
    run("ideas", "rank", MAP, "--ideas", IDEAS, "--samples", 20, "--seed", 1, "--workers", 1, "-o", tmp_path / "i")
    texts = {name(key, "da") for key in ("outcome", "outcome_label", "scenario", "scenario_label", "note", "id",
                                         "label", "group", "direction", "cost", "working_group", "pareto", "a",
                                         "a_label", "b", "b_label", "verdict", "offer", "gap_verdict",
                                         "gap_quadrant")}
    cells = [cell for path in (tmp_path / "sim/summary.csv", tmp_path / "c.csv", tmp_path / "i/ideas.csv",
                               tmp_path / "i/synergy.csv") for cell in _numeric(path, texts)]
    assert len(cells) > 100
    for cell in cells:
        assert re.fullmatch(r"[+-]?\d+(,\d+)?( %)?", cell) and "." not in cell, cell


def _injected_map(path: Path) -> Path:
    cmap = CausalMap.new("Injektion", ["da", "en"])
    cmap.add_variable("link", {"da": '=HYPERLINK("x")', "en": "@SUM(1)"}, kind="action")
    cmap.add_variable("mood", {"da": "-1+1", "en": "+mood"})
    cmap.add_link("link", "mood", "-")
    cmap.set_outcome(["mood"])
    save_map(cmap, path)
    return path


def test_formula_text_is_written_as_text_and_numbers_are_not(tmp_path):
    path = _injected_map(tmp_path / "m.yaml")
    (tmp_path / "s.yaml").write_text("horizon: 24\nscenarios:\n  on:\n    label: '=1+1'\n"
                                     "    interventions:\n      - {action: link, level: 1}\n", encoding="utf-8")
    run("simulate", path, "--scenarios", tmp_path / "s.yaml", "-o", tmp_path / "out")
    summary = read_as_excel(tmp_path / "out" / "summary.csv", "da")[0]
    assert summary["udfald"] == "'-1+1" and summary["scenarie"] == "'=1+1"
    assert summary["ændring"].startswith("-") and number(summary["ændring"], "da") < 0   # a number stays a number
    run("analyze", path, "--csv", tmp_path / "c.csv")
    names = {row["id"]: row["navn"] for row in read_as_excel(tmp_path / "c.csv", "da")}
    assert names == {"link": "'=HYPERLINK(\"x\")", "mood": "'-1+1"}
    run("analyze", path, "--csv", tmp_path / "c.csv", "--lang", "en")
    assert {row["name"] for row in read_as_excel(tmp_path / "c.csv", "en")} == {"'@SUM(1)", "'+mood"}
    run("leverage", path, "--samples", 20, "--seed", 1, "--workers", 1, "--no-sensitivity", "-o", tmp_path / "lev")
    assert [row["navn"] for row in read_as_excel(tmp_path / "lev" / "leverage.csv", "da")] == [names["link"]]


def test_an_exported_map_csv_escapes_formulas_and_imports_them_back(tmp_path):
    cmap = load_map(_injected_map(tmp_path / "m.yaml"))
    export_map(cmap, tmp_path / "links.csv")
    variables = read_as_excel(tmp_path / "links.variables.csv", "en")
    assert {row["label_da"] for row in variables} == {"'=HYPERLINK(\"x\")", "'-1+1"}
    assert read_as_excel(tmp_path / "links.csv", "en")[0]["polarity"] == "-"     # a polarity is no formula
    again = import_map(tmp_path / "links.csv")[0]
    assert again.label("link", "da") == '=HYPERLINK("x")' and again.label("mood", "en") == "+mood"


def test_a_table_is_known_as_gmb_s_in_either_language_and_a_foreign_one_is_not():
    danish = people_csv(["outcome", "value", "note"], [["a", None, "x"]], "da")
    assert same_columns(danish.encode("utf-8"), people_csv(["outcome", "value", "note"], [], "en"))
    assert not same_columns("\ufeffudfald-id;værdi\n", danish)
    every = [(text, key) for key, names in COLUMNS.items() for text in set(names)]
    assert len({text for text, _ in every}) == len(every)   # each column name stands for one column
