"""``dyadlab import redcap-dictionary FILE``: a REDCap data dictionary → Table Schema YAML.

Writes the schema to ``--out`` (atomically) or prints it; ``--json`` prints a summary.
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
    parser.add_argument("--table", metavar="NAME", help="table name (default: from FILE)")
    parser.add_argument(
        "--form",
        action="append",
        metavar="FORM",
        help="keep only this instrument's fields (repeatable)",
    )
    add_json_flag(parser)


def run(args: argparse.Namespace) -> int:
    from data_dictionary.files import atomic_write
    from data_dictionary.redcap import redcap_to_schema, schema_to_yaml

    schema = redcap_to_schema(args.file, table=args.table, forms=args.form)
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
