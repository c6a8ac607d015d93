"""One code of a codebook (:class:`Code`) and the field checks shared by parsing and editing.

A code read from a mapping (a YAML entry, or a new code given to
:func:`~coding.codebook.split_code`) is checked field by field: only known fields, lists of
strings where lists are expected, text elsewhere; :class:`~coding.errors.CodebookError` names
the file, line and field. Tested in tests/coding/codebook/test_codebook.py.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coding.errors import CodebookError

_ID = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_TEXT_FIELDS = ("name", "parent", "definition", "include", "exclude", "color")
_LIST_FIELDS = ("examples", "keywords", "sources")


@dataclass(frozen=True)
class Code:
    """One code (or a theme: a code without ``parent``).

    ``id`` is the stable snake_case key stored with every coding; ``name`` is the label people
    see and may change freely. ``examples`` are short quotes that fit the code; ``keywords``
    help coders and the auto-coder find candidate passages; ``color`` is ``#RRGGBB``.
    """

    id: str
    name: str = ""
    parent: str | None = None
    definition: str = ""
    include: str = ""
    exclude: str = ""
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    color: str | None = None
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in _LIST_FIELDS:
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, (value,))
            elif not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value or ()))
        if not self.name:
            object.__setattr__(self, "name", self.id.replace("_", " ").capitalize())

    @property
    def is_theme(self) -> bool:
        """True for a top-level code (no parent)."""
        return self.parent is None

    def to_dict(self) -> dict[str, Any]:
        """The code as a plain dict (lists, not tuples; empty fields left out)."""
        record: dict[str, Any] = {"id": self.id, "name": self.name}
        for name in ("parent", "definition", "include", "exclude"):
            if getattr(self, name):
                record[name] = getattr(self, name)
        for name in ("examples", "keywords"):
            if getattr(self, name):
                record[name] = list(getattr(self, name))
        if self.color:
            record["color"] = self.color
        if self.sources:
            record["sources"] = list(self.sources)
        return record


def _code_from_mapping(
    item: Any, *, file: str | Path | None, line: int | None, position: int
) -> Code:
    if not isinstance(item, Mapping):
        raise CodebookError(
            f"code number {position + 1} must be a mapping with an 'id'", file=file, line=line
        )
    known = {f.name for f in dataclasses.fields(Code)}
    code_id = item.get("id")
    label = f"code {code_id!r}" if code_id else f"code number {position + 1}"
    if not code_id:
        raise CodebookError(f"{label} has no 'id'", file=file, line=line, field="id")
    values: dict[str, Any] = {}
    for key, value in item.items():
        if key not in known:
            raise CodebookError(
                f"{label}: unknown field {key!r}{_did_you_mean(str(key), known)}",
                file=file,
                line=line,
                field=str(key),
            )
        if key in _LIST_FIELDS:
            if value is None:
                value = ()
            elif isinstance(value, str):
                value = (value,)
            elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise CodebookError(
                    f"{label}: {key} must be a list of strings",
                    file=file,
                    line=line,
                    field=key,
                )
            values[key] = tuple(value)
        elif key in _TEXT_FIELDS or key == "id":
            if value is not None and not isinstance(value, str | int | float):
                raise CodebookError(f"{label}: {key} must be text", file=file, line=line, field=key)
            values[key] = None if value is None else str(value).strip()
    if values.get("parent") == "":
        values["parent"] = None
    return Code(**values)


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
