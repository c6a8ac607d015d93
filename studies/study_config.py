"""study.yaml as typed dataclasses, with errors that name the key, the file and the line.

The schema is the dataclasses below: every key of study.yaml is a dataclass field, nested
mappings are nested dataclasses. :func:`parse_config` rejects unknown keys at any level (with a
"did you mean" from :mod:`difflib`), wrong types (naming the dotted key, e.g.
``outcomes.gap_days``) and missing required keys. Line numbers come from the YAML node marks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from studies.errors import StudyError

TABLE_KEYS = (
    "deliveries",
    "dispensing",
    "events",
    "enrolment",
    "participants",
    "transcripts",
    "codings",
)


@dataclass(frozen=True)
class DataConfig:
    """Paths of the study's tables, relative to ``data_root`` (absolute paths allowed)."""

    deliveries: str | None = None
    dispensing: str | None = None
    events: str | None = None
    enrolment: str | None = None
    participants: str | None = None
    transcripts: str | None = None
    codings: str | None = None


@dataclass(frozen=True)
class OutcomesConfig:
    """Outcome definitions for the MOUD analyses (days are counted from delivery).

    The rules are in docs/cohort.md: ``gap_days`` (permissible gap: uncovered days that do
    not end a treatment episode), ``moud_window_days`` (treatment that ended this many days
    before delivery is ``moud_recent``), ``lookback_days`` (coverage needed before delivery to
    call a delivery ``none``), ``grace_days`` (days after a supply end still counted as on
    MOUD in the on/off-MOUD comparison), ``data_end`` (the date the data extract ends; when
    absent, the latest fill, event or delivery date, with a warning), ``vital_data_end``
    (the end of the death file; default ``data_end``), ``bridge_delivery_gap`` (false, the
    default: a delivery no fill covers is "none" even when a refill after delivery bridges
    the gap — no look-ahead; true only as a sensitivity analysis), ``discontinuation_time``
    (``supply_end`` or ``gap_end``: the time scale of discontinuation), ``enrolment_gap_days``
    (enrolment gaps bridged when an enrolment table of spans is read), ``first_delivery_only``
    (sensitivity: each person's first delivery), ``min_delivery_interval_days`` (delivery
    records closer than this are one delivery), ``next_conception_days`` (sensitivity: end
    follow-up this many days before the next delivery), ``overdose_merge_days`` (overdose records
    this close are one event) and ``covariate_windows`` (``{covariate: [first_day,
    last_day]}``, days from delivery of each covariate's ascertainment window; a baseline
    covariate's window must end by day 0).
    """

    gap_days: int = 30
    follow_up_days: int = 365
    index_event: str = "delivery"
    carryover: bool = False
    moud_window_days: int = 30
    lookback_days: int = 90
    grace_days: int = 7
    bridge_delivery_gap: bool = False
    discontinuation_time: str = "supply_end"
    data_end: dt.date | None = None
    vital_data_end: dt.date | None = None
    enrolment_gap_days: int = 31
    first_delivery_only: bool = False
    min_delivery_interval_days: int = 0
    next_conception_days: int | None = None
    overdose_merge_days: int = 1
    covariate_windows: dict[str, Any] | None = None
    gap_sensitivity: list[int] = field(default_factory=lambda: [7, 14, 30, 60, 90])
    cox_covariates: list[str] | None = None


@dataclass(frozen=True)
class ReportConfig:
    """One report built by ``dyadlab report``: a notebook template, its output name and the
    papermill parameters (a free mapping; the report runner checks them)."""

    template: str
    name: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DeidConfig:
    """De-identification policy and where its files go (paths relative to ``data_root``).

    ``roster``: CSV with a ``name`` column (participants, babies, family, staff) for
    ``coding.deid``; ``output``: folder for the de-identified transcripts; ``log``: the
    redaction log, which holds the *original* identifiers — keep it apart from everything
    you share (by default under ``private/``, which git ignores).
    """

    required_on_import: bool = False
    roster: str | None = None
    output: str = "transcripts_deidentified"
    log: str = "private/redaction_log.csv"
    pseudonyms: bool = False


@dataclass(frozen=True)
class DisclosureConfig:
    """The study's disclosure-control policy for reports that leave the research team.

    ``min_cell``: counts from 1 to ``min_cell - 1`` are never shown nor recoverable (11 is
    the CMS cell-size rule; a report parameter may raise it, never lower it);
    ``rounding_base``: counts that would otherwise be hidden to protect earlier releases are
    shown rounded to this base instead (docs/disclosure.md).
    """

    min_cell: int = 11
    rounding_base: int = 10


@dataclass(frozen=True)
class RiskConfig:
    """Prognostic models of ``dyadlab risk`` (docs/risk.md): each outcome is a
    ``duration/event`` pair of cohort columns, predicted at ``horizons`` (days) from the
    ``predictors`` known at delivery, for the deliveries with ``moud_status`` in
    ``population`` (empty: all); ``groups`` for the fairness checks, ``site`` for
    leave-one-site-out validation, ``n_bootstrap`` resamples for optimism and group intervals.
    """

    outcomes: list[str] = field(
        default_factory=lambda: ["days_on_moud/discontinued", "days_to_overdose/overdose"]
    )
    horizons: list[int] = field(default_factory=lambda: [182, 365])
    predictors: list[str] = field(
        default_factory=lambda: ["age", "C(insurance)", "pmad", "housing_instability", "parity"]
    )
    population: list[str] = field(default_factory=lambda: ["current"])
    groups: list[str] = field(default_factory=lambda: ["race_ethnicity", "insurance"])
    site: str = "site"
    n_bootstrap: int = 200


@dataclass(frozen=True)
class EffectsConfig:
    """Effect analyses of ``dyadlab effects`` (docs/effects.md): ``services`` that start after
    delivery (each with an ``X_start_date`` column) emulated as "started within
    ``grace_days``" vs not, on ``outcome`` (``duration/event``) for the deliveries with
    ``moud_status`` in ``eligibility``; ``exposure`` (a column fixed at delivery) compared
    ``treated`` vs the rest by IPTW; ``covariates`` the baseline confounders."""

    outcome: str = "days_on_moud/discontinued"
    services: list[str] = field(default_factory=lambda: ["peer_recovery_coach"])
    grace_days: int = 30
    horizons: list[int] = field(default_factory=lambda: [182, 365])
    tau: int = 364
    eligibility: list[str] = field(default_factory=lambda: ["current"])
    exposure: str = "moud_group"
    treated: str = "methadone"
    covariates: list[str] = field(
        default_factory=lambda: ["age", "insurance", "pmad", "housing_instability", "parity"]
    )
    n_bootstrap: int = 200


@dataclass(frozen=True)
class StudyConfig:
    """The whole of study.yaml."""

    name: str
    description: str = ""
    data_root: str = "."
    data: DataConfig = field(default_factory=DataConfig)
    codebook: str = "default"
    coders: list[str] = field(default_factory=list)
    store: str = "sqlite:///coding.sqlite"
    outcomes: OutcomesConfig = field(default_factory=OutcomesConfig)
    reports: list[ReportConfig] = field(default_factory=list)
    deid: DeidConfig = field(default_factory=DeidConfig)
    disclosure: DisclosureConfig = field(default_factory=DisclosureConfig)
    risk: RiskConfig = field(default_factory=RiskConfig)
    effects: EffectsConfig = field(default_factory=EffectsConfig)


def load_config(path: Path) -> StudyConfig:
    """Read and check ``path`` (a study.yaml)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StudyError("study.yaml not found", file=path) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise StudyError(
            f"not valid YAML: {getattr(error, 'problem', None) or error}",
            file=path,
            line=mark.line + 1 if mark else None,
        ) from None
    lines: dict[tuple, int] = {}
    if node is not None:
        _record_lines(node, (), lines)
    return parse_config(raw, file=path, lines=lines)


def parse_config(
    raw: Any, *, file: Path | None = None, lines: dict[tuple, int] | None = None
) -> StudyConfig:
    """Build a :class:`StudyConfig` from the parsed YAML mapping."""
    lines = lines or {}
    if not isinstance(raw, dict):
        raise StudyError("study.yaml must be a mapping of keys to values", file=file, line=1)
    return _build(StudyConfig, raw, (), file, lines)


def _build(cls: type, raw: dict, path: tuple, file: Path | None, lines: dict) -> Any:
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    for key in raw:
        if key not in names:
            where = ".".join(map(str, path)) or "the top level"
            close = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else f"; allowed: {', '.join(names)}"
            raise StudyError(
                f"unknown key '{_dotted(path + (key,))}' in {where}{hint}",
                file=file,
                line=lines.get(path + (key,)),
                field=_dotted(path + (key,)),
            )
    values = {}
    for f in dataclasses.fields(cls):
        key_path = path + (f.name,)
        if f.name not in raw:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise StudyError(
                    f"missing required key '{_dotted(key_path)}'",
                    file=file,
                    line=lines.get(path) if path else 1,
                    field=_dotted(key_path),
                )
            continue
        values[f.name] = _convert(hints[f.name], raw[f.name], key_path, file, lines)
    return cls(**values)


def _convert(hint: Any, value: Any, path: tuple, file: Path | None, lines: dict) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _convert(inner, value, path, file, lines)
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            _wrong(path, "a mapping of keys", value, file, lines)
        return _build(hint, value, path, file, lines)
    if origin is list:
        if not isinstance(value, list):
            _wrong(path, f"a list of {_word(args[0])}", value, file, lines)
        return [_convert(args[0], v, path + (i,), file, lines) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            _wrong(path, "a mapping", value, file, lines)
        return dict(value)
    if hint is bool:
        if not isinstance(value, bool):
            _wrong(path, "true or false", value, file, lines)
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            _wrong(path, "a whole number", value, file, lines)
        return value
    if hint is dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            _wrong(path, "a date (YYYY-MM-DD)", value, file, lines)
    if hint is str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            _wrong(path, "text", value, file, lines)
        return str(value)
    return value  # Any


def _wrong(path: tuple, expected: str, value: Any, file: Path | None, lines: dict) -> None:
    raise StudyError(
        f"'{_dotted(path)}' must be {expected}, got {type(value).__name__} {value!r}",
        file=file,
        line=lines.get(path),
        field=_dotted(path),
    )


def _word(hint: Any) -> str:
    if dataclasses.is_dataclass(hint):
        return "mappings"
    return {int: "whole numbers", str: "text", bool: "true/false"}.get(hint, "values")


def _dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _record_lines(node: yaml.Node, path: tuple, lines: dict[tuple, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = path + (key.value,)
            lines[sub] = key.start_mark.line + 1
            if isinstance(value, yaml.MappingNode | yaml.SequenceNode):
                _record_lines(value, sub, lines)
                lines[sub] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record_lines(item, path + (i,), lines)
