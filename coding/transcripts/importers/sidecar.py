"""Turn sidecars: ``<id>.turns.json`` beside a stored ``<id>.txt``.

When a transcript comes from captions, a CSV or a Word table, or its speaker labels need
custom patterns, re-reading the stored plain text with the default speaker patterns may not
find the same turns, and caption timings would be lost. ``dyadlab import transcripts``
then writes the turns beside the text::

    {"text_sha256": "<hash of the UTF-8 text>",
     "turns": [{"speaker": "Interviewer", "start": 13, "end": 48,
                "metadata": {"start_time": 1.0, "end_time": 3.5, "cues": 1}}, …]}

:func:`coding.transcripts.read_transcript` uses the sidecar of a ``.txt`` file when its hash
matches the text; when the text was edited after import the hash differs, the sidecar is
ignored with a warning and turns are found from the speaker labels again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from coding.errors import TranscriptError
from coding.transcripts._turns import Turn

SUFFIX = ".turns.json"


def sidecar_path(text_path: str | Path) -> Path:
    """``T01.txt`` → ``T01.turns.json``."""
    path = Path(text_path)
    return path.with_name(path.stem + SUFFIX)


def text_hash(text: str) -> str:
    """SHA-256 of the text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sidecar_payload(text: str, turns: list[Turn]) -> str:
    """The sidecar JSON for ``text`` and its ``turns``."""
    payload = {
        "text_sha256": text_hash(text),
        "turns": [
            {"speaker": t.speaker, "start": t.start, "end": t.end, "metadata": t.metadata}
            for t in turns
        ],
    }
    return json.dumps(payload, indent=1, ensure_ascii=False, default=str) + "\n"


def read_sidecar(text_path: str | Path, text: str) -> tuple[list[Turn] | None, list[str]]:
    """Turns from the sidecar of ``text_path``; ``(None, warnings)`` if absent or stale."""
    path = sidecar_path(text_path)
    if not path.is_file():
        return None, []
    try:
        payload: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        stored_hash = payload["text_sha256"]
        records = payload["turns"]
        turns = [
            Turn(
                index=i,
                speaker=str(r["speaker"]),
                start=int(r["start"]),
                end=int(r["end"]),
                metadata=dict(r.get("metadata") or {}),
            )
            for i, r in enumerate(records)
        ]
    except (ValueError, KeyError, TypeError) as error:
        raise TranscriptError(f"turn sidecar is not readable ({error})", file=path) from None
    if stored_hash != text_hash(text):
        return None, [
            f"{path.name} does not match the text (edited after import?); "
            "turns were found from speaker labels instead"
        ]
    return turns, []
