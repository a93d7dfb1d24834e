"""The exceptions gmb raises for bad input.

Every error carries a one-line message that names what is wrong (the file and line, or the
variable) and, where one exists, a suggestion. The CLI prints it and exits with code 2.

Example
-------
>>> str(MapFileError("map.yaml", "not a mapping", line=3))
'map.yaml:3: not a mapping'
"""

from __future__ import annotations

__all__ = ["GmbError", "MapFileError", "UnknownVariableError", "MapEditError", "OutputPathError"]


class GmbError(Exception):
    """Base class of all gmb errors: a message meant for a person, on one line."""


class MapFileError(GmbError):
    """A file that cannot be read as what it should be (missing, malformed, wrong shape)."""

    def __init__(self, path, message: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.reason = message
        where = self.path if line is None else f"{self.path}:{line}"
        super().__init__(f"{where}: {message}")


class UnknownVariableError(GmbError, KeyError):
    """A name that matches no variable id or label; the message suggests close matches."""

    def __init__(self, name: str, suggestions: list[str]):
        self.name = name
        self.suggestions = suggestions
        hint = f"; did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(f"unknown variable {name!r}{hint}")

    def __str__(self) -> str:  # KeyError would add quotes around the message
        return self.args[0]


class MapEditError(GmbError):
    """An edit that cannot be made (e.g. a duplicate id, or links still attached)."""


class OutputPathError(MapFileError, MapEditError):
    """An output path gmb will not write: one of the command's inputs, a file gmb did not write, a link.

    ``replaceable`` says whether the caller may ask for it to be replaced anyway (the command line's
    ``--force``); an input is never replaced.
    """

    def __init__(self, path, message: str, replaceable: bool = False):
        self.replaceable = replaceable
        super().__init__(path, message)
