"""Transcript import: reading 1,000 generated transcripts, per transcript, against a baseline
of reading the same raw files (bytes + UTF-8 decode) in the same run.

Measured: ``read_transcript`` (decode, normalise, find turns), ``load_corpus`` (manifest +
participants join), ``corpus.turns()``, and ``dyadlab import transcripts`` into a fresh study
(in-process; writes text files, manifest, participants). ``--quick`` uses 100 transcripts.
"""

from __future__ import annotations

import contextlib
import io
import random
import shutil
import tempfile
import time
from pathlib import Path

_PHRASE = (
    "so the nurse was kind about the baby and the methadone you know like I was scared "
    "they would take her but my peer coach called every day and the clinic helped with "
    "rides honestly it was hard the withdrawal scores and the NICU stay I felt guilty"
)
WORDS = _PHRASE.split(" ")


def _generate(folder: Path, n: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        participant = f"P{i:04d}"
        turns = []
        for _ in range(rng.randint(30, 60)):
            turns.append("INTERVIEWER: " + " ".join(rng.choices(WORDS, k=rng.randint(5, 20))))
            turns.append(f"{participant}: " + " ".join(rng.choices(WORDS, k=rng.randint(20, 90))))
        path = folder / f"{participant}.txt"
        path.write_text("\n\n".join(turns) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def _timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def main(quick: bool = False) -> None:
    from coding.transcripts import load_corpus, read_transcript
    from studies.cli import main as dyadlab

    n = 100 if quick else 1000
    root = Path(tempfile.mkdtemp(prefix="dyadlab-bench-import-"))
    try:
        paths = _generate(root / "raw", n)
        size = sum(p.stat().st_size for p in paths)
        words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
        print(f"{n} transcripts, {size / 1e6:.1f} MB, {words / n:,.0f} words each on average")

        raw, _ = _timed(lambda: [p.read_bytes().decode("utf-8") for p in paths])
        read, transcripts = _timed(
            lambda: [read_transcript(p, participant_id=p.stem, role="patient") for p in paths]
        )
        turns_total = sum(len(t.turns) for t in transcripts)

        study = root / "study"
        (study / "data").mkdir(parents=True)
        (study / "study.yaml").write_text(
            "name: bench\ndata:\n  participants: data/participants.csv\n"
            "  transcripts: transcripts/manifest.csv\n",
            encoding="utf-8",
        )
        (study / "data" / "participants.csv").write_text(
            "participant_id,role,site,person_id,provider_type,interview_date\n"
            + "".join(f"{p.stem},patient,A,,,\n" for p in paths),
            encoding="utf-8",
        )
        with contextlib.redirect_stdout(io.StringIO()):  # one line per transcript
            imported, status = _timed(
                lambda: dyadlab(["import", "transcripts", str(study), *map(str, paths)])
            )
        assert status == 0
        import pandas as pd

        participants = pd.read_csv(study / "data" / "participants.csv", dtype=str)
        loaded, corpus = _timed(
            lambda: load_corpus(study / "transcripts" / "manifest.csv", participants)
        )
        tabled, frame = _timed(corpus.turns)
        assert len(corpus) == n and len(frame) == turns_total

        print(f"{'step':44} {'total':>9} {'per transcript':>15} {'vs raw read':>12}")
        for label, seconds in [
            ("baseline: read bytes + decode UTF-8", raw),
            ("read_transcript (decode, normalise, turns)", read),
            ("load_corpus (manifest + participants)", loaded),
            ("corpus.turns() DataFrame", tabled),
            ("dyadlab import transcripts (writes study)", imported),
        ]:
            print(
                f"{label:44} {seconds:8.2f}s {seconds / n * 1000:12.2f} ms {seconds / raw:11.1f}×"
            )
        print(f"{turns_total:,} turns; import throughput {size / 1e6 / imported:.1f} MB/s")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
