"""REFI-QDA exchange: projects (.qdpx) and codebooks (.qdc) to and from other QDA tools.

REFI-QDA (www.qdasoftware.org) is the exchange standard of ATLAS.ti, NVivo, MAXQDA,
QualCoder and others. This module is the public face; the work is split by job:

* :mod:`coding.exchange._read` — :func:`read_qdpx`, :func:`read_qdc`, :class:`QdpxProject`;
* :mod:`coding.exchange._write` — :func:`write_qdpx`, :func:`write_qdc` (XSD-validated);
* :mod:`coding.exchange._description` — packing code fields into a REFI ``Description``;
* :mod:`coding.exchange._offsets` — positions to Python string indices;
* :mod:`coding.exchange._safety` — zip-slip, decompression-bomb and XML-entity defences.

>>> from coding.exchange import read_qdpx, write_qdpx
>>> warnings = write_qdpx("study.qdpx", corpus, codebook, codings, participants=participants)
>>> project = read_qdpx("from_nvivo.qdpx")
>>> project.corpus, project.codebook, project.codings, project.warnings
"""

from coding.exchange._description import pack_description, unpack_description
from coding.exchange._read import QdpxProject, read_qdc, read_qdpx
from coding.exchange._safety import ExchangeError, Limits
from coding.exchange._write import write_qdc, write_qdpx

__all__ = [
    "ExchangeError",
    "Limits",
    "QdpxProject",
    "pack_description",
    "read_qdc",
    "read_qdpx",
    "unpack_description",
    "write_qdc",
    "write_qdpx",
]
