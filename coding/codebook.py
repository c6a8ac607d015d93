"""The codebook: themes and codes with definitions, inclusion/exclusion rules and examples.

A codebook is a YAML file (see ``coding/default_codebook.yaml`` and docs/codebook.md)::

    name: My codebook
    version: "1.0"
    sources: {key: "full citation", …}
    codes:
      - id: recovery_promoters          # a theme: no parent
        name: Recovery promoters
        definition: …
        color: "#009E73"
      - id: maternal_bonding
        parent: recovery_promoters
        name: Maternal bonding
        definition: …
        include: …
        exclude: …
        examples: ["…", "…"]
        keywords: [baby, bond]
        color: "#44BB99"
        sources: [key]

Validation (:class:`CodebookError` names the file, the line and the code id): ids are unique
and snake_case, parents exist, the hierarchy has no cycles, colours are ``#RRGGBB``, fields
have the right types and no unknown field appears.

Codebook changes with codings following — :func:`rename_code`, :func:`merge_codes`,
:func:`split_code` — return ``(codebook, codings, audit_entries)`` and never change their
inputs; the coding store records the :class:`~coding.audit.AuditEntry` list.
"""

from __future__ import annotations

import dataclasses
import difflib
import html
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from coding.audit import AuditEntry
from coding.errors import CodebookError

DEFAULT_CODEBOOK_PATH = Path(__file__).with_name("default_codebook.yaml")

_ID = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_TEXT_FIELDS = ("name", "parent", "definition", "include", "exclude", "color")
_LIST_FIELDS = ("examples", "keywords", "sources")
_TOP_FIELDS = ("name", "version", "description", "sources", "codes")


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


# ---------------------------------------------------------------------- loading
def load_codebook(path: str | Path = "default") -> Codebook:
    """Read and validate a codebook YAML file; ``"default"`` is the packaged default.

    >>> book = load_codebook("default")
    >>> len(book.themes()), len(book)
    (3, 19)
    """
    if str(path) == "default":
        return default_codebook()
    path = Path(path)
    if not path.is_file():
        raise CodebookError("codebook file not found", file=path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise CodebookError(
            f"not UTF-8 text (byte {error.start}); save the codebook as UTF-8", file=path
        ) from None
    return _parse(text, file=path)


def default_codebook() -> Codebook:
    """The packaged default codebook (``coding/default_codebook.yaml``): 3 themes, 16 codes."""
    return _parse(DEFAULT_CODEBOOK_PATH.read_text(encoding="utf-8"), file=DEFAULT_CODEBOOK_PATH)


def parse_codebook(text: str, *, file: str | Path | None = None) -> Codebook:
    """Parse codebook YAML from a string (``file`` only names it in errors)."""
    return _parse(text, file=file)


def _parse(text: str, *, file: str | Path | None) -> Codebook:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise CodebookError(
            f"not valid YAML: {problem}",
            file=file,
            line=mark.line + 1 if mark else None,
        ) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise CodebookError("a codebook is a mapping with a 'codes' list", file=file, line=1)
    for key in data:
        if key not in _TOP_FIELDS:
            raise CodebookError(
                f"unknown key {key!r}{_did_you_mean(str(key), _TOP_FIELDS)}",
                file=file,
                line=_key_line(node, key),
                field=str(key),
            )
    codes_data = data.get("codes")
    codes_node = _value_node(node, "codes")
    if not isinstance(codes_data, list) or not isinstance(codes_node, yaml.SequenceNode):
        raise CodebookError(
            "'codes' must be a list of codes",
            file=file,
            line=_key_line(node, "codes") or 1,
            field="codes",
        )
    sources = data.get("sources") or {}
    if not isinstance(sources, dict):
        raise CodebookError(
            "'sources' must map a key to a citation",
            file=file,
            line=_key_line(node, "sources"),
            field="sources",
        )
    codes: list[Code] = []
    lines: dict[str, int] = {}
    for position, (item, item_node) in enumerate(zip(codes_data, codes_node.value, strict=True)):
        line = item_node.start_mark.line + 1
        code = _code_from_mapping(item, file=file, line=line, position=position)
        lines.setdefault(code.id, line)
        if code.id in lines and lines[code.id] != line:
            raise CodebookError(
                f"code id {code.id!r} is defined twice (first on line {lines[code.id]})",
                file=file,
                line=line,
                field="id",
            )
        for source in code.sources:
            if source not in sources:
                raise CodebookError(
                    f"code {code.id!r}: source {source!r} is not listed under 'sources'",
                    file=file,
                    line=line,
                    field="sources",
                )
        codes.append(code)
    return Codebook(
        codes,
        name=str(data.get("name") or ""),
        version=str(data.get("version") or ""),
        description=str(data.get("description") or ""),
        sources={str(k): str(v) for k, v in sources.items()},
        file=file,
        lines=lines,
    )


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


def _value_node(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    for key_node, value_node in mapping.value:
        if key_node.value == key:
            return value_node
    return None


def _key_line(mapping: yaml.MappingNode, key: Any) -> int | None:
    for key_node, _ in mapping.value:
        if key_node.value == str(key):
            return key_node.start_mark.line + 1
    return None


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|])")


def _md(text: str) -> str:
    """Escape Markdown syntax and HTML tags in free text."""
    text = _MD_SPECIAL.sub(r"\\\1", str(text))
    return text.replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------------- changes
def _check_codings(codings: pd.DataFrame) -> None:
    if "code_id" not in codings.columns:
        raise CodebookError("codings need a 'code_id' column", field="code_id")


def rename_code(
    codebook: Codebook,
    codings: pd.DataFrame,
    old_id: str,
    new_id: str,
    *,
    who: str,
    name: str | None = None,
) -> tuple[Codebook, pd.DataFrame, list[AuditEntry]]:
    """Give code ``old_id`` the id ``new_id`` (and optionally a new ``name``).

    Child codes follow (their ``parent`` changes) and every coding with ``code_id == old_id``
    gets ``new_id``. Returns ``(codebook, codings, audit)``; the inputs are not changed.

    >>> import pandas as pd
    >>> codings = pd.DataFrame({"coding_id": [1, 2], "code_id": ["stigma", "mental_health"]})
    >>> book, new, audit = rename_code(default_codebook(), codings, "stigma", "felt_stigma",
    ...                                who="lead")
    >>> new.code_id.tolist(), audit[0].action
    (['felt_stigma', 'mental_health'], 'rename_code')
    """
    _check_codings(codings)
    old = codebook.get(old_id)
    if new_id in codebook and new_id != old_id:
        raise CodebookError(
            f"cannot rename {old_id!r} to {new_id!r}: that id exists (merge instead)",
            field="code_id",
        )
    renamed = dataclasses.replace(old, id=new_id, name=name or old.name)
    codes = [
        renamed
        if code.id == old_id
        else dataclasses.replace(code, parent=new_id)
        if code.parent == old_id
        else code
        for code in codebook
    ]
    new_book = codebook.replace_codes(codes)
    new_codings = codings.copy()
    mask = new_codings["code_id"] == old_id
    new_codings.loc[mask, "code_id"] = new_id
    audit = [
        AuditEntry(
            who,
            "rename_code",
            old_id,
            {"id": old_id, "name": old.name},
            {"id": new_id, "name": renamed.name, "codings_recoded": int(mask.sum())},
        )
    ]
    return new_book, new_codings, audit


def merge_codes(
    codebook: Codebook,
    codings: pd.DataFrame,
    sources: Iterable[str],
    into: str,
    *,
    who: str,
) -> tuple[Codebook, pd.DataFrame, list[AuditEntry]]:
    """Merge codes ``sources`` into the existing code ``into``.

    Codings of the sources become codings of ``into``; the sources leave the codebook and
    their child codes move under ``into``. When a coder had coded the same span with two of
    the merged codes, the duplicate rows (same transcript, coder, start, end) are dropped and
    listed in the audit entry.

    >>> import pandas as pd
    >>> codings = pd.DataFrame({"coding_id": [1, 2], "transcript_id": ["T1", "T1"],
    ...     "coder": ["a", "a"], "code_id": ["parenting_stress", "mental_health"],
    ...     "start": [0, 0], "end": [5, 5]})
    >>> book, new, audit = merge_codes(default_codebook(), codings, ["parenting_stress"],
    ...                                "mental_health", who="lead")
    >>> new.code_id.tolist(), "parenting_stress" in book
    (['mental_health'], False)
    """
    _check_codings(codings)
    sources = list(dict.fromkeys(sources))
    target = codebook.get(into)
    if not sources:
        raise CodebookError("merge needs at least one code to merge", field="code_id")
    if into in sources:
        raise CodebookError(f"cannot merge {into!r} into itself", field="code_id")
    removed = [codebook.get(code_id) for code_id in sources]
    ancestors = set()
    parent = target.parent
    while parent is not None:
        ancestors.add(parent)
        parent = codebook.get(parent).parent
    if ancestors & set(sources):
        raise CodebookError(
            f"cannot merge {sorted(ancestors & set(sources))} into their descendant {into!r}",
            field="code_id",
        )
    codes = [
        dataclasses.replace(code, parent=into) if code.parent in sources else code
        for code in codebook
        if code.id not in sources
    ]
    new_book = codebook.replace_codes(codes)
    new_codings = codings.copy()
    mask = new_codings["code_id"].isin(sources)
    recoded = _ids(new_codings[mask])
    new_codings.loc[mask, "code_id"] = into
    key = [c for c in ("transcript_id", "coder", "code_id", "start", "end") if c in codings]
    dropped: list[Any] = []
    if len(key) == 5:
        duplicated = new_codings.duplicated(subset=key, keep="first")
        dropped = _ids(new_codings[duplicated])
        new_codings = new_codings[~duplicated]
    audit = [
        AuditEntry(
            who,
            "merge_codes",
            into,
            {"codes": [code.to_dict() for code in removed]},
            {"into": into, "codings_recoded": recoded, "duplicates_dropped": dropped},
        )
    ]
    return new_book, new_codings, audit


def split_code(
    codebook: Codebook,
    codings: pd.DataFrame,
    code_id: str,
    new_codes: Iterable[Code | Mapping[str, Any]],
    assign: Mapping[Any, str] | Callable[[pd.Series], str],
    *,
    who: str,
    keep: bool = False,
) -> tuple[Codebook, pd.DataFrame, list[AuditEntry]]:
    """Split ``code_id`` into ``new_codes``, moving each of its codings to one of them.

    ``assign`` says where each coding goes: a mapping from ``coding_id`` (or the frame's
    index when there is no ``coding_id`` column) to a new code id, or a function of the
    coding row. Every coding of ``code_id`` must be assigned (the error lists those that are
    not) unless ``keep=True``, which keeps ``code_id`` for the rest. New codes without a
    ``parent`` take ``code_id``'s parent and are inserted where ``code_id`` was.

    >>> import pandas as pd
    >>> codings = pd.DataFrame({"coding_id": [1, 2], "code_id": ["stigma", "stigma"]})
    >>> book, new, _ = split_code(default_codebook(), codings, "stigma",
    ...     [{"id": "enacted_stigma"}, {"id": "internalised_stigma"}],
    ...     {1: "enacted_stigma", 2: "internalised_stigma"}, who="lead")
    >>> new.code_id.tolist(), book.get("internalised_stigma").parent
    (['enacted_stigma', 'internalised_stigma'], 'barriers')
    """
    _check_codings(codings)
    original = codebook.get(code_id)
    created: list[Code] = []
    for position, item in enumerate(new_codes):
        code = (
            item
            if isinstance(item, Code)
            else _code_from_mapping(item, file=None, line=None, position=position)
        )
        if code.parent is None and original.parent is not None:
            code = dataclasses.replace(code, parent=original.parent)
        if code.color is None and original.color is not None and not created:
            code = dataclasses.replace(code, color=original.color)
        created.append(code)
    if not created:
        raise CodebookError("split needs at least one new code", field="code_id")
    targets = {code.id for code in created}
    clash = targets & (set(codebook.ids) - {code_id})
    if clash:
        raise CodebookError(f"new code id(s) {sorted(clash)} already exist", field="code_id")
    if codebook.children(code_id) and not keep:
        raise CodebookError(
            f"code {code_id!r} has child codes; split it with keep=True or move them first",
            field="code_id",
        )
    codes: list[Code] = []
    for code in codebook:
        if code.id == code_id:
            if keep:
                codes.append(code)
            codes.extend(created)
        else:
            codes.append(code)
    new_book = codebook.replace_codes(codes)

    new_codings = codings.copy()
    mask = new_codings["code_id"] == code_id
    allowed = targets | ({code_id} if keep else set())
    key_column = "coding_id" if "coding_id" in new_codings.columns else None
    moved: dict[str, list[Any]] = {}
    unassigned: list[Any] = []
    for index, row in new_codings[mask].iterrows():
        key = row[key_column] if key_column else index
        target = assign(row) if callable(assign) else assign.get(key)
        if target is None and keep:
            target = code_id
        if target is None:
            unassigned.append(key)
            continue
        if target not in allowed:
            raise CodebookError(
                f"coding {key!r} is assigned to {target!r}, which is not one of the new codes "
                f"{sorted(targets)}",
                field="code_id",
            )
        new_codings.loc[index, "code_id"] = target
        moved.setdefault(target, []).append(_plain(key))
    if unassigned:
        shown = ", ".join(repr(_plain(u)) for u in unassigned[:20])
        more = f" and {len(unassigned) - 20} more" if len(unassigned) > 20 else ""
        raise CodebookError(
            f"{len(unassigned)} coding(s) of {code_id!r} are not assigned to a new code: "
            f"{shown}{more}",
            field="code_id",
        )
    audit = [
        AuditEntry(
            who,
            "split_code",
            code_id,
            {"code": original.to_dict()},
            {"codes": [code.to_dict() for code in created], "codings_moved": moved, "kept": keep},
        )
    ]
    return new_book, new_codings, audit


def _ids(frame: pd.DataFrame) -> list[Any]:
    values = frame["coding_id"] if "coding_id" in frame.columns else frame.index
    return [_plain(value) for value in values]


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value
