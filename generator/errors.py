"""One error type that names a file and line, and a collector for reporting many at once.

Every message a user sees has the shape ``path:line: message`` so editors and terminals can
jump to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """A problem found in an input file; ``line`` is 1-based, or None when there is none."""

    path: str
    message: str
    line: int | None = None
    severity: str = "error"  # "error" or "warning"
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.severity}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class DossierError(Exception):
    """Raised when input cannot be used; carries the problems that explain why."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Problems:
    """Collects problems so one run reports all of them, not just the first."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: str | Path, message: str, line: int | None = None, hint: str = ""):
        self.items.append(Problem(str(path), message, line, "error", hint))

    def warn(self, path: str | Path, message: str, line: int | None = None, hint: str = ""):
        self.items.append(Problem(str(path), message, line, "warning", hint))

    def extend(self, problems: list[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.path, p.line or 0, p.message))

    def raise_if_errors(self) -> None:
        if self.errors:
            raise DossierError(sorted(self.errors, key=lambda p: (p.path, p.line or 0)))
