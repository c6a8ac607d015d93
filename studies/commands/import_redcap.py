"""REDCap imports.

* ``dyadlab import redcap-dictionary FILE``: a REDCap data dictionary (download or API
  metadata) → Table Schema YAML, written to ``--out`` (atomically) or printed; ``--json``
  prints a summary (:mod:`data_dictionary.redcap`).
* ``dyadlab import redcap-records STUDY EXPORT --mapping MAP.yaml``: a records export →
  the study's deliveries, dispensing and events (:func:`analysis.adapters.from_redcap`,
  whose docstring explains the mapping), validated and written as ``dyadlab import omop``
  writes them (:mod:`studies.commands._study_tables`). ``--dictionary`` (the project's data
  dictionary) lets a labelled export ("CSV (labels)") be read.

Tested in tests/data_dictionary/test_redcap.py and
tests/studies/commands/test_import_redcap_records.py.
"""

from __future__ import annotations

import argparse
import sys

from studies.cli import add_json_flag, print_json


def register(cli) -> None:
    parser = cli.subcommand(
        "import",
        "redcap-dictionary",
        "convert a REDCap data dictionary CSV into a data dictionary (Table Schema YAML)",
        run,
    )
    parser.add_argument("file", metavar="FILE", help="REDCap data dictionary (CSV)")
    parser.add_argument("--out", metavar="SCHEMA.yaml", help="write here (default: print)")
    parser.add_argument(
        "--date-format",
        choices=("ymd", "mdy", "dmy"),
        default="ymd",
        help="the date format chosen for the records export (REDCap's export option; "
        "default ymd, YYYY-MM-DD)",
    )
    parser.add_argument("--table", metavar="NAME", help="table name (default: from FILE)")
    parser.add_argument(
        "--form",
        action="append",
        metavar="FORM",
        help="keep only this instrument's fields (repeatable)",
    )
    add_json_flag(parser)
    records = cli.subcommand(
        "import",
        "redcap-records",
        "read a REDCap records export into the study's deliveries, dispensing and events",
        run_records,
    )
    records.add_argument("study", metavar="STUDY", help="study id or path")
    records.add_argument("export", metavar="EXPORT", help="records export (CSV, raw or labels)")
    records.add_argument(
        "--mapping",
        required=True,
        metavar="MAP.yaml",
        help="which REDCap fields give which dyadlab columns (docs/data-dictionary.md)",
    )
    records.add_argument(
        "--dictionary", metavar="DICT.csv", help="the project's data dictionary (labelled exports)"
    )
    records.add_argument("--site", help="site of every delivery when the mapping gives none")
    records.add_argument(
        "--date-format",
        choices=("ymd", "mdy", "dmy"),
        help="the date format chosen for the export (default: the mapping's date_format, else ymd)",
    )
    records.add_argument(
        "--skip-undelivered",
        action="store_true",
        help="leave out records without a delivery date (e.g. enrolled in pregnancy, not yet "
        "delivered), with their fills and events; counted in the output",
    )
    records.add_argument("--replace", action="store_true", help="replace tables holding rows")
    records.add_argument("--dry-run", action="store_true", help="convert and check, write nothing")
    add_json_flag(records)


def run_records(args: argparse.Namespace) -> int:
    import io

    import pandas as pd
    import yaml

    from analysis.adapters import from_redcap
    from data_dictionary.redcap import decode_text
    from studies import load_study
    from studies.commands._study_tables import check_and_write, complete_deliveries, table_paths
    from studies.errors import StudyError

    study = load_study(args.study, check_files=False)
    targets = table_paths(study, replace=args.replace, dry_run=args.dry_run)
    try:
        mapping = yaml.safe_load(open(args.mapping, encoding="utf-8"))  # noqa: SIM115
    except FileNotFoundError:
        raise StudyError("mapping file not found", file=args.mapping) from None
    except yaml.YAMLError as error:
        raise StudyError(f"not valid YAML: {error}", file=args.mapping) from None
    if not isinstance(mapping, dict):
        raise StudyError("the mapping must be a YAML mapping (deliveries: ...)", file=args.mapping)
    if args.date_format:
        mapping["date_format"] = args.date_format
    frames = {}
    notes: list[str] = []
    for name, path in (("export", args.export), ("dictionary", args.dictionary)):
        if path is None:
            continue
        try:
            text, note = decode_text(open(path, "rb").read())  # noqa: SIM115
        except FileNotFoundError:
            raise StudyError(f"{name} not found", file=path) from None
        if note:
            notes.append(f"{path}: {note}")
        frames[name] = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    result = from_redcap(
        frames["export"], mapping, choice_labels=frames.get("dictionary"), source=str(args.export)
    )
    notes.extend(result.notes)
    deliveries, dispensing, events = result.deliveries, result.dispensing, result.events
    undelivered = deliveries["delivery_date"].isna()
    if undelivered.any() and args.skip_undelivered:
        gone = deliveries.loc[undelivered, "delivery_id"]
        deliveries = deliveries.loc[~undelivered].reset_index(drop=True)
        kept_people = set(deliveries["person_id"])
        n_fills = int((~dispensing["person_id"].isin(kept_people)).sum())
        n_events = int(events["delivery_id"].isin(set(gone)).sum())
        dispensing = dispensing.loc[dispensing["person_id"].isin(kept_people)]
        events = events.loc[~events["delivery_id"].isin(set(gone))]
        shown = ", ".join(map(str, gone.head(5))) + (" ..." if len(gone) > 5 else "")
        notes.append(
            f"{len(gone)} records without a delivery date left out ({shown}), with "
            f"{n_fills} fills and {n_events} events"
        )
    elif undelivered.any():
        first = deliveries.loc[undelivered, "delivery_id"].iloc[0]
        raise StudyError(
            f"{int(undelivered.sum())} records have no delivery date (first: record "
            f"{first!r}); fill them in REDCap, or pass --skip-undelivered to leave them out",
            field="delivery_date",
        )
    if "site" not in deliveries.columns:
        if not args.site:
            raise StudyError(
                "the deliveries need a site: map one (deliveries: {site: FIELD}) or give --site",
                field="site",
            )
        deliveries = deliveries.assign(site=args.site)
    deliveries = complete_deliveries(deliveries, dispensing, notes, "REDCap export")
    tables = {"deliveries": deliveries, "dispensing": dispensing, "events": events}
    check_and_write(tables, targets, str(args.export), dry_run=args.dry_run)
    counts = {name: len(frame) for name, frame in tables.items()}
    if args.json:
        print_json({**counts, "notes": notes, "dry_run": args.dry_run})
    else:
        verb = "would write" if args.dry_run else "wrote"
        print(
            f"{study.id}: {verb} {counts['deliveries']} deliveries, {counts['dispensing']} "
            f"fills, {counts['events']} events from {args.export}"
        )
        for note in notes:
            print(f"  {note}")
    return 0


def run(args: argparse.Namespace) -> int:
    from data_dictionary.files import atomic_write
    from data_dictionary.redcap import redcap_to_schema, schema_to_yaml

    schema = redcap_to_schema(
        args.file, table=args.table, forms=args.form, date_format=args.date_format
    )
    text = schema_to_yaml(schema)
    pii = [f.name for f in schema.fields if f.pii]
    if args.out:
        with atomic_write(args.out) as handle:
            handle.write(text)
    if args.json:
        print_json(
            {
                "table": schema.name,
                "fields": len(schema.fields),
                "types": {f.name: f.type for f in schema.fields},
                "pii": pii,
                "out": args.out,
            }
        )
    elif args.out:
        print(
            f"{args.out}: table {schema.name}, {len(schema.fields)} fields"
            + (f"; identifiers (pii): {', '.join(pii)}" if pii else "")
        )
    else:
        sys.stdout.write(text)
    return 0
