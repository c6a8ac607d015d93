"""The codebook as a whole (:class:`Codebook`): an ordered, validated set of codes forming themes
and their codes, with its tabular, YAML, Markdown and HTML forms.

Validation here (:class:`~coding.errors.CodebookError` names the file, the line and the code
id): ids are unique and snake_case, parents exist, the hierarchy has no cycles, colours are
``#RRGGBB`` and list fields hold strings. Reading YAML (with line numbers) is
:mod:`coding.codebook._parse`. Markdown and HTML escape every text, so a quote in a
definition cannot inject markup. Tested in tests/coding/codebook/test_codebook.py.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from coding.codebook._code import _COLOR, _ID, Code, _code_from_mapping, _did_you_mean
from coding.errors import CodebookError

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|])")


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
        out = [f"# {_md(self.name or 'Codebook')}", ""]
        if self.version:
            out += [f"Version {_md(self.version)}", ""]
        if self.description:
            out += [_md(self.description), ""]
        for theme in self.themes():
            out += self._markdown_code(theme, level=2)
            for code in self.children(theme.id):
                out += self._markdown_code(code, level=3)
        if self.sources:
            out += ["## Sources", ""]
            out += [f"- **{_md(key)}**: {_md(value)}" for key, value in self.sources.items()]
            out.append("")
        return "\n".join(out)

    def _markdown_code(self, code: Code, level: int) -> list[str]:
        out = [f"{'#' * level} {_md(code.name)} (`{code.id}`)", ""]
        if code.definition:
            out += [_md(code.definition), ""]
        for label, value in (("Include", code.include), ("Exclude", code.exclude)):
            if value:
                out += [f"**{label}:** {_md(value)}", ""]
        if code.examples:
            out += ["**Examples:**", ""] + [f"> {_md(example)}" for example in code.examples]
            out.append("")
        if code.keywords:
            out += [f"**Keywords:** {_md(', '.join(code.keywords))}", ""]
        for child in self.children(code.id) if level > 2 else []:
            out += self._markdown_code(child, level=min(level + 1, 6))
        return out

    def to_html(self) -> str:
        """The codebook as an HTML fragment (every text HTML-escaped)."""
        e = html.escape
        out = [f"<section class='codebook'><h1>{e(self.name or 'Codebook')}</h1>"]
        if self.description:
            out.append(f"<p>{e(self.description)}</p>")
        for theme in self.themes():
            out.append(self._html_code(theme, "h2"))
            for code in self.children(theme.id):
                out.append(self._html_code(code, "h3"))
        if self.sources:
            out.append("<h2>Sources</h2><ul>")
            out += [f"<li><b>{e(k)}</b>: {e(v)}</li>" for k, v in self.sources.items()]
            out.append("</ul>")
        out.append("</section>")
        return "\n".join(out)

    def _html_code(self, code: Code, tag: str) -> str:
        e = html.escape
        swatch = (
            f"<span class='swatch' style='background:{e(code.color)}'></span> "
            if code.color
            else ""
        )
        parts = [
            f"<{tag} id='code-{e(code.id)}'>{swatch}{e(code.name)} <code>{e(code.id)}</code>"
            f"</{tag}>"
        ]
        if code.definition:
            parts.append(f"<p>{e(code.definition)}</p>")
        for label, value in (("Include", code.include), ("Exclude", code.exclude)):
            if value:
                parts.append(f"<p><b>{label}:</b> {e(value)}</p>")
        for example in code.examples:
            parts.append(f"<blockquote>{e(example)}</blockquote>")
        if code.keywords:
            parts.append(f"<p><b>Keywords:</b> {e(', '.join(code.keywords))}</p>")
        return "\n".join(parts)

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


def _md(text: str) -> str:
    """Escape Markdown syntax and HTML tags in free text."""
    text = _MD_SPECIAL.sub(r"\\\1", str(text))
    return text.replace("<", "&lt;").replace(">", "&gt;")
