"""Files written in one step: exclusive creation, temporary files named by their writer, stale ones removed.

A file is first written and synced to a temporary file beside it, ``.NAME.PID-XXXX.tmp`` (PID: the
writing process), then renamed (:func:`gmb.maps.store.atomic_write`) or hard-linked into place
(:func:`create_exclusive`, which never replaces a file). A writer killed in between leaves its
temporary file; the next write of the same path removes those whose process is dead.

Example
-------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "new.yaml"
>>> create_exclusive(path, "title: a\\n")
>>> try:
...     create_exclusive(path, "title: b\\n")
... except OutputPathError as exc:
...     print(exc.reason, path.read_text(), sep=": ", end="")
exists already; choose another name: title: a
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from pathlib import Path

from gmb.errors import OutputPathError

__all__ = ["create_exclusive", "pid_alive", "remove_stale_temps", "temp_copy", "sync_directory", "umask"]


def create_exclusive(path: str | os.PathLike, text: str | bytes) -> None:
    """Create the new file ``path`` with ``text`` in one step; never replaces a file, even one made meanwhile.

    The text is written and synced to a temporary file beside it, which is then hard-linked to
    ``path``: the link fails if the name is taken, so there is no moment between a check and the
    write. Raises :class:`~gmb.errors.OutputPathError` (``replaceable``) if ``path`` exists.
    """
    shown = path
    path = Path(os.path.abspath(path))
    tmp = temp_copy(path, text, 0o666 & ~umask())
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise OutputPathError(shown, "exists already; choose another name", replaceable=True) from None
        except OSError:  # a file system without hard links: claim the name, then fill it
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:
                raise OutputPathError(shown, "exists already; choose another name", replaceable=True) from None
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    sync_directory(path.parent)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (a file named by a dead one is stale).

    >>> pid_alive(os.getpid()), pid_alive(0)
    (True, False)
    """
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except OSError:
        return False
    return True


_STALE_LEGACY = 3600
"""Seconds after which a temporary file without a process id (written by an older gmb) counts as stale."""


def remove_stale_temps(path: str | os.PathLike) -> list[Path]:
    """Remove the temporary files that killed writes of ``path`` left beside it; returns them.

    They are ``.NAME.PID-XXXX.tmp`` with a dead PID (or, from an older gmb, ``.NAME.XXXX.tmp``
    older than an hour); a live writer's temporary file is never touched.
    """
    path = Path(path)
    start = f".{path.name}."
    removed = []
    with contextlib.suppress(OSError), os.scandir(path.parent) as entries:
        for entry in entries:
            name = entry.name
            if not (name.startswith(start) and name.endswith(".tmp")):
                continue
            middle = name[len(start):-len(".tmp")]
            with contextlib.suppress(OSError):
                if re.fullmatch(r"\d+-[a-z0-9_]+", middle):
                    stale = not pid_alive(int(middle.partition("-")[0]))
                else:
                    stale = (re.fullmatch(r"[a-z0-9_]{8}", middle) is not None
                             and time.time() - entry.stat(follow_symlinks=False).st_mtime > _STALE_LEGACY)
                if stale and entry.is_file(follow_symlinks=False):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def temp_copy(path: Path, text: str | bytes, mode: int) -> str:
    """A synced temporary file beside ``path`` holding ``text``, named with this process's id."""
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    remove_stale_temps(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp")
    except OSError as exc:  # name the file being written, not the temporary one
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp


def sync_directory(directory: Path) -> None:
    """Sync a folder, so that a rename or link in it survives a crash."""
    with contextlib.suppress(OSError):
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def umask() -> int:
    """The process's file mode creation mask."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
