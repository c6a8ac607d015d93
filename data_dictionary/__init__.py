"""Data dictionaries (Frictionless Table Schema as YAML): load, validate, render, import.

>>> import data_dictionary as dd
>>> dd.tables()
['codings', 'deliveries', 'dispensing', 'events', 'participants', 'transcripts']
>>> fills = dd.read_table("studies/demo/data/dispensing.csv.gz", "dispensing")  # doctest: +SKIP
>>> print(dd.render("dispensing"))  # doctest: +SKIP
"""

from data_dictionary.errors import DyadlabError
from data_dictionary.exceptions import (
    DictionaryImportError,
    SchemaError,
    TableReadError,
    ValidationError,
)
from data_dictionary.read import read_raw, read_table
from data_dictionary.redcap import redcap_to_schema
from data_dictionary.relations import check_relations, relation_problems
from data_dictionary.render import render
from data_dictionary.schema import Field, Schema, load_schema, tables
from data_dictionary.validate import check_table, validate

__all__ = [
    "DictionaryImportError",
    "DyadlabError",
    "Field",
    "Schema",
    "SchemaError",
    "TableReadError",
    "ValidationError",
    "check_relations",
    "check_table",
    "load_schema",
    "read_raw",
    "read_table",
    "redcap_to_schema",
    "relation_problems",
    "render",
    "tables",
    "validate",
]
