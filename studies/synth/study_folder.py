"""Write a synthetic cohort as a study folder (the layout of docs/architecture.md)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from data_dictionary.files import atomic_write
from studies.errors import StudyError
from studies.synth.generate import DISPENSING_COLUMNS, SynthCohort
from studies.synth.tables import GZIP_LEVEL, GZIP_LEVEL_LARGE, write_csv, write_csv_gz

log = logging.getLogger(__name__)

STUDY_YAML = """\
name: Synthetic study (seed {seed})
description: >
  Synthetic cohort made by `dyadlab synth --seed {seed} --deliveries {n}`: {n} deliveries,
  MOUD dispensing, outcome events and interview participants. No real person is described.
data:
  deliveries: data/deliveries.csv
  dispensing: data/dispensing.csv.gz
  events: data/events.csv
  participants: data/participants.csv
{transcript_lines}codebook: default
coders: [coder_a, coder_b]
outcomes:
  gap_days: 30
  follow_up_days: 365
  index_event: delivery
  carryover: false
  moud_window_days: 30
  lookback_days: 90
  grace_days: 7
{data_end_line}  gap_sensitivity: [7, 14, 30, 60, 90]
reports:
  - {{template: study_report}}
deid:
  required_on_import: false
"""
#: Above this many deliveries the dispensing file is compressed fast rather than small.
LARGE_STUDY = 200_000
TRANSCRIPT_LINES = "  transcripts: transcripts/manifest.csv\n  codings: codings.csv\n"


#: Written into every synthetic study; its presence lets `dyadlab synth` overwrite the folder.
MARKER = "data/SYNTHETIC.json"
#: Files `write_study` replaces (relative to the study folder).
OUTPUTS = (
    "data/deliveries.csv",
    "data/dispensing.csv.gz",
    "data/events.csv",
    "data/participants.csv",
    "transcripts/manifest.csv",
    "codings.csv",
)


@dataclass
class WriteSummary:
    """What :func:`write_study` wrote: row counts per table and the paths (for ``--json``)."""

    directory: str
    seed: int
    rows: dict[str, int] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    transcripts: int | None = None
    study_yaml_written: bool = False


def prepare_folder(directory: str | Path, force: bool = False) -> Path:
    """Check that ``directory`` may receive a synthetic study and create ``data/`` in it.

    Raises :class:`~studies.errors.StudyError` when the folder holds data files that
    ``dyadlab synth`` did not write (unless ``force``), or cannot be created.
    """
    directory = Path(directory)
    _check_overwrite(directory, force)
    try:
        (directory / "data").mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StudyError(
            f"cannot create the study folder: {error.strerror or error}", file=directory
        ) from error
    return directory


def _check_overwrite(root: Path, force: bool) -> None:
    """Refuse to replace study data that ``dyadlab synth`` did not write (it may be real)."""
    if force or (root / MARKER).exists():
        return
    for relative in OUTPUTS:
        if (root / relative).exists():
            raise StudyError(
                f"this study folder holds data that dyadlab synth did not write (no {MARKER}); "
                "refusing to overwrite it (use --force to replace it with synthetic data)",
                file=root / relative,
            )


def _load_interview_generator():
    try:
        from studies.synth.transcripts import generate_interviews
    except ImportError as error:
        log.warning("transcript generator not available (%s); writing no transcripts", error)
        return None
    return generate_interviews


def write_study(
    directory: str | Path, cohort: SynthCohort, transcripts: bool = True, force: bool = False
) -> WriteSummary:
    """Write ``cohort`` into ``directory`` (tables in ``data/``, transcripts, codings).

    Every file is written atomically. ``study.yaml`` is written only when the folder has
    none. ``data/SYNTHETIC.json`` marks the folder as synthetic (seed and sizes); data
    files in a folder without that marker are never replaced unless ``force`` is true, so
    a real study cannot be overwritten by mistake (:class:`~studies.errors.StudyError`).
    Transcripts and codings come from :func:`studies.synth.transcripts.generate_interviews`
    when ``transcripts`` is true and that module is available.

    >>> from studies.synth import generate_cohort, write_study
    >>> summary = write_study("my_study", generate_cohort(500, seed=1), transcripts=False)
    >>> sorted(path.name for path in Path("my_study/data").iterdir())
    ['SYNTHETIC.json', 'deliveries.csv', 'dispensing.csv.gz', 'events.csv', 'participants.csv']
    """
    root = prepare_folder(directory, force)
    was_synthetic = (root / MARKER).exists()
    summary = WriteSummary(directory=str(root), seed=cohort.seed)
    try:
        marker = {
            "generator": "dyadlab synth",
            "note": "Synthetic data: no real person is described.",
            "seed": cohort.seed,
            "deliveries": len(cohort.deliveries),
            "participants": len(cohort.participants),
            "data_end": None if cohort.data_end is None else str(cohort.data_end),
        }
        with atomic_write(root / MARKER) as handle:
            handle.write(json.dumps(marker, indent=2) + "\n")
        _write_tables(root, cohort, summary)
        if transcripts:
            _write_transcripts(root, cohort, summary, remove_stale=was_synthetic)
        study_yaml = root / "study.yaml"
        if not study_yaml.exists():
            lines = TRANSCRIPT_LINES if summary.transcripts is not None else ""
            with atomic_write(study_yaml) as handle:
                handle.write(
                    STUDY_YAML.format(
                        seed=cohort.seed,
                        n=len(cohort.deliveries),
                        transcript_lines=lines,
                        data_end_line=""
                        if cohort.data_end is None
                        else f"  data_end: {cohort.data_end}\n",
                    )
                )
            summary.study_yaml_written = True
        summary.paths["study_yaml"] = str(study_yaml)
    except OSError as error:
        where = getattr(error, "filename", None) or root
        raise StudyError(f"cannot write: {error.strerror or error}", file=where) from error
    return summary


def _write_tables(root: Path, cohort: SynthCohort, summary: WriteSummary) -> None:
    data = root / "data"
    for name, frame in (
        ("deliveries", cohort.deliveries),
        ("events", cohort.events),
        ("participants", cohort.participants),
    ):
        path = data / f"{name}.csv"
        summary.rows[name] = write_csv(path, frame)
        summary.paths[name] = str(path)
    path = data / "dispensing.csv.gz"
    level = GZIP_LEVEL if len(cohort.deliveries) <= LARGE_STUDY else GZIP_LEVEL_LARGE
    chunks = tqdm(
        cohort.dispensing_chunks(),
        total=cohort.n_dispensing_chunks,
        desc="dispensing",
        unit="chunk",
        disable=None if cohort.n_dispensing_chunks > 1 else True,  # None: only on a terminal
    )
    summary.rows["dispensing"] = write_csv_gz(path, chunks, DISPENSING_COLUMNS, level=level)
    summary.paths["dispensing"] = str(path)


def _write_transcripts(
    root: Path, cohort: SynthCohort, summary: WriteSummary, remove_stale: bool
) -> None:
    """Transcripts, manifest and codings; with ``remove_stale`` (the folder was already
    synthetic) transcript files of an earlier run that the new manifest does not list are
    deleted, so a regenerated study has exactly its manifest's files."""
    generate_interviews = _load_interview_generator()
    if generate_interviews is None:
        return
    interviews = generate_interviews(cohort.participants, cohort.deliveries, cohort.seed)
    folder = root / "transcripts"
    manifest = interviews.manifest.copy()
    if "file" not in manifest.columns:
        manifest["file"] = manifest["transcript_id"].astype(str) + ".txt"
    files = dict(zip(manifest["transcript_id"], manifest["file"], strict=True))
    for transcript_id, text in sorted(interviews.texts.items()):
        with atomic_write(folder / files.get(transcript_id, f"{transcript_id}.txt")) as handle:
            handle.write(text)
    for name, frame, path in (
        ("transcripts", manifest, folder / "manifest.csv"),
        ("codings", interviews.codings, root / "codings.csv"),
    ):
        with atomic_write(path) as handle:
            frame.to_csv(handle, index=False, lineterminator="\n", date_format="%Y-%m-%d")
        summary.rows[name] = len(frame)
        summary.paths[name] = str(path)
    summary.transcripts = len(interviews.texts)
    if remove_stale:
        keep = {(folder / name).resolve() for name in files.values()}
        for stale in sorted(folder.glob("*.txt")):
            if stale.resolve() not in keep:
                log.info("removing %s (not in the new manifest)", stale)
                stale.unlink()
