"""The codebook: themes and codes with definitions, inclusion/exclusion rules and examples.

A codebook is a YAML file (see ``coding/codebook/default_codebook.yaml`` and docs/codebook.md)::

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
inputs; the caller records the :class:`AuditEntry` list.

The parts: ``_code`` (:class:`Code` and its field checks), ``_codebook`` (:class:`Codebook`,
its validation and its table, YAML, Markdown and HTML forms), ``_parse`` (YAML with line
numbers, the packaged default), ``_edit`` (rename, merge, split) and ``_audit`` (the change
record). Tested in tests/coding/codebook/test_codebook.py.
"""

from __future__ import annotations

from coding.codebook._audit import AuditEntry
from coding.codebook._code import Code
from coding.codebook._codebook import Codebook
from coding.codebook._edit import merge_codes, rename_code, split_code
from coding.codebook._parse import (
    default_codebook,
    load_codebook,
    parse_codebook,
)
from coding.errors import CodebookError

__all__ = [
    "AuditEntry",
    "Code",
    "Codebook",
    "CodebookError",
    "default_codebook",
    "load_codebook",
    "merge_codes",
    "parse_codebook",
    "rename_code",
    "split_code",
]
