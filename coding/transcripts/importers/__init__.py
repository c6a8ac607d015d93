"""Transcript importers, one module per source format.

Each importer turns a file into an :class:`ImportedText` — the normalised text, its speaker
turns (character offsets into that text) and the warnings it raised — and
:func:`coding.transcripts.read_transcript` wraps that into a
:class:`~coding.transcripts._model.Transcript`.

- :mod:`coding.transcripts.importers.text` — plain text (``.txt``, ``.md``, ``.text``), decoding,
  normalisation and speaker-label detection shared by every format;
- :mod:`coding.transcripts.importers.word` — Word ``.docx`` (python-docx);
- :mod:`coding.transcripts.importers.captions` — WebVTT ``.vtt`` and SubRip ``.srt``, read
  tolerantly by :mod:`coding.transcripts.importers._cues` (no text is dropped where a file
  breaks the format);
- :mod:`coding.transcripts.importers.table` — CSV, one turn a row.
"""

from coding.transcripts.importers.base import ImportedText

__all__ = ["ImportedText"]
