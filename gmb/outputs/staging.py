"""Output directories written all at once: nothing is ever half-written.

Everything is first written to a hidden temporary directory inside the output directory, then moved
into place file by file; a failure leaves the output directory as it was (and removes it if it was
created for this run).

Example
-------
>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "results"
>>> with staged_directory(out) as stage:
...     _ = (stage / "summary.csv").write_text("outcome,change")
>>> sorted(p.name for p in out.iterdir())
['summary.csv']
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from gmb.errors import MapFileError

__all__ = ["staged_directory"]


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
