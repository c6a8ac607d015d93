"""Opening untrusted REFI-QDA files safely: zip members in memory, bounded sizes, safe XML.

A ``.qdpx`` comes from another tool or another team, so it is treated as hostile input:

* it must be a ZIP archive (else :class:`ExchangeError` "not a .qdpx (ZIP) archive");
* member names are never used as paths on disk — members are read into memory — and a name
  that is absolute or contains ``..`` (zip-slip) makes the whole file refused;
* before anything is decompressed, the declared total uncompressed size and each member's
  compression ratio are checked against limits (decompression bombs), and reading stops if a
  member yields more bytes than it declared;
* XML is parsed by lxml with entity resolution, DTD loading, network access and huge trees
  all off, so entity-expansion and external-entity attacks do nothing.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from coding.errors import ExchangeError

MAX_TOTAL_BYTES = 512 * 1024 * 1024
"""Largest total uncompressed size accepted (512 MiB: far above any interview project)."""
MAX_RATIO = 200
"""Largest compression ratio of one member larger than :data:`RATIO_FLOOR` bytes."""
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 100_000


@dataclass(frozen=True)
class Limits:
    """Size limits for reading an archive (change them only for trusted, huge projects)."""

    max_total_bytes: int = MAX_TOTAL_BYTES
    max_ratio: float = MAX_RATIO
    max_members: int = MAX_MEMBERS


def _unsafe_name(name: str) -> bool:
    normal = name.replace("\\", "/")
    if normal.startswith("/") or (len(normal) > 1 and normal[1] == ":"):
        return True
    return ".." in normal.split("/") or posixpath.normpath(normal).startswith("..")


def read_archive(path: str | Path, limits: Limits | None = None) -> dict[str, bytes]:
    """Every file member of the ZIP at ``path``, as ``{name: bytes}``, after safety checks."""
    limits = limits or Limits()
    path = Path(path)
    if not path.is_file():
        raise ExchangeError("file not found", file=path)
    if not zipfile.is_zipfile(path):
        raise ExchangeError("not a .qdpx (ZIP) archive", file=path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ExchangeError(f"not a readable ZIP archive ({error})", file=path) from error
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > limits.max_members:
            raise ExchangeError(
                f"{len(infos)} members, more than the limit {limits.max_members}", file=path
            )
        for info in infos:
            if _unsafe_name(info.filename):
                raise ExchangeError(
                    f"unsafe member name {info.filename!r} (absolute or '..'): refused",
                    file=path,
                    field=info.filename,
                )
        total = sum(info.file_size for info in infos)
        if total > limits.max_total_bytes:
            raise ExchangeError(
                f"uncompressed size {total} bytes exceeds the limit "
                f"{limits.max_total_bytes} (possible decompression bomb)",
                file=path,
            )
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR and ratio > limits.max_ratio:
                raise ExchangeError(
                    f"member {info.filename!r} expands {ratio:.0f}-fold, more than "
                    f"{limits.max_ratio:g} (possible decompression bomb)",
                    file=path,
                    field=info.filename,
                )
        members: dict[str, bytes] = {}
        for info in infos:
            try:
                with archive.open(info) as handle:
                    data = handle.read(info.file_size + 1)
            except (zipfile.BadZipFile, OSError, NotImplementedError) as error:
                raise ExchangeError(
                    f"member {info.filename!r} cannot be read ({error})",
                    file=path,
                    field=info.filename,
                ) from error
            if len(data) > info.file_size:
                raise ExchangeError(
                    f"member {info.filename!r} is larger than it declares: refused",
                    file=path,
                    field=info.filename,
                )
            members[info.filename] = data
    return members


def safe_parser() -> etree.XMLParser:
    """An lxml parser that resolves no entities, loads no DTD, never uses the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes, file: str | Path) -> etree._Element:
    """Parse untrusted XML bytes; :class:`ExchangeError` with the line for malformed XML."""
    try:
        tree = etree.parse(io.BytesIO(data), safe_parser())
    except etree.XMLSyntaxError as error:
        raise ExchangeError(
            f"malformed XML: {error.msg}", file=file, line=error.lineno or None
        ) from error
    if tree.docinfo.internalDTD is not None:
        raise ExchangeError(
            "XML with a DOCTYPE (DTD or entity declarations) is not accepted", file=file
        )
    root = tree.getroot()
    if root is None:
        raise ExchangeError("empty XML document", file=file)
    return root
