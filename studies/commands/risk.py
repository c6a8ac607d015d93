"""``dyadlab risk STUDY``: validated risk of discontinuation and overdose after delivery.

For each outcome of study.yaml ``risk.outcomes`` (``duration/event`` cohort columns) and each
horizon: the prespecified Cox model's apparent and bootstrap optimism-corrected Harrell's C,
Uno's C, AUC and calibration slope, calibration in the large (O/E), C and O/E by the fairness
groups with bootstrap intervals and a flag for a miscalibrated group, and leave-one-site-out
validation (analysis.risk; docs/risk.md). ``--json`` prints the same as JSON. ``--scores``
also writes the identified scored table for care coordination (risk, tier, main factors in
plain words) with its statement of permitted use to ``data_root/private/``, mode 0600 — never
part of funder output. The output holds
small counts: apply analysis.disclosure before sharing it outside the research team.

    dyadlab risk demo --json
"""

from __future__ import annotations

import logging
import math
import os
from pathlib import Path

from studies.cli import add_json_flag, print_json

log = logging.getLogger(__name__)


def register(cli) -> None:
    parser = cli.command(
        "risk", "Prognostic models of discontinuation and overdose, validated", run
    )
    parser.add_argument("study", metavar="STUDY", help="study id (e.g. demo) or path")
    parser.add_argument(
        "--bootstrap",
        type=int,
        default=None,
        metavar="N",
        help="bootstrap resamples (default: study.yaml risk.n_bootstrap)",
    )
    parser.add_argument(
        "--scores",
        action="store_true",
        help="also write the scored table for care coordination (identified; "
        "first outcome and horizon) to DATA_ROOT/private/, owner-only",
    )
    add_json_flag(parser)


def write_scores(study, cohort, settings) -> Path:
    """Write the care-coordination table and its statement of permitted use beside the
    study's data (``data_root/private/``), readable by the owner only (mode 0600)."""
    from analysis import risk
    from data_dictionary.files import atomic_write
    from studies.errors import StudyError

    duration, _, event = settings.outcomes[0].partition("/")
    horizon = settings.horizons[0]
    data = cohort
    if settings.population:
        data = cohort[cohort["moud_status"].isin(settings.population)]
    data = data.copy()
    data[event] = data[event].astype(int)
    model = risk.fit_risk_model(data, duration, event, settings.predictors, [horizon])
    table = risk.score_table(model, data, horizon)
    folder = study.data_root / "private"
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    written = {}
    for name, text in (
        ("risk_scores.csv", table.to_csv(index=False)),
        ("risk_scores_PERMITTED_USE.txt", risk.PERMITTED_USE),
    ):
        path = folder / name
        if path.exists():
            os.chmod(path, 0o600)
        else:
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        with atomic_write(path) as handle:
            handle.write(text)
        if path.stat().st_mode & 0o077:
            raise StudyError(f"{path} is readable by others; not written safely")
        written[name] = path
    return written["risk_scores.csv"]


def _clean(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def _records(frame) -> list[dict]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _one_model(data, pair, duration, event, horizon, settings, n_bootstrap) -> dict:
    from analysis import risk

    model = risk.fit_risk_model(data, duration, event, settings.predictors, [horizon])
    entry = {
        "outcome": pair,
        "horizon": horizon,
        "apparent": {k: _clean(v) for k, v in risk.performance(model, data, horizon).items()},
    }
    table = risk.optimism_corrected(
        data, duration, event, settings.predictors, horizon, n_bootstrap=n_bootstrap
    )
    entry["optimism_corrected"] = _records(table.reset_index(names="measure"))
    entry["groups"] = {
        g: _records(risk.by_group(model, data, g, horizon, n_bootstrap=n_bootstrap))
        for g in settings.groups
        if g in data.columns
    }
    if settings.site in data.columns and data[settings.site].nunique() > 1:
        entry["by_site"] = _records(
            risk.internal_external(
                data, duration, event, settings.predictors, horizon, site=settings.site
            )
        )
    return entry


def risk_summary(cohort, settings, n_bootstrap: int) -> dict:
    """The ``dyadlab risk`` result for a cohort and a :class:`RiskConfig`."""
    from analysis.errors import AnalysisError
    from studies.errors import StudyError

    population = cohort
    if settings.population:
        population = cohort[cohort["moud_status"].isin(settings.population)]
    out = {"population": list(settings.population), "n": len(population), "models": []}
    for pair in settings.outcomes:
        duration, _, event = pair.partition("/")
        if not event:
            raise StudyError(f"risk.outcomes: expected 'duration/event', got {pair!r}")
        data = population.copy()
        data[event] = data[event].astype(int)
        for horizon in settings.horizons:
            try:
                entry = _one_model(data, pair, duration, event, horizon, settings, n_bootstrap)
            except AnalysisError as error:
                entry = {"outcome": pair, "horizon": horizon, "error": str(error)}
            out["models"].append(entry)
    return out


def run(args) -> int:
    from studies import load_study

    study = load_study(args.study)
    settings = study.config.risk
    n_boot = args.bootstrap if args.bootstrap is not None else settings.n_bootstrap
    cohort = study.cohort()
    result = {"study": str(args.study), **risk_summary(cohort, settings, n_boot)}
    if args.scores:
        path = write_scores(study, cohort, settings)
        result["scores_file"] = str(path)
        log.warning(
            "identified risk scores written to %s (owner-only); read "
            "risk_scores_PERMITTED_USE.txt beside it before any use",
            path,
        )
    if args.json:
        print_json(result)
        return 0
    print(f"Risk models: {result['n']} deliveries (moud_status in {result['population']})")
    for m in result["models"]:
        if "error" in m:
            print(f"\n{m['outcome']} by day {m['horizon']}: not modelled ({m['error']})")
            continue
        corrected = {r["measure"]: r["corrected"] for r in m["optimism_corrected"]}
        a = m["apparent"]
        print(
            f"\n{m['outcome']} by day {m['horizon']}: {a['events']} events; "
            f"Harrell C {a['harrell_c']:.3f} (optimism-corrected {corrected['harrell_c']:.3f}), "
            f"Uno C {a['uno_c']:.3f}, calibration slope corrected {corrected['slope']:.2f}, "
            f"O/E {a['oe_ratio']:.2f}"
        )
        for group, rows in m["groups"].items():
            for r in rows:
                if r.get("harrell_c") is None:
                    print(f"  {group}={r[group]}: n {r['n']}, {r.get('note', '')}")
                    continue
                flag = "  MISCALIBRATED" if r.get("miscalibrated") else ""
                print(
                    f"  {group}={r[group]}: n {r['n']}, C {r['harrell_c']:.2f} "
                    f"({r['c_lower']:.2f}-{r['c_upper']:.2f}), O/E {r['oe_ratio']:.2f} "
                    f"({r['oe_lower']:.2f}-{r['oe_upper']:.2f}){flag}"
                )
        for r in m.get("by_site", []):
            print(f"  left-out site {r['site']}: C {r['harrell_c']:.2f}, O/E {r['oe_ratio']:.2f}")
    return 0
