"""Output directories written all at once: the folder is the old one or the new one, never a mix.

A run writes into a hidden staging folder beside the output folder (``.gmb-staging-NAME-PID-XXXX``).
When it succeeds, the other files of the old folder are carried over (hard links, or copies), each
file that replaces an old one is checked by :func:`gmb.maps.outpaths.claim_output` (not an input,
gmb's own output unless forced, no link written through), and then, under a lock, the old folder is
renamed aside (``.gmb-backup-…``), the staging folder renamed into its place, and the old one
deleted. Any failure leaves the output folder exactly as it was (and does not create it); errors
name the output folder, not the staging one. Staging and backup folders of killed runs (their PID
is dead) are removed by the next run on that folder; a backup whose run died mid-swap is put back.
An output folder given as a symbolic link is followed; the current folder (or one holding it)
is refused.

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
import re
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Iterator

from gmb.errors import GmbError, MapFileError, OutputPathError
from gmb.maps.outpaths import claim_output, record
from gmb.maps.store import locked, pid_alive

__all__ = ["staged_directory"]


@contextlib.contextmanager
def staged_directory(target: str | os.PathLike) -> Iterator[Path]:
    """Yield an empty staging folder; on success ``target`` becomes it, plus the other files ``target`` held."""
    shown = Path(target)
    if shown.exists() and not shown.is_dir():
        raise MapFileError(shown, "exists and is not a directory; give a directory for the output")
    real = Path(os.path.realpath(shown))
    here = Path.cwd().resolve()
    if real == here or real in here.parents:
        raise OutputPathError(shown, "is the current folder or holds it; give the output a folder of its own, "
                              "such as out/results")
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MapFileError(shown, f"cannot be created ({exc.strerror})") from None
    key = f"{real.name[:100]}-{os.getpid()}-"
    with _named(shown, real, None):
        with locked(real):
            remove_stale_stages(real)
        stage = Path(tempfile.mkdtemp(prefix=f".gmb-staging-{key}", dir=real.parent))
    try:
        with _named(shown, real, stage):
            yield stage
            with locked(real), (locked(real / "_") if real.is_dir() else contextlib.nullcontext()):
                names = _replace(shown, real, stage, key)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    for name in names:
        record(shown / name)


def remove_stale_stages(target: str | os.PathLike) -> list[Path]:
    """Remove the staging and backup folders that killed runs on ``target`` left beside it; returns them.

    A backup whose run died after moving ``target`` aside, before moving the new one in, is put back.
    """
    target = Path(target)
    pattern = re.compile(rf"\.gmb-(staging|backup)-{re.escape(target.name[:100])}-(\d+)-[a-z0-9_]+")
    removed = []
    with contextlib.suppress(OSError), os.scandir(target.parent) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            found = pattern.fullmatch(entry.name)
            if not found or pid_alive(int(found.group(2))) or not entry.is_dir(follow_symlinks=False):
                continue
            if found.group(1) == "backup" and not os.path.lexists(target):
                os.rename(entry.path, target)
            else:
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(Path(entry.path))
    return removed


def _replace(shown: Path, real: Path, stage: Path, key: str) -> list[str]:
    """Check the files written, carry over the others, then swap the staging folder in for ``real``."""
    names = sorted(os.listdir(stage))
    for name in names:
        with open(stage / name, "rb") if (stage / name).is_file() else contextlib.nullcontext() as handle:
            claim_output(shown / name, handle.read(65536) if handle else None)
    if not real.exists():
        os.chmod(stage, 0o777 & ~_umask())
        os.rename(stage, real)
        return names
    for entry in os.scandir(real):
        if entry.name not in names and not entry.name.startswith(".gmb-staging-"):
            _carry(entry, stage / entry.name)
    os.chmod(stage, stat.S_IMODE(real.stat().st_mode))
    backup = Path(tempfile.mkdtemp(prefix=f".gmb-backup-{key}", dir=real.parent))
    os.rename(real, backup)
    try:
        os.rename(stage, real)
    except BaseException:
        os.rename(backup, real)
        raise
    shutil.rmtree(backup, ignore_errors=True)
    return names


def _carry(entry: os.DirEntry, dest: Path) -> None:
    """Carry a file of the old folder over to the new one: a hard link where possible, else a copy."""
    if entry.is_symlink():
        os.symlink(os.readlink(entry.path), dest)
    elif entry.is_dir():
        shutil.copytree(entry.path, dest, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(entry.path, dest)


def _link_or_copy(source, dest) -> None:
    try:
        os.link(source, dest)
    except OSError:
        shutil.copy2(source, dest)


@contextlib.contextmanager
def _named(shown: Path, real: Path, stage: Path | None) -> Iterator[None]:
    """Errors name the output folder the user gave, never the staging folder."""
    try:
        yield
    except OSError as exc:
        where = Path(os.path.abspath(exc.filename)) if isinstance(exc.filename, (str, os.PathLike)) else None
        if stage is not None and where is not None and where.is_relative_to(stage):
            where = shown / where.relative_to(stage)
        elif where is None or where == real.parent or where.is_relative_to(real):
            where = shown
        else:
            raise
        raise MapFileError(where, f"cannot be written ({exc.strerror or exc}); check that the folder can be "
                           "written and the disk has room") from None
    except GmbError as exc:
        if stage is not None and exc.args and str(stage) in str(exc.args[0]):
            exc.args = (str(exc.args[0]).replace(str(stage), str(shown)), *exc.args[1:])
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
