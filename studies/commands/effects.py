"""``dyadlab effects STUDY``: what the supports appear to do.

For each service of study.yaml ``effects.services`` (with an ``X_start_date`` column): the
emulated target trial "started within ``grace_days`` of delivery" vs not, by
clone–censor–weight, with risks at the horizons, their difference and the RMST difference with
person-bootstrap intervals. For the baseline ``exposure`` (``treated`` vs the rest): stabilised
IPTW, balance before/after, the weighted hazard ratio with robust CI and its E-value (a common
outcome: VanderWeele & Ding's HR→RR conversion). analysis.effects; docs/effects.md. The output
holds small counts: apply analysis.disclosure before sharing it outside the research team.

    dyadlab effects demo --json
"""

from __future__ import annotations

from studies.cli import add_json_flag, print_json
from studies.commands.risk import _clean, _records


def register(cli) -> None:
    parser = cli.command(
        "effects", "Effects of services (emulated trials) and of exposures (IPTW)", run
    )
    parser.add_argument("study", metavar="STUDY", help="study id (e.g. demo) or path")
    parser.add_argument(
        "--bootstrap",
        type=int,
        default=None,
        metavar="N",
        help="bootstrap resamples (default: study.yaml effects.n_bootstrap)",
    )
    add_json_flag(parser)


def effects_summary(cohort, settings, n_bootstrap: int) -> dict:
    """The ``dyadlab effects`` result for a cohort and an :class:`EffectsConfig`."""
    from analysis import effects
    from studies.errors import StudyError

    duration, _, event = settings.outcome.partition("/")
    if not event:
        raise StudyError(f"effects.outcome: expected 'duration/event', got {settings.outcome!r}")
    data = cohort
    if settings.eligibility:
        data = cohort[cohort["moud_status"].isin(settings.eligibility)]
    data = data.copy()
    data[event] = data[event].astype(int)
    out = {
        "outcome": settings.outcome,
        "eligibility": list(settings.eligibility),
        "n": len(data),
        "services": [],
        "exposure": None,
    }
    for service in settings.services:
        column = f"{service}_start_date"
        if column not in data.columns:
            raise StudyError(f"effects.services: the cohort has no column {column}")
        res = effects.clone_censor_weight(
            data,
            duration,
            event,
            column,
            settings.covariates,
            grace_days=settings.grace_days,
            horizons=settings.horizons,
            tau=settings.tau,
            n_bootstrap=n_bootstrap,
        )
        out["services"].append(
            {
                "service": service,
                "grace_days": settings.grace_days,
                "counts": {k: _clean(v) for k, v in res.counts.items()},
                "estimates": _records(res.estimates),
            }
        )
    if settings.exposure in data.columns:
        fit = effects.iptw_survival(
            data, duration, event, settings.exposure, settings.treated, settings.covariates
        )
        hr = fit.hazard_ratio
        # VanderWeele & Ding: the HR -> RR conversion for an outcome above 15% by the end of
        # follow-up (discontinuation); a rare outcome (overdose) uses the HR as an RR
        common = bool(data[event].mean() > 0.15)
        evalue = effects.evalue(
            hr["hr"], hr["lower"], hr["upper"], measure="HR", common_outcome=common
        )
        out["exposure"] = {
            "exposure": settings.exposure,
            "treated": settings.treated,
            "hazard_ratio": {k: _clean(hr[k]) for k in ("hr", "lower", "upper", "p")},
            "evalue": {k: _clean(v) for k, v in evalue.items()} | {"common_outcome": common},
            "balance": _records(fit.balance.reset_index()),
            "weights": _records(fit.weights.reset_index()),
        }
    return out


def run(args) -> int:
    from studies import load_study

    study = load_study(args.study)
    settings = study.config.effects
    n_boot = args.bootstrap if args.bootstrap is not None else settings.n_bootstrap
    result = {"study": str(args.study), **effects_summary(study.cohort(), settings, n_boot)}
    if args.json:
        print_json(result)
        return 0
    print(
        f"Effects on {result['outcome']}: {result['n']} deliveries "
        f"(moud_status in {result['eligibility']})"
    )
    for s in result["services"]:
        c = s["counts"]
        print(
            f"\n{s['service']} started within {s['grace_days']} days vs not "
            f"(clone-censor-weight; {c['eligible']} eligible, {c['started_within_grace']} "
            f"started in time, {c['bootstrap_replicates']} bootstrap resamples)"
        )
        for e in s["estimates"]:
            lo, hi = e["lower"], e["upper"]
            ci = "" if lo is None else f" ({lo:.3f} to {hi:.3f})"
            print(
                f"  {e['measure']} day {e['day']}: service {e['service']:.3f}, "
                f"no service {e['no_service']:.3f}, difference {e['difference']:.3f}{ci}"
            )
    x = result["exposure"]
    if x:
        h, ev = x["hazard_ratio"], x["evalue"]
        print(
            f"\n{x['exposure']} = {x['treated']} vs rest (stabilised IPTW): HR {h['hr']:.2f} "
            f"({h['lower']:.2f}-{h['upper']:.2f}); E-value {ev['evalue']:.2f} "
            f"(CI {ev['evalue_ci']:.2f})"
        )
        worst = max(abs(b["smd_weighted"]) for b in x["balance"])
        print(f"  largest |SMD| after weighting {worst:.3f}")
    return 0
