"""Read an OMOP CDM extract from disk: a folder of CSV (comma or tab), Parquet, or a DuckDB file.

Table files are found by name whatever their case and extension (``PERSON.csv``,
``person.tsv``, ``drug_exposure.parquet``, ``condition_occurrence.csv.gz``); in a DuckDB
file, by table name in any schema (``main``, ``cdm``, …). CSV is read as text (ids and
concept ids stay exact, dates are checked by :func:`analysis.adapters.omop.from_omop`), with
the separator taken from the header line. Only the tables ``from_omop`` uses are read, and
of ``concept`` only its HCPCS rows.

>>> tables = read_omop_extract("tests/fixtures/realworld/omop/synthea27nj")   # doctest: +SKIP
>>> sorted(tables)                                                           # doctest: +SKIP
['concept', 'concept_ancestor', 'condition_occurrence', 'death', ...]

Tested in tests/analysis/adapters/test_realworld_omop.py.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from analysis.errors import AnalysisError

#: The CDM tables ``from_omop`` reads (person and drug_exposure are required).
TABLES = (
    "person",
    "drug_exposure",
    "condition_occurrence",
    "procedure_occurrence",
    "observation_period",
    "death",
    "concept_ancestor",
    "concept",
)
REQUIRED = ("person", "drug_exposure")
_SUFFIX = re.compile(r"\.(csv|tsv|txt|parquet)(\.gz)?$", re.IGNORECASE)
DUCKDB_SUFFIXES = (".duckdb", ".ddb", ".db")


def read_omop_extract(path: str | Path) -> dict[str, pd.DataFrame]:
    """``{table: DataFrame}`` of the CDM tables found at ``path`` (a folder or a DuckDB file).

    Raises :class:`~analysis.errors.AnalysisError` naming the path when ``person`` or
    ``drug_exposure`` is missing, listing the files that were there.
    """
    path = Path(path)
    if not path.exists():
        raise AnalysisError("no such file or folder", file=path)
    if path.is_file():
        if path.suffix.lower() not in DUCKDB_SUFFIXES:
            raise AnalysisError(
                "expected a folder of CDM tables (CSV, TSV or Parquet) or a DuckDB file "
                f"({', '.join(DUCKDB_SUFFIXES)})",
                file=path,
            )
        tables = _read_duckdb(path)
        found_names = "tables " + ", ".join(sorted(tables)) if tables else "no CDM tables"
    else:
        files = {}
        for item in sorted(path.iterdir()):
            match = _SUFFIX.search(item.name)
            if item.is_file() and match and not item.name.startswith("."):
                files.setdefault(item.name[: match.start()].lower(), item)
        tables = {name: _read_file(files[name], name) for name in TABLES if name in files}
        found_names = "files " + ", ".join(sorted(p.name for p in files.values())[:20])
    missing = [t for t in REQUIRED if t not in tables]
    if missing:
        raise AnalysisError(
            f"no {' or '.join(missing)} table in the extract (found {found_names or 'nothing'})",
            file=path,
        )
    return tables


def _read_file(path: Path, name: str) -> pd.DataFrame:
    try:
        if ".parquet" in path.name.lower():
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(
                path,
                sep=_separator(path),
                dtype=str,
                keep_default_na=False,
                encoding="utf-8-sig",
                quoting=csv.QUOTE_MINIMAL,
            )
    except (ValueError, OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise AnalysisError(f"cannot read the {name} table: {error}", file=path) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if name == "concept":
        frame = _hcpcs_only(frame)
    return frame


def _separator(path: Path) -> str:
    import gzip

    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", errors="replace") as handle:
        header = handle.readline()
    return "\t" if header.count("\t") > header.count(",") else ","


def _hcpcs_only(concept: pd.DataFrame) -> pd.DataFrame:
    if "vocabulary_id" not in concept.columns:
        return concept
    return concept.loc[concept["vocabulary_id"].astype(str) == "HCPCS"].reset_index(drop=True)


def _read_duckdb(path: Path) -> dict[str, pd.DataFrame]:
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise AnalysisError(f"cannot open the DuckDB file: {error}", file=path) from None
    try:
        listed = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
        ).fetchall()
        where: dict[str, tuple[str, str]] = {}
        for schema, table in sorted(listed, key=lambda t: (t[0] != "main", t[0], t[1])):
            where.setdefault(table.lower(), (schema, table))
        out = {}
        for name in TABLES:
            if name not in where:
                continue
            schema, table = where[name]
            query = f'SELECT * FROM "{schema}"."{table}"'
            if name == "concept":
                query += " WHERE vocabulary_id = 'HCPCS'"
            frame = con.execute(query).df()
            frame.columns = [str(c).lower() for c in frame.columns]
            out[name] = frame
        return out
    finally:
        con.close()
