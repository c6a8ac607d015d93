"""Reading codebook YAML with line numbers: every error names the file, line and field.

The YAML is composed to nodes first so that each code's line is known; the packaged default
is ``default_codebook.yaml`` beside this module. Tested in tests/coding/codebook/test_codebook.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from coding.codebook._code import Code, _code_from_mapping, _did_you_mean
from coding.codebook._codebook import Codebook
from coding.errors import CodebookError

DEFAULT_CODEBOOK_PATH = Path(__file__).with_name("default_codebook.yaml")

_TOP_FIELDS = ("name", "version", "description", "sources", "codes")


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
    """The packaged default codebook (``default_codebook.yaml`` here): 3 themes, 16 codes."""
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
