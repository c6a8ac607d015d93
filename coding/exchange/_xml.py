"""Small XML and naming helpers shared by the REFI-QDA readers.

REFI-QDA elements are matched by local name, so a tool that writes a slightly different
namespace (``urn:QDA-XML:codebook:1:0``, ``…:0:4``) is still read; the namespaces a reader
accepts are listed here in one place. Ids made from names follow dyadlab's patterns
(code ids snake_case; transcript, coder and participant ids without spaces).
"""

from __future__ import annotations

import re
import unicodedata

from lxml import etree

NS = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
#: Namespace spellings real tools write: the standard's, NVivo for Mac's ``1:0`` (as in the
#: XSD's schemaLocation), ATLAS.ti's ``0:4`` draft, and a codebook inside a project file.
PROJECT_NAMESPACES = (NS, "urn:QDA-XML:project:1:0")
CODEBOOK_NAMESPACES = (
    NS_CODEBOOK,
    "urn:QDA-XML:codebook:1:0",
    "urn:QDA-XML:codebook:0:4",
    "urn:QDA-XML:codebook:0.4",
    *PROJECT_NAMESPACES,
)

ID_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")
PARTICIPANT_CHARS = re.compile(r"[^A-Za-z0-9_-]+")
_CODE_CHARS = re.compile(r"[^a-z0-9]+")
CODE_ID = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def local(element: etree._Element) -> str:
    """The element's name without namespace ('' for comments and processing instructions)."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def namespace(element: etree._Element) -> str:
    return etree.QName(element).namespace or "" if isinstance(element.tag, str) else ""


def children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if local(child) == name]


def child(element: etree._Element, name: str) -> etree._Element | None:
    found = children(element, name)
    return found[0] if found else None


def text_of(element: etree._Element | None) -> str:
    return "" if element is None else "".join(element.itertext())


def guid(value: str | None) -> str:
    """A GUID compared case-blind and without braces (ATLAS.ti and MAXQDA write upper case)."""
    return (value or "").strip().strip("{}").lower()


def unique(base: str, taken: set[str]) -> str:
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def code_id_for(name: str, taken: set[str]) -> str:
    """A snake_case code id from a code name (``"Stigma (felt)"`` → ``stigma_felt``)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = _CODE_CHARS.sub("_", ascii_name.lower()).strip("_") or "code"
    if not slug[0].isalpha():
        slug = f"code_{slug}"
    return unique(slug, taken)


def safe_name(name: str, pattern: re.Pattern, fallback: str) -> str:
    """``name`` with runs of characters outside ``pattern`` turned into ``_`` (max 64)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    cleaned = pattern.sub("_", ascii_name.strip()).strip("_.-")[:64]
    return cleaned or fallback
