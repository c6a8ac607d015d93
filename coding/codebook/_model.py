"""The codebook's model: :class:`Code` (one code or theme) and :class:`Codebook` (an ordered,
validated set of them), and the field checks shared by parsing and editing.

Validation here (:class:`~coding.errors.CodebookError` names the file, the line and the code
id): ids are unique and snake_case, parents exist, the hierarchy has no cycles, colours are
``#RRGGBB``, fields have the right types and no unknown field appears. Reading YAML (with line
numbers) is :mod:`coding.codebook._parse`; Markdown/HTML rendering is
:mod:`coding.codebook._render`. Tested in tests/coding/test_codebook.py.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from coding.codebook import _render
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


class Codebook:
    """An ordered, validated set of :class:`Code` s forming themes and their codes.

    >>> from coding.codebook import default_codebook
    >>> book = default_codebook()
    >>> [theme.id for theme in book.themes()]
    ['recovery_promoters', 'barriers', 'cps_perception']
    >>> [code.id for code in book.children("cps_perception")]
    ['cps_barrier', 'cps_promoter']
    >>> book.get("stigma").parent
    'barriers'
    """

    def __init__(
        self,
        codes: Iterable[Code | Mapping[str, Any]],
        *,
        name: str = "",
        version: str = "",
        description: str = "",
        sources: Mapping[str, str] | None = None,
        file: str | Path | None = None,
        lines: Mapping[str, int] | None = None,
    ) -> None:
        self.name = name
        self.version = version
        self.description = description
        self.sources = dict(sources or {})
        self.file = str(file) if file is not None else None
        self._lines = dict(lines or {})
        self._codes: dict[str, Code] = {}
        for position, code in enumerate(codes):
            if isinstance(code, Mapping):
                code = _code_from_mapping(code, file=self.file, line=None, position=position)
            self._add(code)
        self._validate()

    # ------------------------------------------------------------------ access
    def __iter__(self) -> Iterator[Code]:
        return iter(self._codes.values())

    def __len__(self) -> int:
        return len(self._codes)

    def __contains__(self, code_id: object) -> bool:
        return code_id in self._codes

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Codebook) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"Codebook({self.name!r}, {len(self.themes())} themes, {len(self)} codes)"

    @property
    def codes(self) -> list[Code]:
        """Every code, themes included, in file order."""
        return list(self._codes.values())

    @property
    def ids(self) -> list[str]:
        """Every code id, themes included, in file order."""
        return list(self._codes)

    def get(self, code_id: str) -> Code:
        """The code with ``code_id``; :class:`CodebookError` (with suggestions) if absent."""
        try:
            return self._codes[code_id]
        except KeyError:
            raise CodebookError(
                f"no code {code_id!r} in the codebook{_did_you_mean(code_id, self._codes)}",
                file=self.file,
                field="code_id",
            ) from None

    def themes(self) -> list[Code]:
        """Top-level codes (no parent), in file order."""
        return [code for code in self if code.parent is None]

    def children(self, theme: str) -> list[Code]:
        """Codes whose parent is ``theme``, in file order."""
        self.get(theme)
        return [code for code in self if code.parent == theme]

    def theme_of(self, code_id: str) -> str:
        """The top-level ancestor of ``code_id`` (itself for a theme)."""
        code = self.get(code_id)
        while code.parent is not None:
            code = self._codes[code.parent]
        return code.id

    def line(self, code_id: str) -> int | None:
        """The line of the file where ``code_id`` is defined (when read from a file)."""
        return self._lines.get(code_id)

    def to_frame(self) -> pd.DataFrame:
        """One row per code: ``id, name, parent, theme, definition, include, exclude,
        examples, keywords, color, sources`` (lists joined with ``"; "``)."""
        rows = []
        for code in self:
            rows.append(
                {
                    "id": code.id,
                    "name": code.name,
                    "parent": code.parent,
                    "theme": self.theme_of(code.id),
                    "definition": code.definition,
                    "include": code.include,
                    "exclude": code.exclude,
                    "examples": "; ".join(code.examples),
                    "keywords": "; ".join(code.keywords),
                    "color": code.color,
                    "sources": "; ".join(code.sources),
                }
            )
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """The codebook as plain data (the YAML file's structure)."""
        record: dict[str, Any] = {}
        for key in ("name", "version", "description"):
            if getattr(self, key):
                record[key] = getattr(self, key)
        if self.sources:
            record["sources"] = dict(self.sources)
        record["codes"] = [code.to_dict() for code in self]
        return record

    def to_yaml(self, path: str | Path | None = None) -> str:
        """The codebook as YAML text; written atomically to ``path`` when given.

        ``load_codebook(path)`` reads it back to an equal codebook.
        """
        text = yaml.safe_dump(
            self.to_dict(), sort_keys=False, allow_unicode=True, width=88, default_flow_style=None
        )
        if path is not None:
            from data_dictionary.files import atomic_write

            with atomic_write(path) as handle:
                handle.write(text)
        return text

    def to_markdown(self) -> str:
        """A human-readable codebook in Markdown (text escaped, so quotes cannot inject)."""
        return _render.markdown(self)

    def to_html(self) -> str:
        """The codebook as an HTML fragment (every text HTML-escaped)."""
        return _render.html_fragment(self)

    # ------------------------------------------------------------------ building
    def replace_codes(self, codes: Iterable[Code]) -> Codebook:
        """A new codebook with the same name/sources and ``codes`` (validated)."""
        return Codebook(
            codes,
            name=self.name,
            version=self.version,
            description=self.description,
            sources=self.sources,
        )

    def _add(self, code: Code) -> None:
        where = self._lines.get(code.id)
        if code.id in self._codes:
            raise CodebookError(
                f"code id {code.id!r} is defined twice", file=self.file, line=where, field="id"
            )
        self._codes[code.id] = code

    def _validate(self) -> None:
        for code in self:
            line = self._lines.get(code.id)
            if not isinstance(code.id, str) or not _ID.match(code.id):
                raise CodebookError(
                    f"code id {code.id!r} must be snake_case (lower-case letters, digits and "
                    "single underscores, starting with a letter)",
                    file=self.file,
                    line=line,
                    field="id",
                )
            if code.parent is not None and code.parent not in self._codes:
                raise CodebookError(
                    f"code {code.id!r}: parent {code.parent!r} is not a code in the codebook"
                    + _did_you_mean(code.parent, self._codes),
                    file=self.file,
                    line=line,
                    field="parent",
                )
            if code.color is not None and not _COLOR.match(str(code.color)):
                raise CodebookError(
                    f"code {code.id!r}: color {code.color!r} is not a hex colour like '#1A2B3C'",
                    file=self.file,
                    line=line,
                    field="color",
                )
            for name in ("examples", "keywords", "sources"):
                if not all(isinstance(item, str) for item in getattr(code, name)):
                    raise CodebookError(
                        f"code {code.id!r}: {name} must be a list of strings",
                        file=self.file,
                        line=line,
                        field=name,
                    )
        for code in self:
            seen = [code.id]
            parent = code.parent
            while parent is not None:
                if parent in seen:
                    cycle = " → ".join([*seen[seen.index(parent) :], parent])
                    raise CodebookError(
                        f"code {code.id!r}: parents form a cycle ({cycle})",
                        file=self.file,
                        line=self._lines.get(code.id),
                        field="parent",
                    )
                seen.append(parent)
                parent = self._codes[parent].parent


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
