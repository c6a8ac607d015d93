"""coding._validation: one "missing columns" rule for the coding library, and the callers
that route through it raise their own package error naming the frame and the column."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

from coding._validation import require_columns
from coding.codebook import default_codebook, rename_code
from coding.errors import AutocodeError, CodebookError, CodingError
from coding.explore import cooccurrence, turn_codes
from coding.reliability import turn_units
from coding.transcripts._corpus import Corpus
from coding.transcripts._model import Transcript


def test_lists_every_missing_column_and_names_the_first_as_field():
    with pytest.raises(CodingError) as caught:
        require_columns(pd.DataFrame({"b": [1]}), ["a", "b", "c"], name="turns")
    error = caught.value
    assert error.field == "a"
    assert "turns lack column(s) ['a', 'c']; expected ['a', 'b', 'c']" in str(error)
    assert str(pickle.loads(pickle.dumps(error))) == str(error)


def test_a_frame_with_every_column_passes_and_a_non_frame_is_named():
    require_columns(pd.DataFrame(columns=["a", "b"]), ["b", "a"])
    with pytest.raises(CodingError, match="codings must be a pandas DataFrame, got list"):
        require_columns([{"a": 1}], ["a"])


def test_callers_raise_their_package_error_with_the_frame_and_column():
    corpus = Corpus([Transcript.from_text("T1", "I: Hello?\n\nP1: Hi.")])
    no_end = pd.DataFrame({"transcript_id": ["T1"], "coder": ["a"], "code_id": ["x"], "start": [0]})
    for call in (
        lambda: turn_codes(corpus, no_end, coder="a"),
        lambda: turn_units(no_end, corpus),
    ):
        with pytest.raises(CodingError) as caught:
            call()
        assert caught.value.field == "end" and "codings lack column(s) ['end']" in str(caught.value)
    with pytest.raises(CodingError, match=r"turn_codes\(\) output lack column\(s\) \['codes'\]"):
        cooccurrence(pd.DataFrame({"turn": [0]}))
    with pytest.raises(CodebookError) as caught:
        rename_code(default_codebook(), pd.DataFrame({"code": ["stigma"]}), "stigma", "x", who="a")
    assert caught.value.field == "code_id"


def test_autocode_suggestions_name_the_units_frame():
    from coding.autocode import suggestions

    with pytest.raises(AutocodeError) as caught:
        suggestions(object(), pd.DataFrame({"text": ["hi"]}), pd.DataFrame())
    assert caught.value.field == "transcript_id" and "units lack column(s)" in str(caught.value)
