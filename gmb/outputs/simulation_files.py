"""Files written by ``gmb build`` and ``gmb simulate``, staged so that nothing is ever half-written
(:func:`gmb.outputs.staging.staged_directory`).

``results.csv`` is the analysts' tidy table (``scenario,time,variable,value``, full precision, nothing
else; on a map with segments ``scenario,time,variable,segment,value``, the segment ``all`` for a
per-segment variable's population average and empty for a shared variable); with a band (``gmb simulate --band N``, :mod:`gmb.leverage.bands`) ``bands.csv`` is its twin
(``scenario,time,variable,p05,p95,draws``, full precision) and the plots shade each run's band. Both
start with a byte-order mark, as every CSV file gmb writes (:mod:`gmb.maps.excel_csv`). ``summary.csv``
is read by people, often in a spreadsheet: it is written in the output language (Danish: ``;`` and
decimal commas), each scenario's label beside its id, numbers as the console table rounds them
(:func:`gmb.outputs.tables.summary_csv`), and each row carries the caveat in a last ``note`` column: a
note column survives sorting and filtering and keeps the file plain CSV, where a comment line or a
caveat row would not. The plots carry the caveat too.

Example
-------
>>> import tempfile, pathlib
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.sd.spec import build_spec
>>> cmap = CausalMap.new("demo")
>>> cmap.add_variable("søvn", "Søvn")
>>> out = pathlib.Path(tempfile.mkdtemp()) / "model"
>>> [p.name for p in write_model(build_spec(cmap), out, stem="trivsel")]
['trivsel.xmile', 'trivsel.mdl', 'ASSUMPTIONS.md']
"""

from __future__ import annotations

import os
from pathlib import Path

from gmb.leverage.bands import COLUMNS as BAND_COLUMNS
from gmb.leverage.bands import Bands
from gmb.maps.causalmap import CausalMap
from gmb.maps.excel_csv import csv_text
from gmb.outputs.staging import staged_directory
from gmb.outputs.tables import summary_csv
from gmb.sd.ledger import assumptions_markdown
from gmb.sd.mdl import to_mdl
from gmb.sd.simulate import Results
from gmb.sd.spec import ModelSpec
from gmb.sd.xmile import to_xmile

__all__ = ["write_model", "write_results", "RESULTS_FILE", "SUMMARY_FILE", "BANDS_FILE"]

RESULTS_FILE = "results.csv"
SUMMARY_FILE = "summary.csv"
BANDS_FILE = "bands.csv"


def write_model(spec: ModelSpec, out_dir: str | os.PathLike, stem: str = "model",
                source: str | None = None) -> list[Path]:
    """Write ``STEM.xmile``, ``STEM.mdl`` and ``ASSUMPTIONS.md``; returns their paths."""
    files = {f"{stem}.xmile": to_xmile(spec), f"{stem}.mdl": to_mdl(spec),
             "ASSUMPTIONS.md": assumptions_markdown(spec, source)}
    with staged_directory(out_dir) as stage:
        for name, text in files.items():
            (stage / name).write_text(text, encoding="utf-8")
    return [Path(out_dir) / name for name in files]


def write_results(results: Results, cmap: CausalMap, out_dir: str | os.PathLike,
                  lang: str | None = None, source: str | None = None, bands: Bands | None = None) -> list[Path]:
    """Write the tidy ``results.csv``, ``summary.csv`` (with the caveat in ``note``), one PNG per outcome
    and ``ASSUMPTIONS.md``; with ``bands``, ``bands.csv`` too, and the PNGs shade the bands. On a map
    with segments, each per-segment outcome also gets ``NAME_segments.png`` (each group under each
    scenario) and ``NAME_gap.png`` (the gap over time)."""
    from gmb.render.fonts import quiet_savefig
    from gmb.render.plots import plot_outcome
    from gmb.render.segment_plots import gap_figure, segments_figure

    with staged_directory(out_dir) as stage:
        seg = results.spec.segmentation
        if seg is None:
            table = csv_text(("scenario", "time", "variable", "value"), results.records())
        else:  # the map's variable and its segment (all: the population average; empty: shared)
            table = csv_text(("scenario", "time", "variable", "segment", "value"),
                             ((name, time, *seg.split(var), value) for name, time, var, value in results.records()))
        (stage / RESULTS_FILE).write_text(table, encoding="utf-8")
        (stage / SUMMARY_FILE).write_text(summary_csv(results, cmap, lang or cmap.languages[0]), encoding="utf-8")
        (stage / "ASSUMPTIONS.md").write_text(assumptions_markdown(results.spec, source), encoding="utf-8")
        names = [RESULTS_FILE, SUMMARY_FILE, "ASSUMPTIONS.md"]
        if bands is not None:
            table = csv_text(BAND_COLUMNS, (row + (bands.used,) for row in bands.records(results.plan.unit_months)))
            (stage / BANDS_FILE).write_text(table, encoding="utf-8")
            names.insert(2, BANDS_FILE)
        for var in results.outcomes:
            name = f"{results.spec.variables[var].name}.png"
            band = None if bands is None else {run: (bands.times, bands.low[run][var], bands.high[run][var])
                                               for run in bands.low}
            plot_outcome(results, cmap, var, stage / name, lang, band, None if bands is None else bands.used)
            names.append(name)
            if results.spec.copies(var):  # a map with segments: each group, and the gap between them
                stem = results.spec.variables[var].name
                for suffix, draw in (("segments", segments_figure), ("gap", gap_figure)):
                    quiet_savefig(draw(results, cmap, var, lang), stage / f"{stem}_{suffix}.png", format="png",
                                  metadata={"Software": "gmb"})
                    names.append(f"{stem}_{suffix}.png")
    return [Path(out_dir) / name for name in names]
