"""``dyadlab import omop STUDY PATH``: an OMOP CDM extract → the study's deliveries, dispensing
and events tables.

PATH is a folder of CDM tables (CSV with comma or tab, Parquet) or a DuckDB file
(:func:`analysis.adapters.omop_files.read_omop_extract`); the conversion rules are those of
:func:`analysis.adapters.omop.from_omop`. The deliveries get the columns the study's data
dictionary requires: ``site`` (``--site``, or ``care_site_<id>`` from the person's care
site) and ``moud`` as recorded at delivery (the drug whose supply covers the delivery date,
the latest fill first; ``none`` when none does). Every table is validated against its data
dictionary before anything is written; the three files are then written atomically to the
paths ``data:`` names in study.yaml. Existing non-empty tables are replaced only with
``--replace``. Tested in tests/studies/commands/test_import_omop.py.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from studies.cli import add_json_flag, print_json

WRITTEN = ("deliveries", "dispensing", "events")


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
    import warnings

    import data_dictionary as dd
    from analysis.adapters._otp import OTP_PROCEDURES
    from analysis.adapters.omop import DELIVERY_CONCEPTS, from_omop
    from analysis.adapters.omop_files import read_omop_extract
    from data_dictionary.files import atomic_write
    from studies import load_study
    from studies.errors import StudyError

    study = load_study(args.study, check_files=False)
    targets = {}
    for name in WRITTEN:
        if not study.has_table(name):
            raise StudyError(
                f"study.yaml sets no data.{name}: add e.g. '{name}: data/{name}.csv' under "
                "'data:' so the imported table has a place",
                file=study.path,
                field=f"data.{name}",
            )
        targets[name] = study.data_path(name)
    busy = [p for p in targets.values() if _has_rows(p)]
    if busy and not args.replace and not args.dry_run:
        raise StudyError(
            f"{', '.join(str(p) for p in busy)} already hold rows; pass --replace to overwrite",
            file=busy[0],
        )
    read_notes: list[str] = []
    tables = read_omop_extract(args.path, read_notes)
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
    deliveries["moud"] = _moud_at_delivery(deliveries, dispensing)
    absent = [f.name for f in dd.load_schema("deliveries").fields if f.name not in deliveries]
    if absent:
        # columns an OMOP extract does not hold: present and empty ("not recorded")
        deliveries = deliveries.assign(**{name: "" for name in absent})
        result.notes.append(
            f"deliveries columns not in an OMOP extract, left empty: {', '.join(absent)}"
        )
    checked = {}
    for name, frame in (("deliveries", deliveries), ("dispensing", dispensing), ("events", events)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", dd.SoftConstraintWarning)
            try:
                checked[name] = dd.validate(frame, name)
            except dd.ValidationError as error:
                from data_dictionary.problems import problem_line

                problems = error.problems
                raise StudyError(
                    f"the {name} made from {args.path} break the data dictionary in "
                    f"{len(problems)} place(s), nothing written; first: "
                    f"{problem_line(problems.iloc[0])}",
                    field=name,
                ) from None
    if not args.dry_run:
        for name, frame in checked.items():
            targets[name].parent.mkdir(parents=True, exist_ok=True)
            out = frame.copy()
            for column in out.columns:
                if str(out[column].dtype).startswith("datetime64"):
                    out[column] = out[column].dt.strftime("%Y-%m-%d")
            text = out.to_csv(index=False)
            compress = "gzip" if targets[name].name.endswith(".gz") else None
            if compress:
                import gzip

                with atomic_write(targets[name], mode="wb", encoding=None) as handle:
                    handle.write(gzip.compress(text.encode("utf-8"), mtime=0))
            else:
                with atomic_write(targets[name]) as handle:
                    handle.write(text)
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


def _has_rows(path: Path) -> bool:
    if not path.exists():
        return False
    import pandas as pd

    try:
        return len(pd.read_csv(path, dtype=str, nrows=1)) > 0
    except (ValueError, OSError):
        return path.stat().st_size > 0


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


def _moud_at_delivery(deliveries, dispensing):
    """The drug whose supply covers the delivery date (the latest such fill), else none."""
    import pandas as pd

    if dispensing.empty:
        return pd.Series("none", index=deliveries.index)
    fills = dispensing.dropna(subset=["days_supply"]).assign(
        end=lambda f: f["fill_date"] + pd.to_timedelta(f["days_supply"].astype(int), unit="D")
    )
    pairs = deliveries[["delivery_id", "person_id", "delivery_date"]].merge(
        fills[["person_id", "fill_date", "end", "drug"]], on="person_id"
    )
    covering = pairs[
        (pairs["fill_date"] <= pairs["delivery_date"]) & (pairs["delivery_date"] < pairs["end"])
    ].sort_values(["delivery_id", "fill_date"], kind="mergesort")
    latest = covering.groupby("delivery_id")["drug"].last()
    return deliveries["delivery_id"].map(latest).fillna("none")
