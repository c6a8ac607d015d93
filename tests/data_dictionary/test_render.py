"""data_dictionary.render (codebook.py): labels, units and missing codes shown; HTML escaped."""

from __future__ import annotations

import pytest

import data_dictionary as dd
from data_dictionary.schema import schema_from_dict


def test_markdown_codebook_has_labels_units_and_missing_codes() -> None:
    text = dd.render("deliveries")
    assert text.startswith("## Deliveries (`deliveries`)")
    assert "| insurance | Insurance at delivery | string |  | medicaid = Medicaid<br>" in text
    assert "naltrexone = Naltrexone (extended-release)" in text
    week = "| moud_initiation_week | Gestational week of MOUD initiation | integer | weeks |"
    assert week in text
    assert '"" = no MOUD initiated in pregnancy' in text
    assert '"" = covered through follow-up' in text
    assert "1990-01-01 to 2100-12-31" in text


def test_every_field_is_a_row() -> None:
    for table in dd.tables():
        text = dd.render(table)
        rows = [line for line in text.splitlines() if line.startswith("| ")][1:]
        assert [r.split(" | ")[0][2:] for r in rows] == dd.load_schema(table).field_names


def test_html_is_escaped() -> None:
    schema = schema_from_dict(
        {
            "name": "t",
            "title": "A <b>bold</b> & risky table",
            "fields": [
                {
                    "name": "x",
                    "type": "string",
                    "description": "<script>alert(1)</script>",
                    "categories": [{"value": "a", "label": "A & <i>B</i>"}],
                }
            ],
        }
    )
    html = dd.render(schema, format="html")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "A &amp; &lt;i&gt;B&lt;/i&gt;" in html
    assert "A &lt;b&gt;bold&lt;/b&gt; &amp; risky table" in html


def test_html_codebook_has_labels() -> None:
    html = dd.render("dispensing", format="html")
    assert "<td>days_supply</td><td>Days supply</td><td>integer</td><td>days</td>" in html
    assert "otp = Opioid treatment programme dosing record" in html


def test_markdown_pipes_are_escaped() -> None:
    schema = schema_from_dict(
        {"name": "t", "fields": [{"name": "x", "type": "string", "description": "a | b"}]}
    )
    assert "a \\| b" in dd.render(schema)


def test_unknown_format() -> None:
    with pytest.raises(dd.SchemaError, match="format must be"):
        dd.render("events", format="pdf")


def test_conditional_requirements_are_shown() -> None:
    text = dd.render("participants")
    assert "required when role is patient" in text
    assert "required when role is provider" in text
