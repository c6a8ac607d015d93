"""``dyadlab new PATH [--data-root DIR]``: start a study from scratch.

Creates PATH/study.yaml (every key commented), and under the data root (PATH itself, or DIR
— keep real data outside the code repository) empty tables whose headers are the data
dictionary's columns (``data/deliveries.csv``, ``data/dispensing.csv``, ``data/events.csv``,
``data/participants.csv``, ``codings.csv``), a transcripts folder with an empty manifest,
and a ``.gitignore`` that keeps the coding database and ``private/`` out of git. The new
study validates at once (``dyadlab validate PATH``); fill the tables by hand or with
``dyadlab import transcripts|omop|redcap-dictionary``. Tested in
tests/studies/commands/test_new.py.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from studies.cli import add_json_flag, print_json

#: table → file under the data root
TABLE_FILES = {
    "deliveries": "data/deliveries.csv",
    "dispensing": "data/dispensing.csv",
    "events": "data/events.csv",
    "participants": "data/participants.csv",
    "transcripts": "transcripts/manifest.csv",
    "codings": "codings.csv",
}

STUDY_YAML = """\
# {name}: a dyadlab study. Every key is explained in docs/studies.md;
# `dyadlab validate {ref}` checks this file and the tables.
name: {name}
description: >
  What the study is, where its data come from (one paragraph; shown in the reports).

# Where the tables live: absolute, relative to this folder, ~ and $VARIABLES allowed.
# Real data belong outside the code repository (a secure share), e.g.
# data_root: $DYADLAB_DATA/my-study
data_root: {data_root}

# Every table is optional: delete the lines of tables the study does not have
# (a qualitative-only study keeps participants, transcripts and codings).
data:
  deliveries: {deliveries}       # one row per delivery (docs/data-dictionary.md)
  dispensing: {dispensing}       # MOUD fills and OTP doses (.csv, .csv.gz or .parquet)
  events: {events}               # outcome events after delivery
  participants: {participants}   # interviewees
  transcripts: {transcripts}     # transcript manifest; files are relative to it
  codings: {codings}             # coded spans (the coding app's store takes over once used)

codebook: default              # or the path of the study's codebook YAML
coders: []                     # user names of the coders, e.g. [coder_a, coder_b]
store: sqlite:///coding.sqlite # the coding web app's database (or postgresql+psycopg://...)

# Outcome definitions (docs/cohort.md); the values shown are the defaults.
outcomes:
  gap_days: 30                 # uncovered days allowed inside a treatment episode
  follow_up_days: 365
  moud_window_days: 30         # treatment ending this many days before delivery: moud_recent
  lookback_days: 90            # coverage needed before delivery to call a delivery "none"
  grace_days: 7                # days after a supply end still "on MOUD" (on/off comparison)
  # data_end: 2025-06-30       # the end of the data extract (default: the latest record)
  gap_sensitivity: [7, 14, 30, 60, 90]
  # The adjustment of the reports' Cox models; the default is
  # [moud_at_delivery, age, pmad, housing_instability, peer_recovery_coach_at_delivery, insurance].
  # Rows missing any of them are left out of the model: list only columns your data fill.
  # cox_covariates: [moud_at_delivery, age]

# Reports `dyadlab report {ref} --all` renders (docs/reports.md).
reports:
  - {{template: study_report}}

deid:
  required_on_import: false    # true: transcripts are de-identified when imported
"""

GITIGNORE = """\
# never commit these: the coding database and the redaction log hold identifiers
coding.sqlite*
private/
reports/
"""


def register(cli) -> None:
    parser = cli.command(
        "new",
        "start a study: a commented study.yaml, empty tables with the data dictionary's "
        "headers and a transcripts manifest",
        run,
    )
    parser.add_argument("path", metavar="PATH", help="the new study's folder (must not exist)")
    parser.add_argument(
        "--data-root",
        metavar="DIR",
        help="put the tables here instead of in PATH (keep real data outside the repository)",
    )
    parser.add_argument("--name", help="the study's name (default: from PATH)")
    add_json_flag(parser)


def run(args: argparse.Namespace) -> int:
    import data_dictionary as dd
    from data_dictionary.files import atomic_write
    from studies.errors import StudyError

    folder = Path(args.path).expanduser()
    if (folder / "study.yaml").exists():
        raise StudyError("a study already exists here", file=folder / "study.yaml")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise StudyError("not an empty folder: choose a new path", file=folder)
    root = Path(args.data_root).expanduser().resolve() if args.data_root else folder.resolve()
    if root.exists() and not root.is_dir():
        raise StudyError("--data-root is not a folder", file=root)
    written = []
    for relative in TABLE_FILES.values():
        path = root / relative
        if path.exists():
            raise StudyError(
                f"the data root already holds {relative}; choose an empty --data-root",
                file=path,
            )
    stem = re.sub(r"[-_]+", " ", folder.resolve().name).strip()
    name = args.name or (stem[:1].upper() + stem[1:])
    for table, relative in TABLE_FILES.items():
        header = ",".join(dd.load_schema(table).field_names)
        with atomic_write(root / relative) as handle:
            handle.write(header + "\n")
        written.append(str(root / relative))
    folder.mkdir(parents=True, exist_ok=True)
    data_root = str(root) if args.data_root else "."
    with atomic_write(folder / "study.yaml") as handle:
        handle.write(
            STUDY_YAML.format(
                name=_yaml_text(name), ref=args.path, data_root=data_root, **TABLE_FILES
            )
        )
    with atomic_write(folder / ".gitignore") as handle:
        handle.write(GITIGNORE)
    summary = {
        "study": str(folder / "study.yaml"),
        "data_root": str(root),
        "tables": written,
    }
    if args.json:
        print_json(summary)
    else:
        print(f"{folder / 'study.yaml'}: new study {name!r}; tables under {root}")
        print(f"next: fill the tables (docs/studies.md), then `dyadlab validate {args.path}`")
    return 0


def _yaml_text(text: str) -> str:
    """``text`` as a YAML scalar (quoted when YAML would read it otherwise)."""
    import yaml

    return yaml.safe_dump(text, default_style=None, width=1000).strip().removesuffix("...").strip()
