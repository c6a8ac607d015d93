"""A corpus: the transcripts of a study, by id, with a tidy view of all their turns."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pandas as pd

from coding.errors import TranscriptError
from coding.transcripts._model import Transcript

TURN_COLUMNS = [
    "transcript_id",
    "turn",
    "participant_id",
    "role",
    "speaker",
    "start",
    "end",
    "text",
]


class Corpus:
    """An ordered collection of :class:`~coding.transcripts._model.Transcript` by id.

    >>> from coding.transcripts import Transcript
    >>> corpus = Corpus.from_transcripts([
    ...     Transcript.from_text("T01", "INTERVIEWER: Hi.\\n\\nP01: Hello.", participant_id="P01",
    ...                          role="patient")])
    >>> len(corpus), corpus.ids, corpus.text("T01")[:11]
    (1, ['T01'], 'INTERVIEWER')
    >>> corpus.turns()[["transcript_id", "turn", "speaker", "text"]].values.tolist()
    [['T01', 0, 'INTERVIEWER', 'Hi.'], ['T01', 1, 'P01', 'Hello.']]
    """

    def __init__(self, transcripts: Iterable[Transcript] = ()) -> None:
        self._transcripts: dict[str, Transcript] = {}
        for transcript in transcripts:
            self.add(transcript)

    @classmethod
    def from_transcripts(cls, transcripts: Iterable[Transcript]) -> Corpus:
        """A corpus of ``transcripts`` (ids must be unique)."""
        return cls(transcripts)

    def add(self, transcript: Transcript) -> None:
        """Add one transcript; a duplicate id is an error."""
        if not isinstance(transcript, Transcript):
            raise TranscriptError(
                f"a corpus holds Transcript objects, got {type(transcript).__name__}"
            )
        if transcript.id in self._transcripts:
            raise TranscriptError(
                f"transcript id {transcript.id!r} appears twice", field="transcript_id"
            )
        self._transcripts[transcript.id] = transcript

    def __iter__(self) -> Iterator[Transcript]:
        return iter(self._transcripts.values())

    def __len__(self) -> int:
        return len(self._transcripts)

    def __contains__(self, transcript_id: object) -> bool:
        return transcript_id in self._transcripts

    def __getitem__(self, transcript_id: str) -> Transcript:
        try:
            return self._transcripts[transcript_id]
        except KeyError:
            raise KeyError(
                f"no transcript {transcript_id!r} in the corpus "
                f"({len(self)} transcripts: {', '.join(list(self._transcripts)[:5])}…)"
            ) from None

    def __repr__(self) -> str:
        return f"Corpus({len(self)} transcripts)"

    @property
    def ids(self) -> list[str]:
        """Transcript ids in corpus order."""
        return list(self._transcripts)

    def text(self, transcript_id: str) -> str:
        """The full text of one transcript."""
        return self[transcript_id].text

    def turns(self) -> pd.DataFrame:
        """Every turn of every transcript, one row each.

        Columns: ``transcript_id, turn, participant_id, role, speaker, start, end, text``
        (``turn`` counts from 0 within a transcript; ``text`` is ``text[start:end]``).
        """
        records: dict[str, list] = {column: [] for column in TURN_COLUMNS}
        for transcript in self:
            for turn in transcript.turns:
                records["transcript_id"].append(transcript.id)
                records["turn"].append(turn.index)
                records["participant_id"].append(transcript.participant_id)
                records["role"].append(transcript.role)
                records["speaker"].append(turn.speaker)
                records["start"].append(turn.start)
                records["end"].append(turn.end)
                records["text"].append(transcript.text[turn.start : turn.end])
        frame = pd.DataFrame(records, columns=TURN_COLUMNS)
        return frame.astype({"turn": "int64", "start": "int64", "end": "int64"})

    def to_frame(self) -> pd.DataFrame:
        """One row per transcript: id, participant, role, characters, turns, metadata fields
        (a field holding a dict, such as ``attribution``, becomes one column per key)."""
        rows = []
        for transcript in self:
            row = {
                "transcript_id": transcript.id,
                "participant_id": transcript.participant_id,
                "role": transcript.role,
                "n_characters": len(transcript.text),
                "n_words": len(transcript.text.split()),
                "n_turns": len(transcript.turns),
            }
            for key, value in transcript.metadata.items():
                if isinstance(value, dict):  # e.g. attribution → attribution_turns_to_check
                    for sub, item in value.items():
                        row.setdefault(f"{key}_{sub}", item)
                else:
                    row.setdefault(key, value)
            rows.append(row)
        return pd.DataFrame(rows)
