"""Adapters from real-world data models to dyadlab's tables (deliveries, dispensing, events).

* :mod:`analysis.adapters.omop` — an OMOP CDM extract (person, drug_exposure,
  condition/procedure_occurrence, observation_period, death);
* :mod:`analysis.adapters.omop_files` — :func:`read_omop_extract` reads an extract from a
  folder of CSV/TSV/Parquet files or a DuckDB file;
* :mod:`analysis.adapters.redcap` — a REDCap records export (raw or label values, checkbox
  ``field___code`` columns, repeating instruments) with a mapping dict.

Both return :class:`StudyTables`, whose frames have the columns of docs/architecture.md and
go straight into :func:`analysis.episodes.derive_episodes` and
:func:`analysis.cohort.build_cohort`.
"""

from analysis.adapters.omop import from_omop
from analysis.adapters.omop_files import read_omop_extract
from analysis.adapters.redcap import from_redcap
from analysis.adapters.tables import StudyTables

__all__ = ["StudyTables", "from_omop", "from_redcap", "read_omop_extract"]
