"""Read a study table from CSV, gzipped CSV or Parquet, then validate it.

Every value is read as text first (CSV) so that a bad value becomes a reported problem
("row 12 (line 13), column days_supply: expected a whole number, got 'thirty'") instead of a
crash or a silent NaN; :func:`data_dictionary.validate` then converts the types.
"""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from data_dictionary.checks import check_table
from data_dictionary.coerce import is_arrow_text
from data_dictionary.errors import TableReadError, ValidationError
from data_dictionary.schema import Schema, load_schema

log = logging.getLogger(__name__)


def read_raw(path: str | Path, *, arrow_strings: bool = False) -> pd.DataFrame:
    """The file's cells as text (CSV; empty cells are ``""``) or as stored (Parquet).

    ``arrow_strings=True`` keeps CSV text in Arrow memory (``pd.ArrowDtype(pa.string())``)
    instead of one Python object per cell: several times less memory and time on tens of
    millions of rows (what ``dyadlab validate`` uses); the default gives ordinary ``object``
    columns.

    Suffixes: ``.csv``, ``.tsv``, either compressed (``.gz``, ``.bz2``, ``.zst``…), and
    ``.parquet``/``.pq``. CSV is parsed by Arrow's multi-threaded reader (several times faster
    than pandas' on millions of rows); when Arrow rejects a file, pandas re-reads it to name
    the offending line.
    """
    path = Path(path)
    if not path.exists():
        raise TableReadError("file not found", file=path)
    name = path.name.lower()
    if name.endswith((".parquet", ".pq")):
        try:
            return pd.read_parquet(path)
        except (OSError, ValueError, pa.ArrowException) as error:
            raise TableReadError(f"cannot read the Parquet file: {error}", file=path) from None
    if not any(ext in name for ext in (".csv", ".tsv", ".txt")):
        raise TableReadError(
            "unknown table format; expected .csv, .csv.gz, .tsv or .parquet", file=path
        )
    sep = "\t" if ".tsv" in name else ","
    try:
        return _read_csv_arrow(path, sep, arrow_strings)
    except (pa.ArrowException, UnicodeDecodeError, csv.Error, OSError, ValueError) as error:
        log.debug("Arrow could not read %s (%s); trying pandas for the line number", path, error)
    try:
        return pd.read_csv(
            path, dtype=str, keep_default_na=False, na_values=[], sep=sep, compression="infer"
        )
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, ValueError) as error:
        raise TableReadError(f"cannot read the table: {error}", file=path) from None


def _read_csv_arrow(path: Path, sep: str, arrow_strings: bool) -> pd.DataFrame:
    with pa.input_stream(str(path), compression="detect") as stream:
        first = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="").readline()
    header = next(csv.reader([first], delimiter=sep), [])
    if not header or len(set(header)) != len(header):
        raise ValueError("missing or duplicate column names in the header")
    table = pcsv.read_csv(
        str(path),
        read_options=pcsv.ReadOptions(encoding="utf8"),
        parse_options=pcsv.ParseOptions(delimiter=sep, newlines_in_values=True),
        convert_options=pcsv.ConvertOptions(
            column_types={name: pa.string() for name in header},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    frame = table.to_pandas(types_mapper=pd.ArrowDtype if arrow_strings else None)
    frame.columns = [c.removeprefix("\ufeff") for c in frame.columns]
    return frame


def read_table(
    path: str | Path, table: str | Schema, *, arrow_strings: bool = False
) -> pd.DataFrame:
    """Read ``path`` and validate it as ``table``; return the typed frame.

    Text columns are ``object`` by default, or Arrow-backed with ``arrow_strings=True`` (see
    :func:`read_raw`). Either way the checks run on Arrow strings; only the text columns of a
    clean table are turned into Python objects at the end (half the time of checking object
    columns on 10^7 rows).

    Raises :class:`~data_dictionary.errors.ValidationError` naming the file and listing
    every problem, or :class:`TableReadError` when the file cannot be read.

    >>> from data_dictionary import read_table
    >>> read_table("demo/data/deliveries.csv", "deliveries")["delivery_date"].dtype
    dtype('<M8[ns]')
    >>> _ = Path("fills.csv").write_text("claim_id,person_id,fill_date,drug,days_supply,source\\n"
    ...                                  "c1,p1,2023-01-05,heroin,30,pharmacy\\n"
    ...                                  "c2,p1,2023-02-31,methadone,30,otp\\n")
    >>> read_table("fills.csv", "dispensing")
    Traceback (most recent call last):
    ...
    data_dictionary.errors.ValidationError: fills.csv: 2 problems in table dispensing:
      row 1 (line 2), column drug: expected one of buprenorphine, methadone, naltrexone, got ...
      row 2 (line 3), column fill_date: expected a real calendar date, got '2023-02-31' ...
    """
    raw = read_raw(path, arrow_strings=True)
    schema = table if isinstance(table, Schema) else load_schema(table)
    typed, problems = check_table(raw, schema)
    if len(problems):
        raise ValidationError(with_file_lines(problems, raw, path), file=path)
    log.debug("read %d rows of %s from %s", len(typed), schema.name, path)
    return typed if arrow_strings else object_strings(typed)


def object_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """Arrow-backed text columns as ``object`` columns (missing as NaN), others unchanged."""
    out = frame.copy(deep=False)
    for name in frame.columns:
        if is_arrow_text(frame[name]):
            out[name] = frame[name].to_numpy(dtype=object, na_value=np.nan)
    return out


def with_file_lines(problems: pd.DataFrame, raw: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    """Problems with ``line`` set to the CSV line each record starts on.

    Without line breaks inside quoted cells the line is row + 1 (already set). When some
    cell holds one (a multi-line memo), the file is read again up to the last problem row
    with :mod:`csv` to count lines exactly. Only done when there are problems.
    """
    path = Path(path)
    if not len(problems) or problems["row"].isna().all() or not _has_line_breaks(raw):
        return problems
    last = int(problems["row"].max())
    starts = np.zeros(last + 1, dtype=np.int64)
    with pa.input_stream(str(path), compression="detect") as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        reader = csv.reader(text, delimiter="\t" if ".tsv" in path.name.lower() else ",")
        next(reader, None)
        start = reader.line_num + 1
        for row, _ in enumerate(reader, start=1):
            starts[row] = start
            start = reader.line_num + 1
            if row >= last:
                break
    out = problems.copy()
    known = out["row"].notna()
    out.loc[known, "line"] = starts[out.loc[known, "row"].astype(int).to_numpy()]
    return out


def _has_line_breaks(raw: pd.DataFrame) -> bool:
    for name in raw.columns:
        values = raw[name]
        if is_arrow_text(values):
            array = pa.array(values)
            if pc.any(pc.match_substring(array, "\n")).as_py():
                return True
        elif values.dtype == object and values.astype(str).str.contains("\n", regex=False).any():
            return True
    return False
