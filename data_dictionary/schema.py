"""Load a data dictionary: a Frictionless Table Schema written as YAML.

Each table of a study has one file, ``data_dictionary/schemas/<table>.yaml``, following the
Frictionless Table Schema (https://datapackage.org/standard/table-schema/): ``fields`` with
``name``, ``title``, ``description``, ``type``, ``constraints`` (``required``, ``unique``,
``minimum``, ``maximum``, ``pattern``, ``enum``), ``categories`` (``{value, label}``, v2),
``missingValues`` (v2 allows ``{value, label}``), ``trueValues``/``falseValues``, plus
``primaryKey`` and ``foreignKeys``. dyadlab adds a few properties the standard permits as
custom ones: ``unit`` (years, days, weeks), ``optional`` (the column may be absent; it is then
read as all missing), ``pii`` (an identifier), ``rowChecks`` (``{field, operator, other}``
comparisons within a row), ``requiredWhen`` (``{field, when: {column: value}}``: a value is
required in those rows), ``softConstraints`` (``required``/``minimum``/``maximum`` checked as
warnings, as REDCap itself does), ``redcapForm`` (the REDCap instrument of a field: soft
checks apply to that instrument's rows only), ``decimalChar`` (Table Schema's decimal mark,
``,`` for REDCap's comma-decimal numbers) and ``dateOrder`` (a date that must not precede a
date of the row it refers to in another table).

>>> from data_dictionary import load_schema
>>> schema = load_schema("dispensing")
>>> schema.field("days_supply").constraints
{'required': True, 'minimum': 1, 'maximum': 365}
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from data_dictionary.errors import SchemaError

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"

TYPES = ("string", "integer", "number", "boolean", "date")
OPERATORS = (">", ">=", "<", "<=", "==", "!=")
DEFAULT_TRUE = ("true", "True", "TRUE", "1")
DEFAULT_FALSE = ("false", "False", "FALSE", "0")

_FIELD_KEYS = {
    "name",
    "title",
    "description",
    "type",
    "format",
    "unit",
    "constraints",
    "categories",
    "missingValues",
    "trueValues",
    "falseValues",
    "optional",
    "pii",
    "example",
    "decimalChar",
    "softConstraints",
    "redcapForm",
}
_SOFT_KEYS = {"required", "minimum", "maximum"}
_CONSTRAINT_KEYS = {"required", "unique", "minimum", "maximum", "pattern", "enum"}
_SCHEMA_KEYS = {
    "name",
    "title",
    "description",
    "fields",
    "fieldsMatch",
    "missingValues",
    "primaryKey",
    "foreignKeys",
    "rowChecks",
    "dateOrder",
    "requiredWhen",
    "$schema",
}


@dataclass(frozen=True)
class Category:
    """One allowed value of a categorical field and its label."""

    value: Any
    label: str


@dataclass(frozen=True)
class MissingValue:
    """A code that means "missing", and what it means (``""`` = not recorded)."""

    value: str
    label: str


@dataclass(frozen=True)
class Field:
    """One column of a table, as the data dictionary describes it."""

    name: str
    type: str
    title: str = ""
    description: str = ""
    unit: str | None = None
    constraints: dict[str, Any] = field(default_factory=dict)
    categories: tuple[Category, ...] = ()
    missing_values: tuple[MissingValue, ...] = ()
    true_values: tuple[str, ...] = DEFAULT_TRUE
    false_values: tuple[str, ...] = DEFAULT_FALSE
    format: str | None = None
    optional: bool = False
    pii: bool = False
    decimal_char: str = "."
    soft_constraints: dict[str, Any] = field(default_factory=dict)
    redcap_form: str | None = None

    @property
    def required(self) -> bool:
        """A value must be present in every row."""
        return bool(self.constraints.get("required", False))

    @property
    def unique(self) -> bool:
        return bool(self.constraints.get("unique", False))

    @property
    def enum(self) -> list[Any] | None:
        return self.constraints.get("enum")

    @property
    def missing_codes(self) -> list[str]:
        return [m.value for m in self.missing_values]

    def to_dict(self, *, missing: bool = True) -> dict[str, Any]:
        """The field as Table Schema YAML/JSON (``missing=False`` leaves out missingValues)."""
        out: dict[str, Any] = {"name": self.name}
        if self.title:
            out["title"] = self.title
        if self.description:
            out["description"] = self.description
        out["type"] = self.type
        if self.format:
            out["format"] = self.format
        if self.unit:
            out["unit"] = self.unit
        if self.type == "boolean" and (
            self.true_values != DEFAULT_TRUE or self.false_values != DEFAULT_FALSE
        ):
            out["trueValues"] = list(self.true_values)
            out["falseValues"] = list(self.false_values)
        if self.constraints:
            out["constraints"] = dict(self.constraints)
        if self.categories:
            out["categories"] = [{"value": c.value, "label": c.label} for c in self.categories]
        if self.missing_values and missing:
            out["missingValues"] = [
                {"value": m.value, "label": m.label} for m in self.missing_values
            ]
        if self.optional:
            out["optional"] = True
        if self.pii:
            out["pii"] = True
        if self.decimal_char != ".":
            out["decimalChar"] = self.decimal_char
        if self.soft_constraints:
            out["softConstraints"] = dict(self.soft_constraints)
        if self.redcap_form:
            out["redcapForm"] = self.redcap_form
        return out


@dataclass(frozen=True)
class ForeignKey:
    """``fields`` of this table must occur among ``reference_fields`` of ``resource``."""

    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class RowCheck:
    """Within one row: ``field operator other`` must hold when both are present."""

    field: str
    operator: str
    other: str


@dataclass(frozen=True)
class RequiredWhen:
    """``field`` must have a value in rows where column ``column`` equals ``value``."""

    field: str
    column: str
    value: Any


@dataclass(frozen=True)
class DateOrder:
    """``field`` must not precede ``reference_field`` of the ``resource`` row joined on ``via``."""

    field: str
    resource: str
    reference_field: str
    via: str


@dataclass(frozen=True)
class Schema:
    """A table's data dictionary: fields in order, keys and checks."""

    name: str
    fields: tuple[Field, ...]
    title: str = ""
    description: str = ""
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    row_checks: tuple[RowCheck, ...] = ()
    date_orders: tuple[DateOrder, ...] = ()
    required_when: tuple[RequiredWhen, ...] = ()
    path: Path | None = None

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        """The field called ``name``; :class:`SchemaError` when there is none."""
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise SchemaError(f"table {self.name!r} has no field {name!r}", file=self.path, field=name)

    def to_dict(self) -> dict[str, Any]:
        """The schema as a Table Schema mapping (fields, keys, dyadlab extensions)."""
        out: dict[str, Any] = {"name": self.name}
        if self.title:
            out["title"] = self.title
        if self.description:
            out["description"] = self.description
        out["fieldsMatch"] = "subset"
        shared = {f.missing_values for f in self.fields}
        if len(shared) == 1 and self.fields[0].missing_values:
            out["missingValues"] = [
                {"value": m.value, "label": m.label} for m in self.fields[0].missing_values
            ]
            out["fields"] = [f.to_dict(missing=False) for f in self.fields]
        else:
            out["fields"] = [f.to_dict() for f in self.fields]
        if self.primary_key:
            out["primaryKey"] = list(self.primary_key)
        if self.foreign_keys:
            out["foreignKeys"] = [
                {
                    "fields": list(k.fields),
                    "reference": {"resource": k.resource, "fields": list(k.reference_fields)},
                }
                for k in self.foreign_keys
            ]
        return out


def tables() -> list[str]:
    """Names of the tables that have a packaged data dictionary, sorted."""
    return sorted(p.stem for p in SCHEMA_DIR.glob("*.yaml"))


def load_schema(table: str | Path) -> Schema:
    """The :class:`Schema` of a packaged table (``"deliveries"``) or of a YAML file path.

    >>> load_schema("deliveries").primary_key
    ('delivery_id',)
    """
    path = Path(table)
    if path.suffix not in (".yaml", ".yml"):
        path = SCHEMA_DIR / f"{table}.yaml"
        if not path.exists():
            raise SchemaError(
                f"no data dictionary for table {str(table)!r}; known tables: {', '.join(tables())}"
            )
    return _load_schema_file(path.resolve())


@functools.lru_cache(maxsize=64)
def _load_schema_file(path: Path) -> Schema:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemaError("data dictionary file not found", file=path) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise SchemaError(
            f"not valid YAML: {getattr(error, 'problem', error)}",
            file=path,
            line=mark.line + 1 if mark else None,
        ) from None
    return schema_from_dict(raw, path=path)


def schema_from_dict(raw: Any, *, path: Path | None = None) -> Schema:
    """Build a :class:`Schema` from a Table Schema mapping, checking its shape."""
    if not isinstance(raw, dict) or not isinstance(raw.get("fields"), list):
        raise SchemaError("a Table Schema needs a mapping with a 'fields' list", file=path)
    _reject_unknown(raw, _SCHEMA_KEYS, path, "schema")
    name = str(raw.get("name") or (path.stem if path else "table"))
    table_missing = _missing_values(raw.get("missingValues", [{"value": "", "label": ""}]), path)
    fields = tuple(_field(f, table_missing, path) for f in raw["fields"])
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise SchemaError(f"duplicate field names {dupes}", file=path)
    primary_key = tuple(_as_list(raw.get("primaryKey", [])))
    for key in primary_key:
        if key not in names:
            raise SchemaError(f"primaryKey names unknown field {key!r}", file=path, field=key)
    foreign_keys = []
    for fk in raw.get("foreignKeys", []):
        ref = fk.get("reference", {})
        foreign_keys.append(
            ForeignKey(
                fields=tuple(_as_list(fk["fields"])),
                resource=str(ref["resource"]),
                reference_fields=tuple(_as_list(ref["fields"])),
            )
        )
    row_checks = []
    for check in raw.get("rowChecks", []):
        if check.get("operator") not in OPERATORS:
            raise SchemaError(
                f"rowChecks operator must be one of {OPERATORS}, got {check.get('operator')!r}",
                file=path,
            )
        row_checks.append(RowCheck(check["field"], check["operator"], check["other"]))
    date_orders = []
    for order in raw.get("dateOrder", []):
        ref = order["notBefore"]
        date_orders.append(DateOrder(order["field"], ref["resource"], ref["field"], ref["via"]))
    required_when = []
    for rule in raw.get("requiredWhen", []):
        ((column, value),) = rule["when"].items()
        for key in (rule["field"], column):
            if key not in names:
                raise SchemaError(f"requiredWhen names unknown field {key!r}", file=path)
        required_when.append(RequiredWhen(rule["field"], column, value))
    return Schema(
        name=name,
        fields=fields,
        title=str(raw.get("title", "")),
        description=str(raw.get("description", "")).strip(),
        primary_key=primary_key,
        foreign_keys=tuple(foreign_keys),
        row_checks=tuple(row_checks),
        date_orders=tuple(date_orders),
        required_when=tuple(required_when),
        path=path,
    )


def _field(raw: Any, table_missing: tuple[MissingValue, ...], path: Path | None) -> Field:
    if not isinstance(raw, dict) or "name" not in raw:
        raise SchemaError(f"each field needs a mapping with a 'name', got {raw!r}", file=path)
    name = str(raw["name"])
    _reject_unknown(raw, _FIELD_KEYS, path, f"field {name!r}")
    kind = raw.get("type", "string")
    if kind not in TYPES:
        raise SchemaError(f"type must be one of {TYPES}, got {kind!r}", file=path, field=name)
    constraints = dict(raw.get("constraints", {}))
    _reject_unknown(constraints, _CONSTRAINT_KEYS, path, f"constraints of field {name!r}")
    categories = tuple(
        Category(c["value"], str(c.get("label", c["value"])))
        if isinstance(c, dict)
        else Category(c, str(c))
        for c in raw.get("categories", [])
    )
    if categories and "enum" not in constraints:
        constraints["enum"] = [c.value for c in categories]
    missing = (
        _missing_values(raw["missingValues"], path) if "missingValues" in raw else table_missing
    )
    soft = dict(raw.get("softConstraints", {}))
    _reject_unknown(soft, _SOFT_KEYS, path, f"softConstraints of field {name!r}")
    return Field(
        name=name,
        type=kind,
        title=str(raw.get("title", "")),
        description=str(raw.get("description", "")).strip(),
        unit=raw.get("unit"),
        constraints=constraints,
        categories=categories,
        missing_values=missing,
        true_values=tuple(str(v) for v in raw.get("trueValues", DEFAULT_TRUE)),
        false_values=tuple(str(v) for v in raw.get("falseValues", DEFAULT_FALSE)),
        format=raw.get("format"),
        optional=bool(raw.get("optional", False)),
        pii=bool(raw.get("pii", False)),
        decimal_char=str(raw.get("decimalChar", ".")),
        soft_constraints=soft,
        redcap_form=raw.get("redcapForm"),
    )


def _missing_values(raw: Any, path: Path | None) -> tuple[MissingValue, ...]:
    out = []
    for item in _as_list(raw):
        if isinstance(item, dict):
            out.append(MissingValue(str(item.get("value", "")), str(item.get("label", ""))))
        else:
            out.append(MissingValue(str(item), ""))
    return tuple(out)


def _reject_unknown(raw: dict, allowed: set[str], path: Path | None, where: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise SchemaError(f"unknown key(s) {unknown} in {where}", file=path)


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]
