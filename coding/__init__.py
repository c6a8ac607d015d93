"""Qualitative coding: transcripts, codebook, coding store, reliability, exploration."""

from __future__ import annotations

from typing import Any

__all__ = ["Corpus", "Transcript", "load_corpus", "read_transcript"]


def __getattr__(name: str) -> Any:
    # Imported on first use so that `import coding.errors` stays light.
    if name == "Corpus":
        from coding.transcripts._corpus import Corpus

        return Corpus
    if name in ("Transcript", "load_corpus", "read_transcript"):
        from coding import transcripts

        return getattr(transcripts, name)
    raise AttributeError(f"module 'coding' has no attribute {name!r}")
