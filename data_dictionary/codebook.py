"""A human-readable codebook of a table's data dictionary, as Markdown or HTML.

One row per field: name, title, type, unit, allowed values with their labels, labelled
missing-value codes, rules (required, unique, range, pattern) and the description. The HTML
is a self-contained ``<table>`` (every value escaped) that reports and the web app can embed.

>>> from data_dictionary import render
>>> print(render("dispensing"))
## MOUD dispensing (`dispensing`)
...
| Field | Title | Type | Unit | Allowed values | Missing | Rules | Description |
|---|---|---|---|---|---|---|---|
| claim_id | Claim or record id | string |  |  | "" = not recorded | unique<br>column may ...
...
>>> html = render("deliveries", format="html")
>>> print(html[:html.index("<p>")])
<section class="codebook" id="codebook-deliveries">
<h2>Deliveries (<code>deliveries</code>)</h2>
"""

from __future__ import annotations

import html

from data_dictionary.errors import SchemaError
from data_dictionary.schema import Field, Schema, load_schema

COLUMNS = ("Field", "Title", "Type", "Unit", "Allowed values", "Missing", "Rules", "Description")


def render(table: str | Schema, format: str = "markdown") -> str:
    """The codebook of ``table`` (a table name or a :class:`Schema`) as Markdown or HTML."""
    schema = table if isinstance(table, Schema) else load_schema(table)
    rows = [_cells(f, schema) for f in schema.fields]
    if format == "markdown":
        return _markdown(schema, rows)
    if format == "html":
        return _html(schema, rows)
    raise SchemaError(f"format must be 'markdown' or 'html', got {format!r}")


def _cells(field: Field, schema: Schema) -> list[list[str]]:
    """Each cell as a list of lines (joined per output format)."""
    allowed = [f"{c.value} = {c.label}" for c in field.categories]
    if field.enum and not field.categories:
        allowed = [str(v) for v in field.enum]
    if field.type == "boolean":
        allowed = [
            f"true: {', '.join(field.true_values)}",
            f"false: {', '.join(field.false_values)}",
        ]
    missing = [f"{_code(m.value)} = {m.label or 'missing'}" for m in field.missing_values]
    rules = []
    c = field.constraints
    if field.required:
        rules.append("required")
    if field.unique:
        rules.append("unique")
    rules += [
        f"required when {r.column} is {r.value}"
        for r in schema.required_when
        if r.field == field.name
    ]
    if "minimum" in c and "maximum" in c:
        rules.append(f"{c['minimum']} to {c['maximum']}")
    elif "minimum" in c:
        rules.append(f"at least {c['minimum']}")
    elif "maximum" in c:
        rules.append(f"at most {c['maximum']}")
    if "pattern" in c:
        rules.append(f"matches {c['pattern']}")
    if field.optional:
        rules.append("column may be absent")
    if field.pii:
        rules.append("identifier (PII)")
    kind = field.type + (" (YYYY-MM-DD)" if field.type == "date" and not field.format else "")
    return [
        [field.name],
        [field.title],
        [kind],
        [field.unit or ""],
        allowed,
        [] if field.required else missing,
        rules,
        [field.description],
    ]


def _code(value: str) -> str:
    return '""' if value == "" else value


def _markdown(schema: Schema, rows: list[list[list[str]]]) -> str:
    def cell(lines: list[str]) -> str:
        text = "<br>".join(line.replace("|", "\\|").replace("\n", " ") for line in lines)
        return text

    out = [f"## {schema.title or schema.name} (`{schema.name}`)", ""]
    if schema.description:
        out += [schema.description, ""]
    if schema.primary_key:
        out += [f"Primary key: {', '.join(schema.primary_key)}", ""]
    out.append("| " + " | ".join(COLUMNS) + " |")
    out.append("|" + "|".join("---" for _ in COLUMNS) + "|")
    for row in rows:
        out.append("| " + " | ".join(cell(c) for c in row) + " |")
    return "\n".join(out) + "\n"


def _html(schema: Schema, rows: list[list[list[str]]]) -> str:
    esc = html.escape
    title = esc(schema.title or schema.name)
    out = [f'<section class="codebook" id="codebook-{esc(schema.name)}">']
    out.append(f"<h2>{title} (<code>{esc(schema.name)}</code>)</h2>")
    if schema.description:
        out.append(f"<p>{esc(schema.description)}</p>")
    out.append("<table>")
    out.append("<thead><tr>" + "".join(f"<th>{esc(c)}</th>" for c in COLUMNS) + "</tr></thead>")
    out.append("<tbody>")
    for row in rows:
        cells = "".join("<td>" + "<br>".join(esc(line) for line in c) + "</td>" for c in row)
        out.append(f"<tr>{cells}</tr>")
    out.append("</tbody></table></section>")
    return "\n".join(out) + "\n"
