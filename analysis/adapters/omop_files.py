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

#: The CDM tables ``from_omop`` reads (person is required).
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
REQUIRED = ("person",)

#: Column order of the CDM tables (OHDSI CommonDataModel, inst/csv/OMOP_CDMv5.3_Field_Level.csv
#: and OMOP_CDMv5.4_Field_Level.csv), for bulk-load files written without a header row.
_V53 = {
    "person": "person_id gender_concept_id year_of_birth month_of_birth day_of_birth "
    "birth_datetime race_concept_id ethnicity_concept_id location_id provider_id care_site_id "
    "person_source_value gender_source_value gender_source_concept_id race_source_value "
    "race_source_concept_id ethnicity_source_value ethnicity_source_concept_id",
    "drug_exposure": "drug_exposure_id person_id drug_concept_id drug_exposure_start_date "
    "drug_exposure_start_datetime drug_exposure_end_date drug_exposure_end_datetime "
    "verbatim_end_date drug_type_concept_id stop_reason refills quantity days_supply sig "
    "route_concept_id lot_number provider_id visit_occurrence_id visit_detail_id "
    "drug_source_value drug_source_concept_id route_source_value dose_unit_source_value",
    "condition_occurrence": "condition_occurrence_id person_id condition_concept_id "
    "condition_start_date condition_start_datetime condition_end_date condition_end_datetime "
    "condition_type_concept_id condition_status_concept_id stop_reason provider_id "
    "visit_occurrence_id visit_detail_id condition_source_value condition_source_concept_id "
    "condition_status_source_value",
    "procedure_occurrence": "procedure_occurrence_id person_id procedure_concept_id "
    "procedure_date procedure_datetime procedure_type_concept_id modifier_concept_id quantity "
    "provider_id visit_occurrence_id visit_detail_id procedure_source_value "
    "procedure_source_concept_id modifier_source_value",
    "observation_period": "observation_period_id person_id observation_period_start_date "
    "observation_period_end_date period_type_concept_id",
    "death": "person_id death_date death_datetime death_type_concept_id cause_concept_id "
    "cause_source_value cause_source_concept_id",
}
CDM_COLUMNS: dict[str, dict[str, list[str]]] = {"5.3": {t: c.split() for t, c in _V53.items()}}
CDM_COLUMNS["5.4"] = {
    **CDM_COLUMNS["5.3"],
    "procedure_occurrence": CDM_COLUMNS["5.3"]["procedure_occurrence"][:5]
    + ["procedure_end_date", "procedure_end_datetime"]
    + CDM_COLUMNS["5.3"]["procedure_occurrence"][5:],
}
# v5.2: as v5.3 without visit_detail_id (v5.3 added the visit_detail table)
CDM_COLUMNS["5.2"] = {
    t: [c for c in cols if c != "visit_detail_id"] for t, cols in CDM_COLUMNS["5.3"].items()
}
_SUFFIX = re.compile(r"\.(csv|tsv|txt|parquet)(\.gz)?$", re.IGNORECASE)
DUCKDB_SUFFIXES = (".duckdb", ".ddb", ".db")


def read_omop_extract(
    path: str | Path, notes: list[str] | None = None, *, ancestors=None
) -> dict[str, pd.DataFrame]:
    """``{table: DataFrame}`` of the CDM tables found at ``path`` (a folder or a DuckDB file).

    The vocabulary tables are read in pieces and kept small (a full vocabulary has millions
    of rows): of ``concept`` the HCPCS rows, of ``concept_ancestor`` — when ``ancestors``
    (the concept ids whose descendants the conversion needs) is given — their rows only.

    A CSV/TSV file without a header row (a database bulk-load file) gets the CDM column
    names when its number of columns is that of CDM v5.4, v5.3 or v5.2 (said in ``notes``).
    Raises :class:`~analysis.errors.AnalysisError` naming the path when ``person`` is
    missing, listing the files that were there; a missing ``drug_exposure`` is an empty one
    (said in ``notes``).
    """
    path = Path(path)
    notes = [] if notes is None else notes
    if not path.exists():
        raise AnalysisError("no such file or folder", file=path)
    if path.is_file():
        if path.suffix.lower() not in DUCKDB_SUFFIXES:
            raise AnalysisError(
                "expected a folder of CDM tables (CSV, TSV or Parquet) or a DuckDB file "
                f"({', '.join(DUCKDB_SUFFIXES)})",
                file=path,
            )
        tables = _read_duckdb(path, _ids(ancestors))
        found_names = "tables " + ", ".join(sorted(tables)) if tables else "no CDM tables"
    else:
        files = {}
        for item in sorted(path.iterdir()):
            match = _SUFFIX.search(item.name)
            if item.is_file() and match and not item.name.startswith("."):
                files.setdefault(item.name[: match.start()].lower(), item)
        keep = _ids(ancestors)
        tables = {
            name: _read_file(files[name], name, notes, keep) for name in TABLES if name in files
        }
        found_names = "files " + ", ".join(sorted(p.name for p in files.values())[:20])
    if "drug_exposure" not in tables:
        notes.append("no drug_exposure table: dispensing comes only from OTP procedures")
        tables["drug_exposure"] = pd.DataFrame(
            columns=["drug_exposure_id", "person_id", "drug_concept_id", "drug_exposure_start_date"]
        )
    missing = [t for t in REQUIRED if t not in tables]
    if missing:
        raise AnalysisError(
            f"no {' or '.join(missing)} table in the extract (found {found_names or 'nothing'})",
            file=path,
        )
    return tables


def _ids(ancestors) -> set[str] | None:
    """Concept ids as text (how CSV cells arrive), or None for "keep every row"."""
    if ancestors is None:
        return None
    return {str(int(float(str(a).strip()))) for a in ancestors if str(a).strip()}


def _vocabulary_rows(frame: pd.DataFrame, name: str, ancestors: set[str] | None) -> pd.DataFrame:
    """The rows of a vocabulary table the conversion uses (all rows of other tables)."""
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if name == "concept" and "vocabulary_id" in frame.columns:
        return frame.loc[frame["vocabulary_id"].astype(str) == "HCPCS"]
    if name == "concept_ancestor" and ancestors is not None and len(frame.columns):
        ids = frame["ancestor_concept_id"].astype(str).str.replace(r"\.0$", "", regex=True)
        return frame.loc[ids.isin(ancestors)]
    return frame


def _read_file(path: Path, name: str, notes: list[str], ancestors=None) -> pd.DataFrame:
    vocabulary = name in ("concept", "concept_ancestor")
    try:
        if ".parquet" in path.name.lower():
            frame = pd.read_parquet(path)
        else:
            separator, header = _separator(path)
            options = dict(
                sep=separator,
                dtype=str,
                keep_default_na=False,
                encoding="utf-8-sig",
                quoting=csv.QUOTE_MINIMAL,
                header=None if _headerless(header, name) else "infer",
            )
            if vocabulary:
                # millions of rows in a full vocabulary: keep the used ones, piece by piece
                pieces = pd.read_csv(path, chunksize=500_000, **options)
                frame = pd.concat(
                    [_vocabulary_rows(p, name, ancestors) for p in pieces], ignore_index=True
                )
            else:
                frame = pd.read_csv(path, **options)
    except pd.errors.EmptyDataError:
        notes.append(f"{path.name}: empty file")
        return pd.DataFrame()
    except (ValueError, OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise AnalysisError(f"cannot read the {name} table: {error}", file=path) from None
    if list(frame.columns) and all(isinstance(c, int) for c in frame.columns):
        versions = [
            v
            for v, tables in CDM_COLUMNS.items()
            if len(tables.get(name, ())) == len(frame.columns)
        ]
        if not versions:
            raise AnalysisError(
                f"the {name} file has no header row and {len(frame.columns)} columns, which is "
                "the column count of no CDM version (5.2, 5.3, 5.4): add the header row",
                file=path,
                line=1,
            )
        frame.columns = CDM_COLUMNS[versions[-1]][name]
        notes.append(
            f"{path.name}: no header row; columns named in CDM v{'/'.join(versions)} order "
            f"({len(frame.columns)} columns)"
        )
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if vocabulary:
        frame = _vocabulary_rows(frame, name, ancestors).reset_index(drop=True)
    return frame


def _separator(path: Path) -> tuple[str, str]:
    """The separator (tab or comma, whichever the first line has more of) and that line."""
    import gzip

    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", errors="replace") as handle:
        header = handle.readline()
    return ("\t" if header.count("\t") > header.count(",") else ","), header


def _headerless(first_line: str, name: str) -> bool:
    """A first line that names no column the CDM table has is data, not a header."""
    known = set(CDM_COLUMNS["5.4"].get(name, ())) | set(CDM_COLUMNS["5.2"].get(name, ()))
    words = {w.strip().strip('"').lower() for w in re.split(r"[,\t]", first_line)}
    return bool(known) and not (words & known)


def _read_duckdb(path: Path, ancestors: set[str] | None) -> dict[str, pd.DataFrame]:
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
            if name == "concept_ancestor" and ancestors is not None:
                listed_ids = ", ".join(sorted(ancestors)) or "NULL"
                query += f" WHERE ancestor_concept_id IN ({listed_ids})"
            frame = con.execute(query).df()
            frame.columns = [str(c).lower() for c in frame.columns]
            out[name] = frame
        return out
    finally:
        con.close()
