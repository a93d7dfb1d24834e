"""Simulation results as chart data for the HTML page: the outcome over time under each scenario.

Reads the tidy table ``results.csv`` (columns ``scenario,time,variable,value``) that
``gmb simulate`` writes into its results directory, and returns, for each outcome variable of the
map, one line per scenario (the baseline first). The page draws them as small inline SVG charts
(no chart library). Given the scenario file the results came from, scenarios are named by their
labels in each language and the time axis by its unit. Where the directory has a band table too
(``bands.csv``, ``scenario,time,variable,p05,p95,draws``, from ``gmb simulate --band N``), each
series carries its 5–95 % band (``band``: times, low, high) and the chart the number of draws it is
over (``draws``), and the page shades the band, labelled as such.

Example
-------
>>> import tempfile, pathlib
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("demo")
>>> cmap.add_variable("mood", {"da": "Humør", "en": "Mood"})
>>> _ = cmap.set_outcome(["mood"])
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "results.csv").write_text(
...     "scenario,time,variable,value\\nbase,0,mood,1\\nbase,12,mood,1\\npush,0,mood,1\\npush,12,mood,1.25\\n")
>>> chart = outcome_charts(cmap, folder, ["da", "en"])[0]
>>> chart["label"], [(s["scenario"], s["values"]) for s in chart["series"]]
({'da': 'Humør', 'en': 'Mood'}, [('base', [1.0, 1.0]), ('push', [1.0, 1.25])])
>>> _ = (folder / "scenarios.yaml").write_text("time_unit: month\\nscenarios:\\n  push: {label: {da: Skub, en: Push}}\\n")
>>> chart = outcome_charts(cmap, folder, ["da", "en"], folder / "scenarios.yaml")[0]
>>> chart["unit"], [s["label"] for s in chart["series"]]
('month', [None, {'da': 'Skub', 'en': 'Push'}])
>>> _ = (folder / "bands.csv").write_text("scenario,time,variable,p05,p95,draws\\n"
...                                       "push,0,mood,1,1,50\\npush,12,mood,1.1,1.5,50\\n")
>>> chart = outcome_charts(cmap, folder, ["da"])[0]
>>> chart["draws"], chart["max"], chart["series"][1]["band"]
(50, 1.5, {'times': [0.0, 12.0], 'low': [1.0, 1.1], 'high': [1.0, 1.5]})
"""

from __future__ import annotations

import csv
import io
import math
import os
from pathlib import Path

from gmb.errors import GmbError, MapFileError
from gmb.maps.causalmap import CausalMap
from gmb.maps.limits import MAX_RESULTS_BYTES
from gmb.maps.segments import ALL, copy_id
from gmb.maps.store import read_text, read_yaml

__all__ = ["RESULTS_FILE", "BANDS_FILE", "read_results", "read_bands", "scenario_names", "outcome_charts"]

RESULTS_FILE = "results.csv"
"""The tidy results table in a ``gmb simulate`` output directory (as :mod:`gmb.outputs.simulation_files` names it)."""
BANDS_FILE = "bands.csv"
"""The band table beside it, when ``gmb simulate --band`` wrote one."""
BASELINE = "baseline"
COLUMNS = ("scenario", "time", "variable", "value")
BAND_COLUMNS = ("scenario", "time", "variable", "p05", "p95", "draws")


def read_results(folder: str | os.PathLike) -> dict[str, dict[str, list[tuple[float, float]]]]:
    """``{variable: {scenario: [(time, value), ...]}}`` from ``folder/results.csv``, times sorted."""
    path = Path(folder) / RESULTS_FILE
    if not Path(folder).is_dir():
        raise MapFileError(folder, "is not a directory; give the directory 'gmb simulate' wrote its results to")
    if not path.is_file():
        raise MapFileError(path, "no such file; run 'gmb simulate MAP --scenarios FILE -o DIR' first and give that DIR")
    return _table(path, COLUMNS)


def read_bands(folder: str | os.PathLike) -> tuple[dict[str, dict[str, list[tuple[float, ...]]]], int | None]:
    """``({variable: {scenario: [(time, p05, p95), ...]}}, draws)`` from ``folder/bands.csv``; empty, None
    without one."""
    path = Path(folder) / BANDS_FILE
    if not path.is_file():
        return {}, None
    draws: set[float] = set()
    table = _table(path, BAND_COLUMNS, draws)
    return table, int(max(draws)) if draws else None


def _table(path: Path, columns: tuple[str, ...], draws: set | None = None) -> dict:
    """The rows of a tidy table gmb wrote: ``{variable: {scenario: [(time, numbers...), ...]}}``, sorted; with
    a ``segment`` column (a map with segments) a segment's rows are under the copy's id (``sleep__exposed``)
    and the population average under the variable's."""
    reader = csv.DictReader(io.StringIO(read_text(path, limit=MAX_RESULTS_BYTES)))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise MapFileError(path, f"missing column(s) {', '.join(missing)}; expected {','.join(columns)}", line=1)
    numeric = ("time", *columns[3:])
    table: dict[str, dict[str, list[tuple[float, ...]]]] = {}
    rows = enumerate(reader, start=2)
    while True:
        try:
            line, row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. a field longer than the csv module reads
            message = f"is not a results table gmb wrote ({exc}); run 'gmb simulate' again"
            raise MapFileError(path, message) from None
        try:
            numbers = tuple(float(row[key]) for key in numeric)
        except (TypeError, ValueError):
            shown = " and ".join(repr(str(row[key])[:40]) for key in numeric)
            names = f"{', '.join(numeric[:-1])} and {numeric[-1]}"
            raise MapFileError(path, f"{names} must be numbers, got {shown}", line=line) from None
        if all(math.isfinite(x) for x in numbers):
            if draws is not None:
                draws.add(numbers[-1])
                numbers = numbers[:-1]
            segment = row.get("segment") or ""
            key = row["variable"] if segment in ("", ALL) else copy_id(row["variable"], segment)
            table.setdefault(key, {}).setdefault(row["scenario"], []).append(numbers)
    for scenarios in table.values():
        for points in scenarios.values():
            points.sort()
    return table


def scenario_names(path: str | os.PathLike, languages: list[str]) -> tuple[dict[str, dict], str | None]:
    """``({scenario: {lang: label}}, time_unit)`` from a scenario file (``scenarios: {id: {label: ...}}``)."""
    _, data = read_yaml(path, missing="give the scenario file 'gmb simulate --scenarios' ran")
    if not isinstance(data, dict) or not isinstance(data.get("scenarios"), dict):
        raise MapFileError(path, "is not a scenario file (expected 'scenarios: {id: {label: ...}}')")
    names = {}
    for scenario, entry in data["scenarios"].items():
        label = entry.get("label") if isinstance(entry, dict) else None
        if isinstance(label, dict):
            names[str(scenario)] = {lang: str(label.get(lang) or next(iter(label.values()), "")) for lang in languages}
        elif label:
            names[str(scenario)] = {lang: str(label) for lang in languages}
    unit = data.get("time_unit")
    return names, str(unit) if unit else None


def outcome_charts(cmap: CausalMap, folder: str | os.PathLike, languages: list[str],
                   scenarios: str | os.PathLike | None = None) -> list[dict]:
    """One chart per outcome variable found in the results: labels, range, unit and one series per scenario."""
    if not cmap.outcome:
        raise GmbError("the map has no outcome to chart; set one with 'gmb outcome MAP VARIABLE'")
    table = read_results(folder)
    bands, draws = read_bands(folder)
    names, unit = scenario_names(scenarios, languages) if scenarios is not None else ({}, None)
    charts = []
    for var in cmap.outcome:
        runs = table.get(var)
        if not runs or var not in cmap.graph:
            continue
        order = sorted(runs, key=lambda name: name != BASELINE)  # the baseline first, then file order
        band = bands.get(var, {})
        values = [v for points in [*runs.values(), *band.values()] for _, *numbers in points for v in numbers]
        series = [{"scenario": name, "label": names.get(name), "times": [_round(t) for t, _ in runs[name]],
                   "values": [_round(v) for _, v in runs[name]]} for name in order]
        for entry in series:
            if entry["scenario"] in band:
                times, low, high = zip(*band[entry["scenario"]])
                entry["band"] = {"times": list(map(_round, times)), "low": list(map(_round, low)),
                                 "high": list(map(_round, high))}
        charts.append({
            "variable": var,
            "label": {lang: cmap.label(var, lang) for lang in languages},
            "unit": unit,
            "min": _round(min(values)), "max": _round(max(values)),
            "series": series,
        } | ({"draws": draws} if band else {}))
    if not charts:
        raise MapFileError(Path(folder) / RESULTS_FILE, f"has no rows for the outcome "
                           f"{', '.join(cmap.outcome)}; simulate this map again")
    return charts


def _round(x: float) -> float:
    """Six significant digits: enough for a small chart, and a smaller page."""
    return float(f"{x:.6g}")
