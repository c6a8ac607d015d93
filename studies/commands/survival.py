"""``dyadlab survival STUDY``: MOUD retention after delivery (Kaplan–Meier and Cox).

Prints retention by MOUD type at 30/90/180/365 days with median days retained, the log-rank
test, and the Cox model for discontinuation with covariates from study.yaml
``outcomes.cox_covariates`` (default: MOUD type, age, PMAD, housing instability, peer recovery
coach, insurance), clustered on person; then the cumulative incidence of overdose by MOUD type
with death from other causes as a competing risk, and Gray's test. ``--json`` prints the same
as JSON; ``--out FILE`` writes that JSON to a file (atomically).

    dyadlab survival demo --json
    dyadlab survival demo --out reports/demo/survival.json
"""

from __future__ import annotations

import logging

from studies.cli import add_json_flag, print_json

log = logging.getLogger(__name__)


def register(cli) -> None:
    parser = cli.command(
        "survival",
        "MOUD retention after delivery: Kaplan-Meier by MOUD type and a Cox model",
        run,
    )
    parser.add_argument("study", metavar="STUDY", help="study id (e.g. demo) or path")
    parser.add_argument(
        "--times",
        type=float,
        nargs="+",
        default=[30, 90, 180, 365],
        metavar="DAY",
        help="days at which to report retention (default 30 90 180 365)",
    )
    parser.add_argument(
        "--out",
        metavar="FILE",
        default=None,
        help="also write the summary as JSON to FILE (atomically)",
    )
    add_json_flag(parser)


def run(args) -> int:
    from analysis.summary import overdose_summary, retention_summary
    from studies import load_study

    study = load_study(args.study)
    cohort = study.cohort()
    # As in the reports: a delivery whose person was not observable for the whole lookback
    # window cannot be classed "no MOUD", so it is left out and counted (docs/cohort.md).
    excluded = 0
    if "lookback_observed" in cohort.columns:
        observed = cohort["lookback_observed"].astype("boolean").fillna(True).to_numpy(bool)
        excluded = int((~observed).sum())
        cohort = cohort[observed]
    covariates = study.config.outcomes.cox_covariates
    result = retention_summary(cohort, covariates=covariates, times=args.times)
    result = {"study": str(args.study), "left_out_without_lookback": excluded, **result}
    if {"days_to_overdose", "overdose_status"} <= set(cohort.columns):
        result["overdose"] = overdose_summary(cohort, times=args.times)
    if args.out:
        _write_json(args.out, result)
    if args.json:
        print_json(result)
        return 0
    print(
        f"MOUD retention after delivery: {result['n']} deliveries on MOUD, "
        f"{result['events']} discontinued"
        + (f" ({excluded} deliveries without the full lookback left out)" if excluded else "")
    )
    header = "".join(f"{'day ' + format(t, 'g'):>16}" for t in result["times"])
    print(f"{'MOUD':<24}{'n':>6}{'median (95% CI)':>22}{header}")
    for g in result["km"]:
        median = _fmt(g["median_days"])
        ci = f"{_fmt(g['median_lower'])}-{_fmt(g['median_upper'])}"
        cells = "".join(
            f"{_pct(r['survival']):>7} ({_pct(r['lower'])}-{_pct(r['upper'])})".rjust(16)
            for r in g["retention"]
        )
        print(f"{g['group']:<24}{g['n']:>6}{median + ' (' + ci + ')':>22}{cells}")
    if result.get("logrank", {}).get("p_value") is not None:
        lr = result["logrank"]
        print(f"log-rank chi2 = {lr['statistic']:.2f} on {lr['dof']} df, p = {lr['p_value']:.3g}")
    cox = result["cox"]
    if "error" in cox:
        print(f"\nCox model for discontinuation not estimable: {cox['error']}")
        cox = None
    if cox is not None:
        print(
            f"\nCox model for discontinuation (n = {cox['n']}, events = {cox['events']}, "
            f"robust SE clustered on {cox['cluster']}, C = {_fmt3(cox['concordance'])})"
        )
        print(f"{'term':<40}{'HR':>8}{'95% CI':>18}{'p':>10}")
        for term in cox["terms"]:
            print(
                f"{term['covariate']:<40}{term['hr']:>8.2f}"
                f"{term['lower']:>9.2f}-{term['upper']:<8.2f}{term['p']:>10.3g}"
            )
    if "overdose" in result:
        _print_overdose(result["overdose"], result["times"])
    return 0


def _print_overdose(summary: dict, times) -> None:
    print("\nCumulative incidence of overdose (death from other causes competing), all deliveries")
    header = "".join(f"{'day ' + format(t, 'g'):>20}" for t in times)
    print(f"{'MOUD at delivery':<24}{'n':>6}{'overdoses':>11}{header}")
    for g in summary["groups"]:
        cells = "".join(
            f"{_pct1(r['cif'])} ({_pct1(r['lower'])}-{_pct1(r['upper'])})".rjust(20)
            for r in g["cumulative_incidence"]
        )
        print(f"{g['group']:<24}{g['n']:>6}{g['overdoses']:>11}{cells}")
    if summary.get("gray_test", {}).get("statistic") is not None:
        test = summary["gray_test"]
        print(
            f"Gray's test chi2 = {test['statistic']:.2f} on {test['dof']} df, "
            f"p = {test['p_value']:.3g}"
        )


def _pct1(value) -> str:
    return "NA" if value is None else f"{100 * value:.1f}%"


def _write_json(path: str, payload: dict) -> None:
    import json

    from data_dictionary.files import atomic_write

    def plain(value):  # numpy scalars → Python numbers
        return value.item() if hasattr(value, "item") else str(value)

    with atomic_write(path) as handle:
        json.dump(payload, handle, indent=2, default=plain, allow_nan=False)
        handle.write("\n")
    log.info("wrote %s", path)


def _fmt3(value) -> str:
    return "NA" if value is None else f"{value:.3f}"


def _fmt(value) -> str:
    return "NR" if value is None else f"{value:g}"


def _pct(value) -> str:
    return "NA" if value is None else f"{100 * value:.0f}%"
