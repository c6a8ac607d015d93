"""Read a study table from CSV, gzipped CSV or Parquet, then validate it.

Every value is read as text first (CSV) so that a bad value becomes a reported problem
("row 12 (line 13), column days_supply: expected a whole number, got 'thirty'") instead of a
crash or a silent NaN; :func:`data_dictionary.validate` then converts the types.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from data_dictionary.exceptions import TableReadError, ValidationError
from data_dictionary.schema import Schema, load_schema
from data_dictionary.validate import check_table

log = logging.getLogger(__name__)


def read_raw(path: str | Path) -> pd.DataFrame:
    """The file's cells as text (CSV; empty cells are ``""``) or as stored (Parquet).

    Suffixes: ``.csv``, ``.csv.gz`` (any compression pandas infers), ``.parquet``/``.pq``.
    """
    path = Path(path)
    if not path.exists():
        raise TableReadError("file not found", file=path)
    name = path.name.lower()
    try:
        if name.endswith((".parquet", ".pq")):
            return pd.read_parquet(path)
        if ".csv" in name or ".txt" in name or ".tsv" in name:
            sep = "\t" if ".tsv" in name else ","
            return pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                na_values=[],
                sep=sep,
                compression="infer",
                engine="c",
            )
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, ValueError) as error:
        raise TableReadError(f"cannot read the table: {error}", file=path) from None
    raise TableReadError(
        "unknown table format; expected .csv, .csv.gz, .tsv or .parquet", file=path
    )


def read_table(path: str | Path, table: str | Schema) -> pd.DataFrame:
    """Read ``path`` and validate it as ``table``; return the typed frame.

    Raises :class:`~data_dictionary.exceptions.ValidationError` naming the file and listing
    every problem, or :class:`TableReadError` when the file cannot be read.

    >>> from data_dictionary import read_table
    >>> fills = read_table("studies/demo/data/dispensing.csv.gz", "dispensing")  # doctest: +SKIP
    """
    raw = read_raw(path)
    schema = table if isinstance(table, Schema) else load_schema(table)
    typed, problems = check_table(raw, schema)
    if len(problems):
        raise ValidationError(problems, file=path)
    log.debug("read %d rows of %s from %s", len(typed), schema.name, path)
    return typed
