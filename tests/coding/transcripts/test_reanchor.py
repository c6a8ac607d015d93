"""Re-anchoring codings when a transcript's text changes (difflib opcodes)."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from coding.transcripts import TranscriptError, reanchor

OLD = "P01: I felt judged by the nurses.\n\nINTERVIEWER: Why?\n\nP01: My coach helped me."


def _spans(*quotes: str, text: str = OLD) -> pd.DataFrame:
    rows = []
    for number, quote in enumerate(quotes, start=1):
        start = text.index(quote)
        rows.append(
            {
                "coding_id": number,
                "code_id": f"c{number}",
                "start": start,
                "end": start + len(quote),
            }
        )
    return pd.DataFrame(rows)


def test_identical_text_is_unchanged():
    spans = _spans("judged", "My coach helped")
    moved, report = reanchor(OLD, OLD, spans)
    assert moved[["start", "end"]].equals(spans[["start", "end"]])
    assert (report.n_unchanged, report.n_moved, report.n_broken) == (2, 0, 0)
    assert report.ok


def test_insertion_before_spans_moves_them():
    new = OLD.replace("P01: I felt", "P01: Honestly, I felt")
    spans = _spans("judged", "My coach helped", "P01")
    moved, report = reanchor(OLD, new, spans)
    # hand-counted: "P01: I felt " is 12 characters, so "judged" was [12, 18); "Honestly, " adds 10
    assert (moved.start[0], moved.end[0]) == (22, 28)
    assert (moved.start[1], moved.end[1]) == (spans.start[1] + 10, spans.end[1] + 10)
    assert (moved.start[2], moved.end[2]) == (0, 3)
    assert moved.reanchor.tolist() == ["moved", "moved", "unchanged"]
    assert report.summary() == "1 unchanged, 2 moved, 0 broken"
    for row in moved.itertuples():
        assert new[row.start : row.end] == OLD[spans.start[row.Index] : spans.end[row.Index]]
    assert moved.coding_id.tolist() == [1, 2, 3]


def test_edit_inside_span_is_broken_and_listed():
    new = OLD.replace("judged by the nurses", "judged by the nurse staff")
    spans = _spans("judged by the nurses", "My coach helped")
    moved, report = reanchor(OLD, new, spans)
    assert moved.reanchor.tolist() == ["broken", "moved"]
    assert report.n_broken == 1 and not report.ok
    broken = report.broken.iloc[0]
    assert broken.old_text == "judged by the nurses"
    assert broken.new_text.startswith("judged by the nurse")
    assert broken.coding_id == 1
    assert report.to_dict()["broken_spans"][0]["old_start"] == 12


def test_deleted_span_is_broken():
    new = OLD.replace("INTERVIEWER: Why?\n\n", "")
    spans = _spans("Why?", "My coach")
    moved, report = reanchor(OLD, new, spans)
    assert moved.reanchor.tolist() == ["broken", "moved"]
    assert new[moved.start[1] : moved.end[1]] == "My coach"
    assert 0 <= moved.start[0] <= moved.end[0] <= len(new)


def test_change_on_same_line_before_span_is_character_level():
    old = "P01: the cafe was closed so I used again"
    new = "P01: the café was closed so I used again"  # one character replaced on the line
    spans = _spans("I used again", text=old)
    moved, report = reanchor(old, new, spans)
    assert moved.reanchor.tolist() == ["unchanged"]
    new2 = "P01: the coffee shop was closed so I used again"
    moved, _ = reanchor(old, new2, spans)
    assert moved.reanchor.tolist() == ["moved"]
    assert new2[moved.start[0] : moved.end[0]] == "I used again"


def test_empty_span_and_bad_span():
    spans = pd.DataFrame({"start": [5], "end": [5]})
    moved, _ = reanchor(OLD, "XX" + OLD, spans)
    assert (moved.start[0], moved.end[0]) == (7, 7)
    with pytest.raises(TranscriptError, match="outside the old text"):
        reanchor(OLD, OLD, pd.DataFrame({"start": [0], "end": [10_000]}))
    with pytest.raises(TranscriptError, match="lack column"):
        reanchor(OLD, OLD, pd.DataFrame({"begin": [0]}))


def test_long_transcript_is_fast():
    lines = [
        f"P01: this is sentence number {i} about the clinic and the baby." for i in range(20_000)
    ]
    old = "\n\n".join(lines)
    edited = list(lines)
    edited[100] = "P01: a corrected line."
    edited.insert(5000, "INTERVIEWER: an added probe?")
    new = "\n\n".join(edited)
    quotes = [lines[i][5:] for i in range(0, 20_000, 40)]
    starts = [old.index(lines[i]) + 5 for i in range(0, 20_000, 40)]
    spans = pd.DataFrame(
        {"start": starts, "end": [s + len(q) for s, q in zip(starts, quotes, strict=True)]}
    )
    started = time.process_time()
    moved, report = reanchor(old, new, spans)
    assert time.process_time() - started < 10
    assert report.n_broken == 0
    assert report.n_unchanged == 3  # spans before the edit on line 100 (lines 0, 40, 80)
    for row, quote in zip(moved.itertuples(), quotes, strict=True):
        assert new[row.start : row.end] == quote


def test_offset_map_span_widens_over_changed_edges():
    from coding.transcripts._reanchor import OffsetMap

    old = "A: Jane Doe said hi to Jane Doe"
    new = "A: [NAME] said hi to [NAME]"
    offsets = OffsetMap(old, new)
    start, end = offsets.span(3, len(old))  # the turn starts and ends with a redacted name
    assert new[start:end] == "[NAME] said hi to [NAME]"
    assert offsets.exact(old.index("said")) == new.index("said")
    assert offsets.exact(old.index("Jane")) is None
