"""Runs a model spec in PySD: translated once per model text into a cache directory, then reused.

PySD writes the Python it translates beside the model file, so the XMILE goes into
``$GMB_CACHE_DIR/pysd/<hash>/`` (default ``~/.cache/gmb``), never beside the user's files. The hash
covers the model text and the PySD version, so a changed map or scenario inputs translate afresh
and an unchanged one loads in a fraction of the time. PySD keeps settings between runs, so each
run after the first reloads the model.

Example
-------
>>> import tempfile
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.sd.spec import build_spec
>>> cache = tempfile.mkdtemp()
>>> cmap = CausalMap.new("demo")
>>> cmap.add_variable("mood", "Humør", adjust_time=2)
>>> spec = build_spec(cmap)
>>> engine = PySDEngine(spec, cache=cache)
>>> run = engine.run({"push_mood": 0.5}, final_time=4, dt=1.0)
>>> run.times.tolist(), run.values["mood"].tolist()
([0.0, 1.0, 2.0, 3.0, 4.0], [1.0, 1.25, 1.375, 1.4375, 1.46875])
>>> PySDEngine(spec, cache=cache).path == engine.path   # the second engine loads the cached translation
True
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from gmb.sd.spec import ModelSpec
from gmb.sd.xmile import to_xmile

__all__ = ["PySDEngine", "Run", "cache_dir", "save_step", "load_model_file", "run_quietly"]

# Third-party warnings PySD 3.14 triggers under pandas 3 and chardet 7; nothing gmb can change.
_THIRD_PARTY_WARNINGS = (
    (DeprecationWarning, r"chardet\.universaldetector is deprecated"),
    (Warning, r"The inplace keyword in DataFrame\.set_index is deprecated"),
)


@dataclass
class Run:
    """One simulation: times (in the model's time unit) and each map variable's values."""

    times: np.ndarray
    values: dict[str, np.ndarray]


def cache_dir() -> Path:
    """Where translated models are kept: ``$GMB_CACHE_DIR`` or ``~/.cache/gmb``."""
    return Path(os.environ.get("GMB_CACHE_DIR") or Path.home() / ".cache" / "gmb")


def save_step(dt: float) -> float:
    """Record every whole time unit (or every step when steps are longer)."""
    return dt * max(1, round(1 / dt))


class PySDEngine:
    """A spec as a PySD model; ``tunable`` names the scenario constants runs may set (default all),
    ``cache`` the cache directory (default :func:`cache_dir`)."""

    def __init__(self, spec: ModelSpec, tunable: set[str] | None = None, cache: str | os.PathLike | None = None):
        self.spec = spec
        self.text = to_xmile(spec, tunable=tunable)
        with _quiet():
            import pysd
        key = hashlib.sha256(f"pysd {pysd.__version__}\n{self.text}".encode()).hexdigest()[:32]
        self.path = Path(cache or cache_dir()) / "pysd" / key / "model.py"
        if not self.path.is_file():
            self._translate()
        with _quiet():
            self.model = pysd.load(str(self.path))
        self._fresh = True

    def run(self, settings: dict[str, float], final_time: float, dt: float) -> Run:
        """Simulate from 0 to ``final_time`` (a whole number of steps ``dt``), ``settings`` set.

        Values are kept at every :func:`save_step` and at ``final_time``.
        """
        if not self._fresh:
            with _quiet():
                self.model.reload()
        self._fresh = False
        columns = [var.name for var in self.spec.variables.values()]
        save = save_step(dt)
        stamps = [k * save for k in range(int(final_time / save + 1e-9) + 1)]
        if final_time - stamps[-1] > dt * 1e-6:
            stamps.append(final_time)
        with _quiet():
            frame = self.model.run(params=dict(settings), final_time=final_time, time_step=dt,
                                   return_timestamps=stamps, return_columns=columns)
        times = np.round(frame.index.to_numpy(dtype=float), 10)
        values = {var.id: frame[var.name].to_numpy(dtype=float) for var in self.spec.variables.values()}
        return Run(times, values)

    def _translate(self) -> None:
        with _quiet():
            import pysd
        self.path.parent.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".translating-", dir=self.path.parent.parent))
        try:
            source = work / "model.xmile"
            source.write_text(self.text, encoding="utf-8")
            with _quiet(), _unformatted():
                pysd.read_xmile(str(source), initialize=False)
            with contextlib.suppress(FileExistsError, OSError):
                os.rename(work, self.path.parent)  # another process may have put it there first
        finally:
            shutil.rmtree(work, ignore_errors=True)


def load_model_file(path: str | os.PathLike):
    """A PySD model from a ``.xmile`` or ``.mdl`` file written by ``gmb build``.

    PySD writes the translated ``.py`` beside the file: use this on files of your own, in a
    directory you may write to.
    """
    with _quiet():
        import pysd

        if Path(path).suffix.lower() == ".mdl":
            return pysd.read_vensim(str(path))
        return pysd.read_xmile(str(path))


def run_quietly(model, **options):
    """``model.run(**options)`` without the third-party warnings PySD emits under pandas 3."""
    with _quiet():
        return model.run(**options)


class _Unformatted:
    """Stands in for ``black`` in PySD's builder: the code is kept as PySD generates it."""

    @staticmethod
    def FileMode(*args, **kwargs):  # noqa: N802 - black's name
        return None

    @staticmethod
    def format_file_contents(text: str, **kwargs) -> str:
        return text


@contextlib.contextmanager
def _unformatted() -> Iterator[None]:
    """Skip PySD's formatting of the Python it writes (black): half the translation time, for
    code nobody reads (it lives in the cache)."""
    from pysd.builders.python import python_model_builder as builder

    original = getattr(builder, "black", None)
    if original is None:
        yield
        return
    builder.black = _Unformatted
    try:
        yield
    finally:
        builder.black = original


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        for category, message in _THIRD_PARTY_WARNINGS:
            warnings.filterwarnings("ignore", message=message, category=category)
        yield
