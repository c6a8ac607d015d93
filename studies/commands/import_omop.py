"""``dyadlab import omop STUDY PATH``: an OMOP CDM extract → the study's deliveries, dispensing
and events tables.

PATH is a folder of CDM tables (CSV with comma or tab, Parquet) or a DuckDB file
(:func:`analysis.adapters.omop_files.read_omop_extract`); the conversion rules are those of
:func:`analysis.adapters.omop.from_omop`. The deliveries get the columns the study's data
dictionary requires: ``site`` (``--site``, or ``care_site_<id>`` from the person's care
site) and ``moud`` as recorded at delivery; validation and writing are those of
:mod:`studies.commands._study_tables` (nothing written unless every table is valid;
existing non-empty tables replaced only with ``--replace``).
Tested in tests/studies/commands/test_import_omop.py.
"""

from __future__ import annotations

import argparse

from studies.cli import add_json_flag, print_json


def register(cli) -> None:
    parser = cli.subcommand(
        "import",
        "omop",
        "read an OMOP CDM extract (CSV, TSV, Parquet or DuckDB) into the study's deliveries, "
        "dispensing and events",
        run,
    )
    parser.add_argument("study", metavar="STUDY", help="study id or path")
    parser.add_argument(
        "path", metavar="PATH", help="folder of CDM tables (CSV/TSV/Parquet) or a DuckDB file"
    )
    parser.add_argument(
        "--delivery-concepts",
        metavar="IDS",
        help="comma-separated concept ids of deliveries (descendants included when "
        "concept_ancestor is in the extract; default 4014295 Single live birth)",
    )
    parser.add_argument("--overdose-concepts", metavar="IDS", help="concept ids of overdoses")
    parser.add_argument(
        "--return-to-use-concepts", metavar="IDS", help="concept ids of return to use"
    )
    parser.add_argument(
        "--otp-days",
        action="append",
        default=[],
        metavar="CODE=DAYS",
        help="days per unit of an OTP HCPCS code (e.g. H0020=7 where it is billed weekly); "
        "repeatable",
    )
    parser.add_argument(
        "--default-days-supply",
        action="append",
        default=[],
        metavar="DRUG=DAYS",
        help="days supply of MOUD exposures that have neither days_supply nor an end date "
        "(e.g. naltrexone=31 for an injection); repeatable",
    )
    parser.add_argument("--site", help="site of every delivery (default: the person's care site)")
    parser.add_argument(
        "--replace", action="store_true", help="replace tables that already hold rows"
    )
    parser.add_argument("--dry-run", action="store_true", help="convert and check, write nothing")
    add_json_flag(parser)


def run(args: argparse.Namespace) -> int:
    from analysis.adapters._otp import OTP_PROCEDURES
    from analysis.adapters.omop import DELIVERY_CONCEPTS, from_omop
    from analysis.adapters.omop_files import read_omop_extract
    from studies import load_study
    from studies.commands._study_tables import check_and_write, complete_deliveries, table_paths
    from studies.errors import StudyError

    study = load_study(args.study, check_files=False)
    targets = table_paths(study, replace=args.replace, dry_run=args.dry_run)
    from analysis.adapters.omop import MOUD_INGREDIENTS

    read_notes: list[str] = []
    wanted = [
        *MOUD_INGREDIENTS,
        *(_ids(args.delivery_concepts) or DELIVERY_CONCEPTS),
        *_ids(args.overdose_concepts),
        *_ids(args.return_to_use_concepts),
    ]
    try:
        tables = read_omop_extract(args.path, read_notes, ancestors=wanted)
    except ValueError:
        raise StudyError(
            "concept ids must be numbers, e.g. --delivery-concepts 4015701,4128031",
            field="--delivery-concepts",
        ) from None
    otp = dict(OTP_PROCEDURES)
    for code, days in _pairs(args.otp_days, "--otp-days").items():
        code = code.upper()
        if code not in otp:
            raise StudyError(
                f"--otp-days: unknown OTP code {code!r}; codes: {', '.join(sorted(otp))}",
                field="--otp-days",
            )
        otp[code] = (otp[code][0], days)
    result = from_omop(
        tables["person"],
        tables["drug_exposure"],
        condition_occurrence=tables.get("condition_occurrence"),
        procedure_occurrence=tables.get("procedure_occurrence"),
        observation_period=tables.get("observation_period"),
        death=tables.get("death"),
        concept_ancestor=tables.get("concept_ancestor"),
        concept=tables.get("concept"),
        delivery_concepts=_ids(args.delivery_concepts) or tuple(DELIVERY_CONCEPTS),
        overdose_concepts=_ids(args.overdose_concepts),
        return_to_use_concepts=_ids(args.return_to_use_concepts),
        otp_procedures=otp,
    )
    result.notes[:0] = read_notes
    deliveries, dispensing, events = result.deliveries, result.dispensing, result.events
    dispensing = _fill_supply(dispensing, _pairs(args.default_days_supply, "--default-days-supply"))
    deliveries = _with_site(deliveries, tables["person"], args.site)
    deliveries = complete_deliveries(deliveries, dispensing, result.notes, "OMOP extract")
    frames = {"deliveries": deliveries, "dispensing": dispensing, "events": events}
    check_and_write(frames, targets, str(args.path), dry_run=args.dry_run)
    summary = {
        "deliveries": len(deliveries),
        "dispensing": len(dispensing),
        "dispensing_by_source": dispensing["source"].value_counts().to_dict(),
        "events": len(events),
        "with_coverage_start": int(deliveries["coverage_start_date"].notna().sum()),
        "written": None if args.dry_run else {k: str(v) for k, v in targets.items()},
        "notes": result.notes,
    }
    if args.json:
        print_json(summary)
    else:
        verb = "would write" if args.dry_run else "wrote"
        sources = ", ".join(f"{k} {v}" for k, v in summary["dispensing_by_source"].items())
        print(
            f"{study.id}: {verb} {len(deliveries)} deliveries, {len(dispensing)} fills "
            f"({sources or 'none'}), {len(events)} events from {args.path}"
        )
        for note in result.notes:
            print(f"  {note}")
    return 0


def _ids(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split(",") if p.strip())


def _pairs(items: list[str], option: str) -> dict[str, int]:
    from studies.errors import StudyError

    out = {}
    for item in items:
        key, equals, value = item.partition("=")
        if not equals or not value.strip().isdigit() or int(value) < 1:
            raise StudyError(f"{option} expects KEY=DAYS (DAYS ≥ 1), got {item!r}", field=option)
        out[key.strip()] = int(value)
    return out


def _fill_supply(dispensing, defaults: dict[str, int]):
    from studies.errors import StudyError

    if defaults:
        fill = dispensing["drug"].map(defaults)
        dispensing = dispensing.assign(
            days_supply=dispensing["days_supply"].fillna(fill).astype("Int64")
        )
    lacking = dispensing["days_supply"].isna()
    if lacking.any():
        drugs = dispensing.loc[lacking, "drug"].value_counts().to_dict()
        raise StudyError(
            f"{int(lacking.sum())} MOUD records have neither days_supply nor an end date "
            f"({', '.join(f'{d} {n}' for d, n in drugs.items())}); give their supply with "
            f"--default-days-supply {next(iter(drugs))}=DAYS",
            field="days_supply",
        )
    return dispensing


def _with_site(deliveries, person, site: str | None):
    if site:
        return deliveries.assign(site=site)
    from analysis.adapters._omop_columns import text_ids

    care = {}
    if "care_site_id" in person.columns:
        ids = text_ids(person["care_site_id"].fillna("").astype(str))
        care = dict(zip(text_ids(person["person_id"]), ids, strict=True))
    sites = deliveries["person_id"].map(care).fillna("")
    return deliveries.assign(
        site=[f"care_site_{s}" if s not in ("", "nan", "None", "0") else "unknown" for s in sites]
    )
