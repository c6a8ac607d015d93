"""The packaged dictionaries agree with the table contract in docs/architecture.md and are
well-formed Table Schemas (every enum has labels, keys name real fields)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import data_dictionary as dd

ARCHITECTURE = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"
DOC_NAMES = {
    "deliveries": "deliveries",
    "dispensing": "dispensing",
    "events": "events",
    "participants": "participants",
    "transcript manifest": "transcripts",
    "codings": "codings",
}


def documented_columns() -> dict[str, list[str]]:
    """Backticked identifiers of each "**table**: ..." bullet under "Table columns"."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    section = text[text.index("## Table columns") :]
    section = section[: section.index("\n## ", 10)]
    bullets = re.findall(r"^- \*\*(.+?)\*\*:(.*?)(?=^- \*\*|\Z)", section, re.M | re.S)
    return {
        DOC_NAMES[name]: [w for w in re.findall(r"`([^`]+)`", body) if re.fullmatch(r"\w+", w)]
        for name, body in bullets
    }


@pytest.mark.parametrize("table", sorted(DOC_NAMES.values()))
def test_dictionary_matches_the_architecture_contract(table: str) -> None:
    schema = dd.load_schema(table)
    words = documented_columns()[table]
    categories = {str(c.value) for f in schema.fields for c in f.categories}
    # every dictionary column is in the contract, in the same order ...
    documented_fields = [w for w in dict.fromkeys(words) if w in schema.field_names]
    assert documented_fields == schema.field_names
    # ... and everything else the contract quotes is an allowed value of this table
    assert set(words) - set(schema.field_names) <= categories


@pytest.mark.parametrize("table", dd.tables())
def test_schema_is_well_formed(table: str) -> None:
    schema = dd.load_schema(table)
    assert schema.title and schema.description
    for field in schema.fields:
        assert field.title and field.description, field.name
        if field.enum is not None:
            assert [c.value for c in field.categories] == field.enum
            assert all(c.label for c in field.categories)
        if field.type in ("integer", "number") and "minimum" in field.constraints:
            assert field.constraints["minimum"] <= field.constraints.get("maximum", 1e18)
    for key in schema.primary_key:
        assert schema.field(key).unique
    for fk in schema.foreign_keys:
        assert set(fk.fields) <= set(schema.field_names)
        assert set(fk.reference_fields) <= set(dd.load_schema(fk.resource).field_names)


def test_units_where_relevant() -> None:
    assert dd.load_schema("deliveries").field("age").unit == "years"
    assert dd.load_schema("deliveries").field("moud_initiation_week").unit == "weeks"
    assert dd.load_schema("dispensing").field("days_supply").unit == "days"


def test_unknown_key_in_a_schema_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("name: t\nfields:\n  - {name: x, type: string, constraint: {required: true}}\n")
    with pytest.raises(dd.SchemaError, match=r"unknown key\(s\) \['constraint'\] in field 'x'"):
        dd.load_schema(path)
    path.write_text("name: t\nfields:\n  - {name: x, type: datetime}\n")
    with pytest.raises(dd.SchemaError, match="type must be one of"):
        dd.load_schema(path)
