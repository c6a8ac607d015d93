"""Data dictionaries (Frictionless Table Schema as YAML): load, validate, render, import.

>>> import data_dictionary as dd
>>> dd.tables()
['codings', 'deliveries', 'dispensing', 'enrolment', 'events', 'participants', 'transcripts']
>>> fills = dd.read_table("demo/data/dispensing.csv.gz", "dispensing")   # the demo study
>>> list(fills.columns)
['claim_id', 'person_id', 'fill_date', 'drug', 'days_supply', 'source']
>>> print(dd.render("dispensing"))
## MOUD dispensing (`dispensing`)
...
| days_supply | Days supply | integer | days |  |  | required<br>1 to 365 | ... |
...

The names below are loaded on first use (PEP 562), so that importing
``data_dictionary.errors`` — the root error every dyadlab package and the CLI import — does
not pull in pandas and pandera (about a second) before they are needed. No submodule is named
like a function here (``validate`` lives in ``checks``, ``render`` in ``codebook``), so a
submodule import can never shadow one of these names.
"""

from __future__ import annotations

import importlib
from typing import Any

from data_dictionary.errors import DyadlabError

_WHERE = {
    "DictionaryImportError": "data_dictionary.errors",
    "SchemaError": "data_dictionary.errors",
    "SoftConstraintWarning": "data_dictionary.errors",
    "soft_problems": "data_dictionary.soft",
    "TableReadError": "data_dictionary.errors",
    "ValidationError": "data_dictionary.errors",
    "check_relations": "data_dictionary.relations",
    "relation_problems": "data_dictionary.relations",
    "check_table": "data_dictionary.checks",
    "validate": "data_dictionary.checks",
    "Field": "data_dictionary.schema",
    "Schema": "data_dictionary.schema",
    "load_schema": "data_dictionary.schema",
    "tables": "data_dictionary.schema",
    "read_raw": "data_dictionary.read",
    "read_table": "data_dictionary.read",
    "redcap_to_schema": "data_dictionary.redcap",
    "render": "data_dictionary.codebook",
}

__all__ = ["DyadlabError", *sorted(_WHERE)]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'data_dictionary' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
