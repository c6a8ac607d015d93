"""Time-varying exposure and covariates: the counting-process form, dated services, landmarks.

* :func:`counting_process` splits each delivery's follow-up into ``(start, stop]`` rows with
  ``on_moud`` (supply covers the day, or it is within ``grace_days`` after a supply end) and
  one 0/1 column per dated service (started by then), for ``cox(..., start="start")``.
* A *dated service* is a delivery column ``X`` that has a start-date column
  ``X_start_date`` (home visiting, a peer recovery coach: they may start after delivery).
  Such a column is not a baseline covariate of a model whose time zero is delivery: naming it
  credits the service with the days before it started, which the person had to survive
  (immortal-time bias). :func:`check_baseline_covariates` refuses it; ``X_at_delivery`` (the
  service had started by the delivery date) is the baseline version.
* :func:`landmark` moves time zero to ``days`` after delivery, keeps the deliveries still
  followed then and sets each dated service to "started by the landmark", which a landmark
  model may use.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis._validation import require_columns
from analysis.errors import AnalysisError, CohortWarning

START_SUFFIX = "_start_date"


def dated_services(frame: pd.DataFrame) -> dict[str, str]:
    """``{service column: its start-date column}`` for every ``X`` with ``X_start_date``."""
    return {
        column[: -len(START_SUFFIX)]: column
        for column in frame.columns
        if isinstance(column, str)
        and column.endswith(START_SUFFIX)
        and column[: -len(START_SUFFIX)] in frame.columns
    }


def _bare(term: str) -> str:
    """The column a model term names: ``C(insurance)`` -> ``insurance``."""
    term = term.strip()
    if term.startswith("C(") and term.endswith(")"):
        term = term[2:-1].split(",")[0].strip()
    return term


def window_end(name: str, window: Any) -> float:
    """The last day (days from delivery) of a stated ascertainment window ``[first, last]``
    (``first`` may be ``None``: open); an :class:`AnalysisError` naming the covariate when
    the window is not two numbers in order."""
    ok = isinstance(window, list | tuple) and len(window) == 2
    try:
        first = None if not ok or window[0] is None else float(window[0])
        last = float(window[1]) if ok else np.nan
    except (TypeError, ValueError):
        ok = False
    if not ok or np.isnan(last) or (first is not None and first > last):
        raise AnalysisError(
            f"the ascertainment window of {name} must be [first_day, last_day] in days from "
            f"delivery (first_day may be empty), got {window!r}",
            field=name,
        )
    return last


def check_baseline_covariates(
    frame: pd.DataFrame,
    covariates: Iterable[str],
    windows: Mapping[str, Any] | None = None,
) -> None:
    """Refuse covariates that are not known at delivery as baseline covariates of a model
    with time zero at delivery (raises :class:`AnalysisError` naming them and saying why).

    * A dated service (``X`` with ``X_start_date``) is refused: it may start after delivery.
      A frame made by :func:`landmark` may use the services it re-derived.
    * ``windows`` (default ``frame.attrs["covariate_windows"]``, which ``Study.cohort()``
      fills from ``outcomes.covariate_windows`` of study.yaml) maps a covariate to its
      ascertainment window ``[first_day, last_day]`` in days from delivery. When windows are
      stated, a covariate whose window ends after delivery (``last_day > 0``) is refused, and
      so is one with no stated window. The cohort's own baseline columns
      (``moud_at_delivery``, ``X_at_delivery``, …: ``frame.attrs["derived_windows"]``) need
      no statement.
    * When no window is stated at all, a :class:`analysis.errors.CohortWarning` names the
      covariates whose ascertainment is unknown (a diagnosis recorded after delivery would
      carry immortal time).

    Tested in tests/analysis/cohort/test_time_varying.py.
    """
    covariates = list(covariates)
    services = dated_services(frame)
    allowed = set(frame.attrs.get("known_by_landmark", ()))
    _check_windows(frame, [_bare(term) for term in covariates], windows, services, allowed)
    for term in covariates:
        name = _bare(term)
        if name in services and name not in allowed:
            raise AnalysisError(
                f"{name} may start after delivery (its start date is {services[name]}): as a "
                "baseline covariate of a model with time zero at delivery it credits the service "
                "with the days before it started, days the person had to survive to receive it "
                f"(immortal-time bias). Use {name}_at_delivery (started by delivery), the "
                "time-varying form from counting_process(), or a landmark model "
                "(analysis.cohort.landmark)",
                field=name,
            )


def _check_windows(
    frame: pd.DataFrame,
    names: list[str],
    windows: Mapping[str, Any] | None,
    services: dict[str, str],
    allowed: set[str],
) -> None:
    stated = frame.attrs.get("covariate_windows") if windows is None else windows
    derived = {**frame.attrs.get("derived_windows", {})}
    derived.update({name: [None, float(frame.attrs.get("landmark_days", 0))] for name in allowed})
    wanted = [n for n in names if n not in services or n in allowed]
    if stated is None:
        unknown = [n for n in wanted if n not in derived]
        if unknown:
            warnings.warn(
                f"no ascertainment window is stated for {', '.join(unknown)}: a baseline "
                "covariate must be measured by delivery (state outcomes.covariate_windows in "
                "study.yaml, or pass windows=)",
                CohortWarning,
                stacklevel=3,
            )
        return
    known = {**derived, **stated}
    limit = float(frame.attrs.get("landmark_days", 0))
    missing = [n for n in wanted if n not in known]
    late = [n for n in wanted if n in known and window_end(n, known[n]) > limit]
    if late:
        raise AnalysisError(
            f"{', '.join(late)}: ascertainment window ends after "
            + ("delivery" if not limit else f"the landmark (day {limit:g})")
            + " (last day "
            + ", ".join(f"{window_end(n, known[n]):g}" for n in late)
            + "), so as a baseline covariate it would use what happened after time zero "
            "(immortal-time bias); use a version measured by delivery or a time-varying form",
            field=late[0],
        )
    if missing:
        raise AnalysisError(
            f"no ascertainment window is stated for {', '.join(missing)}: a baseline "
            "covariate must be measured by delivery; state it in outcomes.covariate_windows "
            "of study.yaml ([first_day, last_day], days from delivery, last_day <= 0)",
            field=missing[0],
        )


def landmark(cohort: pd.DataFrame, days: int, *, duration: str, event: str) -> pd.DataFrame:
    """Deliveries still followed ``days`` after delivery, with time zero moved there.

    Keeps rows with ``duration > days`` (no event and no censoring by the landmark),
    subtracts ``days`` from ``duration``, and sets every dated service ``X`` to "started on or
    before the landmark date", so ``cox`` may use it as a baseline covariate. ``event`` is
    only checked to exist.

    >>> at_90 = landmark(cohort, 90, duration="days_to_overdose", event="overdose")
    >>> bool((at_90["days_to_overdose"] > 0).all())
    True
    """
    require_columns(cohort, ["delivery_date", duration, event])
    if days < 0:
        raise AnalysisError(f"landmark days must be >= 0, got {days}", field="days")
    out = cohort[pd.to_numeric(cohort[duration]) > days].copy()
    out[duration] = out[duration] - days
    at = pd.to_datetime(out["delivery_date"]) + pd.to_timedelta(int(days), unit="D")
    services = dated_services(out)
    for service, start in services.items():
        started = pd.to_datetime(out[start]) <= at
        out[service] = (out[service].astype("boolean").fillna(False) & started).astype(bool)
    out.attrs = {**cohort.attrs, "landmark_days": int(days), "known_by_landmark": list(services)}
    return out


def _intervals(
    cohort: pd.DataFrame, supply: pd.DataFrame, grace_days: int, lag_days: int = 0
) -> pd.DataFrame:
    """Supply intervals ``[a, b)`` in days from each delivery (``b`` extended by the grace,
    both moved ``lag_days`` later)."""
    if {"fill_date", "days_supply"} <= set(supply.columns):
        start = pd.to_datetime(supply["fill_date"])
        end = start + pd.to_timedelta(supply["days_supply"], unit="D")
    else:
        require_columns(supply, ["person_id", "start", "end"])
        start, end = pd.to_datetime(supply["start"]), pd.to_datetime(supply["end"])
    spans = pd.DataFrame(
        {"person_id": supply["person_id"].astype(str), "s": start.to_numpy(), "e": end.to_numpy()}
    )
    base = cohort[["delivery_id", "person_id", "delivery_date"]].copy()
    base["person_id"] = base["person_id"].astype(str)
    base["delivery_date"] = pd.to_datetime(base["delivery_date"]).astype("datetime64[ns]")
    pairs = base.merge(spans, on="person_id", how="inner")
    pairs["a"] = (pairs["s"] - pairs["delivery_date"]).dt.days + int(lag_days)
    pairs["b"] = (pairs["e"] - pairs["delivery_date"]).dt.days + int(grace_days) + int(lag_days)
    return pairs[["delivery_id", "a", "b"]]


def _merged(pairs: pd.DataFrame, limits: dict[Any, float]) -> dict[Any, list[tuple[int, int]]]:
    """Per delivery, the union of its intervals clipped to ``[0, max(limit, 1)]``, in order
    (vectorised: sort, running maximum of the ends, a new span where a start passes it)."""
    limit = pairs["delivery_id"].map(limits).fillna(0).to_numpy(float)
    a = np.maximum(pairs["a"].to_numpy(float), 0)
    b = np.minimum(pairs["b"].to_numpy(float), np.maximum(limit, 1))
    keep = b > a
    frame = pd.DataFrame({"delivery_id": pairs["delivery_id"].to_numpy()[keep], "a": a[keep],
                          "b": b[keep]})  # fmt: skip
    if frame.empty:
        return {}
    frame = frame.sort_values(["delivery_id", "a", "b"], kind="mergesort")
    reach = frame.groupby("delivery_id", sort=False)["b"].cummax()
    before = reach.groupby(frame["delivery_id"], sort=False).shift()
    span = (before.isna() | (frame["a"] > before)).cumsum()
    merged = frame.groupby(span, sort=False).agg(
        delivery_id=("delivery_id", "first"), a=("a", "min"), b=("b", "max")
    )
    spans: dict[Any, list[tuple[int, int]]] = {}
    for key, x, y in zip(merged["delivery_id"], merged["a"], merged["b"], strict=True):
        spans.setdefault(key, []).append((int(x), int(y)))
    return spans


def counting_process(
    cohort: pd.DataFrame,
    supply: pd.DataFrame,
    *,
    duration: str = "days_to_overdose",
    event: str = "overdose",
    covariates: Sequence[str] = (),
    grace_days: int = 0,
    services: Sequence[str] | None = None,
    lag_days: int = 0,
    recent_off_days: int | None = None,
) -> pd.DataFrame:
    """Split each delivery's follow-up into ``(start, stop]`` rows with time-varying
    ``on_moud`` and dated services, for a Cox model with time-varying covariates (R
    ``coxph(Surv(start, stop, event) ~ on_moud)``).

    ``supply`` is either dispensing (``person_id, fill_date, days_supply``: each fill covers
    ``[fill_date, fill_date + days_supply)``) or episodes (``person_id, start, end``). A day
    counts as on MOUD when supply covers it or it falls within ``grace_days`` after a supply
    end. ``event`` (0/1, or a status where 1 is the event) is 1 only on a delivery's last row
    when it equals 1. An event on the delivery day (duration 0) gets the row ``(0, 0.5]``.
    ``services`` (default: every dated service of ``cohort``) become 0/1 columns, 1 from the
    day the service started (``X_start_date - delivery_date``, from day 0 when it started by
    delivery).

    ``lag_days`` lags the exposure (on MOUD on day t when the supply, with its grace, covered
    day t - lag_days), so that an overdose that interrupts treatment is not counted as
    happening off it. ``recent_off_days`` adds ``recent_off`` = 1 on off-MOUD rows within that
    many days after a supply (and grace) end — e.g. 28 for weeks 1–4 after stopping, when
    mortality is highest (Cornish et al. 2010) — splitting off-time into recent and later.

    Returns ``delivery_id, person_id, start, stop, on_moud, event`` (and ``recent_off``), the
    services, and ``covariates`` (baseline values repeated on each row).

    >>> rows = counting_process(cohort, fills, grace_days=7, covariates=["age"])
    >>> list(rows.columns[:6])
    ['delivery_id', 'person_id', 'start', 'stop', 'on_moud', 'event']
    """
    require_columns(cohort, ["delivery_id", "person_id", "delivery_date", duration, event])
    for name, value in (("grace_days", grace_days), ("lag_days", lag_days),
                        ("recent_off_days", recent_off_days or 0)):  # fmt: skip
        if value < 0:
            raise AnalysisError(f"{name} must be >= 0, got {value}", field=name)
    found = dated_services(cohort)
    chosen = list(found) if services is None else list(services)
    for name in chosen:
        if name not in found:
            raise AnalysisError(
                f"{name} is not a dated service (no {name}{START_SUFFIX} column)", field=name
            )
    totals = dict(zip(cohort["delivery_id"], pd.to_numeric(cohort[duration]), strict=True))
    pieces = _intervals(cohort, supply, grace_days, lag_days)
    spans = _merged(pieces, totals)
    stops: dict[Any, list[int]] = (
        pieces.groupby("delivery_id")["b"].apply(lambda b: sorted(set(b))).to_dict()
        if recent_off_days
        else {}
    )
    starts = {
        name: (
            pd.to_datetime(cohort[found[name]]) - pd.to_datetime(cohort["delivery_date"])
        ).dt.days.where(cohort[name].astype("boolean").fillna(False).to_numpy())
        for name in chosen
    }
    service_days = {
        name: dict(zip(cohort["delivery_id"], np.clip(days.to_numpy(float), 0, None), strict=True))
        for name, days in starts.items()
    }
    records = []
    for delivery, person, total, outcome in zip(
        cohort["delivery_id"], cohort["person_id"], cohort[duration], cohort[event], strict=True
    ):
        total = int(total)
        cuts = {0, total}
        for x, y in spans.get(delivery, []):
            cuts.update((x, y))
        begin = {name: service_days[name][delivery] for name in chosen}
        cuts.update(int(d) for d in begin.values() if not np.isnan(d) and 0 < d < total)
        ends = stops.get(delivery, [])
        cuts.update(int(y + recent_off_days) for y in ends if 0 < y + recent_off_days < total)
        points = sorted(c for c in cuts if 0 <= c <= total)
        covered = spans.get(delivery, [])
        rows = []
        if total == 0:
            points = [0, 0.5]
        for a, b in zip(points[:-1], points[1:], strict=False):
            on = int(any(x <= a < y for x, y in covered))
            flags = [int(not np.isnan(begin[n]) and begin[n] <= a) for n in chosen]
            if recent_off_days:
                recent = int(not on and any(y <= a < y + recent_off_days for y in ends))
                flags = [recent, *flags]
            rows.append([delivery, person, a, b, on, 0, *flags])
        rows[-1][5] = int(pd.notna(outcome) and int(outcome) == 1)
        records.extend(rows)
    extra_columns = ["recent_off"] if recent_off_days else []
    out = pd.DataFrame(
        records,
        columns=[
            "delivery_id", "person_id", "start", "stop", "on_moud", "event",
            *extra_columns, *chosen,
        ],
    )  # fmt: skip
    if covariates:
        require_columns(cohort, list(covariates))
        extra = cohort[["delivery_id", *[c for c in covariates if c not in chosen]]]
        out = out.merge(extra, on="delivery_id", how="left")
    return out
