"""What validation finds: a :class:`Problem` (an error or a warning, with its line) and the :class:`Report`
of one map.

Example
-------
>>> Problem("warning", "no-outcome", "no outcome set", line=3).format("map.yaml")
'map.yaml:3: warning: no outcome set'
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Problem", "Report"]


@dataclass(frozen=True)
class Problem:
    """One finding: ``level`` is ``error`` or ``warning``; it names a variable or a link."""

    level: str
    code: str
    message: str
    variable: str | None = None
    link: tuple[str, str] | None = None
    line: int | None = None

    @property
    def key(self) -> tuple:
        """What the problem is about, independent of line numbers and wording."""
        return self.code, self.variable, self.link

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "variable": self.variable,
                "link": list(self.link) if self.link else None, "line": self.line}

    def format(self, path: str | None = None) -> str:
        """``path:line: level: message`` (as compilers print it)."""
        where = ":".join(str(x) for x in (path, self.line) if x is not None)
        return f"{where + ': ' if where else ''}{self.level}: {self.message}"


@dataclass
class Report:
    """The errors and warnings of one map."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.errors and not self.warnings

    def add(self, problem: Problem) -> None:
        (self.errors if problem.level == "error" else self.warnings).append(problem)

    def to_dict(self) -> dict:
        return {"errors": [p.to_dict() for p in self.errors],
                "warnings": [p.to_dict() for p in self.warnings]}
