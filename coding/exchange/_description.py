"""Packing a dyadlab code's fields into the one free-text REFI-QDA ``Description``.

REFI-QDA gives a code only ``name``, ``color`` and a free-text ``Description``. dyadlab codes
also have an id, a definition, include/exclude rules, examples, keywords and source keys, so
they are written as a Markdown-like block that other tools show as readable text and that
:func:`unpack_description` parses back exactly (docs/exchange.md)::

    Baby as motivation to stay on MOUD …          ← the definition (free text, first)

    ## Include
    Baby as motivation …
    ## Exclude
    General parenting talk …
    ## Examples
    - "She's why I go to the clinic every morning."
    ## Keywords
    - baby
    - bond
    ## Sources
    - martin2022: Martin CE, Almeida T, … (2022)
    ## dyadlab id
    maternal_bonding

A section is a line ``## <Heading>`` with a known heading; list sections hold one ``- item``
per line (an item's own line breaks are written as ``\\n``). A Description from another tool
without these headings is taken whole as the definition.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

TEXT_SECTIONS = {"include": "Include", "exclude": "Exclude"}
LIST_SECTIONS = {"examples": "Examples", "keywords": "Keywords", "sources": "Sources"}
ID_HEADING = "dyadlab id"
_HEADINGS = {v.lower(): k for k, v in {**TEXT_SECTIONS, **LIST_SECTIONS}.items()}
_HEADINGS[ID_HEADING] = "id"
_HEADING = re.compile(r"^## (.+?)\s*$")


def _escape(item: str) -> str:
    return item.replace("\\", "\\\\").replace("\n", "\\n")


def _unescape(item: str) -> str:
    return re.sub(r"\\(\\|n)", lambda m: "\n" if m.group(1) == "n" else "\\", item)


def pack_description(fields: Mapping[str, Any], citations: Mapping[str, str] | None = None) -> str:
    """The Description text for a code's ``fields`` (definition, include, …, id).

    ``citations`` maps source keys to their full citation, written after the key so the
    receiving tool shows it and the codebook's ``sources`` table can be rebuilt on import.
    """
    parts = [str(fields.get("definition") or "").strip("\n")]
    for key, heading in TEXT_SECTIONS.items():
        value = str(fields.get(key) or "").strip("\n")
        if value:
            parts.append(f"## {heading}\n{value}")
    for key, heading in LIST_SECTIONS.items():
        items = list(fields.get(key) or ())
        if not items:
            continue
        if key == "sources" and citations:
            items = [f"{k}: {citations[k]}" if citations.get(k) else k for k in items]
        parts.append(f"## {heading}\n" + "\n".join(f"- {_escape(str(i))}" for i in items))
    if fields.get("id"):
        parts.append(f"## {ID_HEADING}\n{fields['id']}")
    return "\n\n".join(parts).strip("\n")


def unpack_description(text: str | None) -> tuple[dict[str, Any], dict[str, str]]:
    """Parse a Description back into code fields and ``{source key: citation}``.

    Returns ``(fields, citations)``; ``fields`` has ``definition``, ``include``,
    ``exclude`` (str), ``examples``, ``keywords``, ``sources`` (tuples) and ``id`` when the
    text carried it. Unknown ``##`` headings stay in the section they appear in.
    """
    fields: dict[str, Any] = {"definition": "", "include": "", "exclude": ""}
    citations: dict[str, str] = {}
    sections: dict[str, list[str]] = {"definition": []}
    current = "definition"
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        match = _HEADING.match(line)
        if match and match.group(1).lower() in _HEADINGS:
            current = _HEADINGS[match.group(1).lower()]
            sections[current] = []
            continue
        sections[current].append(line)
    for key, lines in sections.items():
        body = "\n".join(lines).strip("\n")
        if key in LIST_SECTIONS:
            items = [_unescape(line[2:]) for line in lines if line.startswith("- ")]
            if key == "sources":
                keys = []
                for item in items:
                    name, _, citation = item.partition(": ")
                    keys.append(name)
                    if citation:
                        citations[name] = citation
                items = keys
            fields[key] = tuple(items)
        elif key == "id":
            fields["id"] = body.strip()
        else:
            fields[key] = body
    return fields, citations
