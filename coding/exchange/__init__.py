"""REFI-QDA exchange: projects (.qdpx) and codebooks (.qdc) to and from other QDA tools.

REFI-QDA (www.qdasoftware.org) is the exchange standard of ATLAS.ti, NVivo, MAXQDA,
QualCoder and others. This module is the public face; the work is split by job:

* :mod:`coding.exchange._read` — :func:`read_qdpx`, :class:`QdpxProject`;
* :mod:`coding.exchange._codes` — code trees and :func:`read_qdc`;
* :mod:`coding.exchange._sources` — source texts, selections and their codings;
* :mod:`coding.exchange._merge` — a project's codebook adopted or merged by name;
* :mod:`coding.exchange._write` — :func:`write_qdpx`, :func:`write_qdc` (XSD-validated);
* :mod:`coding.exchange._description` — packing code fields into a REFI ``Description``;
* :mod:`coding.exchange._offsets` — position units (detected) to Python string indices;
* :mod:`coding.exchange._safety` — zip-slip, decompression-bomb and XML-entity defences;
* :mod:`coding.exchange._xml` — XML and naming helpers, the namespaces real tools write.

The demo study out and back in: every transcript and coding is carried, nothing is lost.

>>> from coding.exchange import read_qdpx, write_qdpx
>>> write_qdpx("study.qdpx", corpus, codebook, codings, participants=participants)
[]
>>> project = read_qdpx("study.qdpx")
>>> project.corpus.ids == corpus.ids, len(project.codings) == len(codings), project.warnings
(True, True, [])
"""

from coding.exchange._codes import read_qdc
from coding.exchange._description import pack_description, unpack_description
from coding.exchange._merge import CodebookMerge, adopt_codebook, merge_codebook
from coding.exchange._read import QdpxProject, read_qdpx
from coding.exchange._safety import ExchangeError, Limits
from coding.exchange._write import XML_INCOMPATIBLE, write_qdc, write_qdpx

__all__ = [
    "XML_INCOMPATIBLE",
    "CodebookMerge",
    "ExchangeError",
    "Limits",
    "QdpxProject",
    "adopt_codebook",
    "merge_codebook",
    "pack_description",
    "read_qdc",
    "read_qdpx",
    "unpack_description",
    "write_qdc",
    "write_qdpx",
]
