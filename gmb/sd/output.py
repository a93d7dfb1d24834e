"""Files written by ``gmb build`` and ``gmb simulate``, staged so that nothing is ever half-written.

Everything is first written to a hidden temporary directory inside the output directory, then moved
into place file by file; a failure leaves the output directory as it was (and removes it if it was
created for this run).

Example
-------
>>> import tempfile, pathlib
>>> from gmb.causalmap import CausalMap
>>> from gmb.sd.spec import build_spec
>>> cmap = CausalMap.new("demo")
>>> cmap.add_variable("søvn", "Søvn")
>>> out = pathlib.Path(tempfile.mkdtemp()) / "model"
>>> [p.name for p in write_model(build_spec(cmap), out, stem="trivsel")]
['trivsel.xmile', 'trivsel.mdl', 'ASSUMPTIONS.md']
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from gmb.causalmap import CausalMap
from gmb.errors import MapFileError
from gmb.sd.ledger import assumptions_markdown
from gmb.sd.mdl import to_mdl
from gmb.sd.simulate import Results
from gmb.sd.spec import ModelSpec
from gmb.sd.xmile import to_xmile

__all__ = ["staged_directory", "write_model", "write_results", "RESULTS_FILE", "SUMMARY_FILE"]

RESULTS_FILE = "results.csv"
SUMMARY_FILE = "summary.csv"


@contextlib.contextmanager
def staged_directory(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary directory; on success its files replace those of the same name in ``target``."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise MapFileError(target, "exists and is not a directory; give a directory for the output")
    created = not target.exists()
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MapFileError(target, f"cannot be created ({exc.strerror})") from None
    stage = Path(tempfile.mkdtemp(prefix=".gmb-staging-", dir=target))
    try:
        yield stage
        for path in sorted(stage.iterdir()):
            os.replace(path, target / path.name)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        if created:
            shutil.rmtree(target, ignore_errors=True)
        raise
    shutil.rmtree(stage, ignore_errors=True)


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
                  lang: str | None = None, source: str | None = None) -> list[Path]:
    """Write the tidy ``results.csv``, ``summary.csv``, one PNG per outcome and ``ASSUMPTIONS.md``."""
    from gmb.render.plots import plot_outcome

    with staged_directory(out_dir) as stage:
        table = io.StringIO()
        writer = csv.writer(table, lineterminator="\n")
        writer.writerow(("scenario", "time", "variable", "value"))
        writer.writerows((s, repr(t), v, repr(x)) for s, t, v, x in results.records())
        (stage / RESULTS_FILE).write_text(table.getvalue(), encoding="utf-8")
        summary = io.StringIO()
        writer = csv.DictWriter(summary, ["outcome", "scenario", "baseline", "value", "change", "percent"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(results.summary())
        (stage / SUMMARY_FILE).write_text(summary.getvalue(), encoding="utf-8")
        (stage / "ASSUMPTIONS.md").write_text(assumptions_markdown(results.spec, source), encoding="utf-8")
        names = [RESULTS_FILE, SUMMARY_FILE, "ASSUMPTIONS.md"]
        for var in results.outcomes:
            name = f"{results.spec.variables[var].name}.png"
            plot_outcome(results, cmap, var, stage / name, lang)
            names.append(name)
    return [Path(out_dir) / name for name in names]
