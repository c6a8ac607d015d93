"""REFI-QDA exchange: projects (.qdpx) and codebooks (.qdc) to and from other QDA tools.

REFI-QDA (www.qdasoftware.org) is the exchange standard of ATLAS.ti, NVivo, MAXQDA,
QualCoder and others. This module is the public face; the work is split by job:

* :mod:`coding.exchange_read` — :func:`read_qdpx`, :func:`read_qdc`, :class:`QdpxProject`;
* :mod:`coding.exchange_write` — :func:`write_qdpx`, :func:`write_qdc` (XSD-validated);
* :mod:`coding.exchange_description` — packing code fields into a REFI ``Description``;
* :mod:`coding.exchange_offsets` — positions to Python string indices;
* :mod:`coding.exchange_safety` — zip-slip, decompression-bomb and XML-entity defences.

>>> from coding.exchange import read_qdpx, write_qdpx
>>> warnings = write_qdpx("study.qdpx", corpus, codebook, codings, participants=participants)
>>> project = read_qdpx("from_nvivo.qdpx")
>>> project.corpus, project.codebook, project.codings, project.warnings
"""

from coding.exchange_description import pack_description, unpack_description
from coding.exchange_read import QdpxProject, read_qdc, read_qdpx
from coding.exchange_safety import ExchangeError, Limits
from coding.exchange_write import write_qdc, write_qdpx

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
