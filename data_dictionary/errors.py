"""Every error of the data dictionary, and the root of every dyadlab error.

Each package (`coding`, `analysis`, `data_dictionary`, `studies`) derives its own exceptions
from :class:`DyadlabError`, so that the CLI can turn any of them into one readable line and
exit status 1, and a notebook user sees where the problem is: the file, the row or line, and
the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def _rebuild(cls: type, args: tuple, state: dict) -> DyadlabError:
    """Recreate a pickled error without calling its ``__init__`` (whose signature varies)."""
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


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

    def __reduce__(self):
        # Subclasses take other constructor arguments (ValidationError takes a problems
        # frame); pickling the attributes instead keeps every subclass whole across process
        # pools, so the message naming the file and row reaches the user.
        return _rebuild, (type(self), self.args, dict(self.__dict__))

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


class SchemaError(DyadlabError):
    """A data dictionary (Table Schema YAML) is malformed or names an unknown table."""


class TableReadError(DyadlabError):
    """A table file cannot be read at all (missing, unknown format, malformed CSV)."""


class DictionaryImportError(DyadlabError):
    """A REDCap data dictionary cannot be converted (missing columns, malformed choices)."""


class ValidationError(DyadlabError):
    """A table breaks its data dictionary; ``.problems`` lists every problem found.

    ``problems`` is a DataFrame with columns ``table, row, line, column, check, value,
    message`` (``row`` is the 1-based data row, missing for column- or table-level
    problems). The message lists the first
    :data:`data_dictionary.problems.MESSAGE_LIMIT` problems, one per line.
    """

    def __init__(self, problems: pd.DataFrame, *, file: str | Path | None = None) -> None:
        from data_dictionary.problems import MESSAGE_LIMIT, problem_line

        self.problems = problems.reset_index(drop=True)
        n = len(self.problems)
        tables = sorted({str(t) for t in self.problems["table"].dropna().unique()})
        what = f"table {', '.join(tables)}" if tables else "the data"
        head = f"{n} problem{'s' if n != 1 else ''} in {what}"
        lines = [problem_line(p) for _, p in self.problems.head(MESSAGE_LIMIT).iterrows()]
        if n > MESSAGE_LIMIT:
            lines.append(f"... and {n - MESSAGE_LIMIT} more (see .problems)")
        super().__init__("\n  ".join([head + ":", *lines]), file=file)


class SoftConstraintWarning(UserWarning):
    """Values break a soft check (``softConstraints``: REDCap's min/max/required, which
    REDCap itself lets users override). ``.problems`` lists them as
    :class:`ValidationError` does; the data are returned unchanged."""

    def __init__(self, problems: pd.DataFrame, file: str | Path | None = None) -> None:
        from data_dictionary.problems import MESSAGE_LIMIT, problem_line

        self.problems = problems.reset_index(drop=True)
        self.file = file
        n = len(self.problems)
        head = f"{file}: " if file else ""
        lines = [problem_line(p) for _, p in self.problems.head(MESSAGE_LIMIT).iterrows()]
        if n > MESSAGE_LIMIT:
            lines.append(f"... and {n - MESSAGE_LIMIT} more (see .problems)")
        super().__init__(
            "\n  ".join(
                [f"{head}{n} soft check{'s' if n != 1 else ''} not met (warnings):", *lines]
            )
        )

    def __reduce__(self):
        return (type(self), (self.problems, self.file))
