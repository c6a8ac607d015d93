"""Reading a REFI-QDA code tree — a project's ``CodeBook`` or a ``.qdc`` file — as a Codebook.

Codes keep their hierarchy (``parent``), name and colour; the ``Description`` is unpacked into
dyadlab's fields (:mod:`coding.exchange._description`). Code groups (REFI ``Sets`` of
``MemberCode``, as ATLAS.ti and MAXQDA write them) have no place in a dyadlab codebook: each
is named in a warning with its size. Tested in tests/coding/exchange/test_exchange.py and on
real exports in tests/coding/exchange/test_realworld.py.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from lxml import etree

from coding.codebook import Code, Codebook
from coding.exchange._description import unpack_description
from coding.exchange._safety import ExchangeError, parse_xml
from coding.exchange._xml import (
    CODE_ID,
    CODEBOOK_NAMESPACES,
    NS_CODEBOOK,
    child,
    children,
    code_id_for,
    guid,
    local,
    namespace,
    text_of,
    unique,
)

log = logging.getLogger(__name__)


def read_codes(
    codes_element: etree._Element | None, warnings: list[str], where: str
) -> tuple[Codebook, dict[str, str]]:
    """The codebook and ``{guid: code id}`` from a ``Codes`` element."""
    records: list[dict[str, Any]] = []
    by_guid: dict[str, str] = {}
    citations: dict[str, str] = {}
    taken: set[str] = set()
    wanted: list[tuple[etree._Element, str | None]] = []
    if codes_element is not None:
        wanted = [(code, None) for code in children(codes_element, "Code")]
    while wanted:
        element, parent = wanted.pop(0)
        fields, cited = unpack_description(text_of(child(element, "Description")))
        citations.update(cited)
        name = (element.get("name") or "").strip()
        wanted_id = fields.pop("id", "")
        code_id = (
            unique(wanted_id, taken)
            if wanted_id and CODE_ID.fullmatch(wanted_id)
            else code_id_for(name, taken)
        )
        by_guid[guid(element.get("guid"))] = code_id
        color = _colour(element.get("color"), name, where, warnings)
        records.append(
            {"id": code_id, "name": name or code_id, "parent": parent, "color": color} | fields
        )
        if children(element, "NoteRef"):
            warnings.append(f"{where}: notes attached to code {name!r} are not imported")
        wanted[0:0] = [(sub, code_id) for sub in children(element, "Code")]
    codes = [Code(**record) for record in records]
    return Codebook(codes, sources=citations), by_guid


def _colour(value: str | None, name: str, where: str, warnings: list[str]) -> str | None:
    color = (value or "").strip() or None
    if color and len(color) == 4 and color.startswith("#"):  # #RGB → #RRGGBB
        color = "#" + "".join(c * 2 for c in color[1:])
    if color and len(color) == 9 and color.startswith("#"):  # #RRGGBBAA → #RRGGBB
        color = color[:7]
    if color and not (len(color) == 7 and all(c in "0123456789abcdefABCDEF" for c in color[1:])):
        warnings.append(f"{where}: code {name!r} has colour {color!r}, not #RRGGBB; dropped")
        color = None
    return color


def warn_sets(root: etree._Element, by_guid: dict[str, str], warnings: list[str], where: str):
    """One warning per code group / document set, which a dyadlab study cannot carry."""
    for sets in children(root, "Sets"):
        for group in children(sets, "Set"):
            name = group.get("name") or group.get("guid") or "?"
            codes = [guid(m.get("targetGUID") or m.get("guid")) for m in
                     children(group, "MemberCode")]  # fmt: skip
            sources = children(group, "MemberSource")
            parts = []
            if codes:
                known = [by_guid[g] for g in codes if g in by_guid]
                parts.append(
                    f"{len(codes)} code(s)" + (f": {', '.join(known[:6])}" if known else "")
                )
            if sources:
                parts.append(f"{len(sources)} source(s)")
            why = (
                "dyadlab codebooks have no code groups (the codes themselves are imported)"
                if codes
                else "a study has no document groups (the sources themselves are imported)"
            )
            warnings.append(
                f"{where}: set {name!r} ({'; '.join(parts) or 'empty'}) is not imported — {why}"
            )


def read_qdc(path: str | Path, *, warnings: list[str] | None = None) -> Codebook:
    """Read a REFI-QDA codebook file (``.qdc``).

    The root must be ``CodeBook``; the namespace may be any spelling real tools write
    (``urn:QDA-XML:codebook:1.0``, NVivo for Mac's ``…:1:0``, ATLAS.ti's ``…:0:4``). What
    cannot be carried (code groups, notes on codes, bad colours) is appended to ``warnings``
    when a list is given, and logged.

    The demo study's codebook written as a .qdc and read back (its name, version and
    description have no place in the file, which :func:`write_qdc` reports):

    >>> from coding.exchange import write_qdc
    >>> lost = write_qdc("codebook.qdc", codebook)
    >>> book = read_qdc("codebook.qdc")
    >>> [code.id for code in book.themes()]
    ['recovery_promoters', 'barriers', 'cps_perception']
    """
    path = Path(path)
    if not path.is_file():
        raise ExchangeError("file not found", file=path)
    root = parse_xml(path.read_bytes(), path)
    if local(root) != "CodeBook" or namespace(root) not in CODEBOOK_NAMESPACES:
        raise ExchangeError(
            f"not a REFI-QDA codebook (root element {root.tag!r}, expected CodeBook in "
            f"namespace {NS_CODEBOOK})",
            file=path,
        )
    found: list[str] = []
    book, by_guid = read_codes(child(root, "Codes"), found, path.name)
    warn_sets(root, by_guid, found, path.name)
    for warning in found:
        log.warning("%s", warning)
    if warnings is not None:
        warnings.extend(found)
    return book
