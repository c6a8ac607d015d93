"""The root of every dyadlab error.

Each package (`coding`, `analysis`, `data_dictionary`, `studies`) derives its own exceptions
from :class:`DyadlabError`, so that the CLI can turn any of them into one readable line and
exit status 1, and a notebook user sees where the problem is: the file, the row or line, and
the field.
"""

from __future__ import annotations

from pathlib import Path


class DyadlabError(Exception):
    """An error in the user's input or settings, with where it was found.

    Parameters
    ----------
    message:
        What is wrong and what was expected, in words a researcher understands.
    file, row, line, field:
        Where it was found; any may be omitted. ``row`` is a 1-based data row (the header
        is not counted), ``line`` a 1-based line of a text file.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.row = row
        self.line = line
        self.field = field
        super().__init__(str(self))

    @property
    def location(self) -> str:
        """`file, row 3, field 'x'` — the parts that are known, joined."""
        parts = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location
        return f"{where}: {self.message}" if where else self.message
