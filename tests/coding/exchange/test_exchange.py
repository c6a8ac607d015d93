"""REFI-QDA exchange: round trips, schema validity, real exports from other tools."""

from __future__ import annotations

import zipfile
from datetime import date

import pandas as pd
import pytest
from lxml import etree

from coding.codebook import default_codebook
from coding.exchange import (
    ExchangeError,
    pack_description,
    read_qdc,
    read_qdpx,
    unpack_description,
    write_qdc,
    write_qdpx,
)
from coding.exchange._offsets import detect_unit, normalise_with_map, utf16_to_codepoints
from coding.transcripts._corpus import Corpus
from coding.transcripts._model import Transcript

TEXT_1 = (
    "INTERVIEWER: How was the delivery?\n\n"
    "P01: The nurse said the baby would go through withdrawal because of me. I felt judged.\n\n"
    "INTERVIEWER: And after?\n\n"
    "P01: Holding her made me want to stay on my methadone — café every morning, 🙂 really."
)
TEXT_2 = "INTERVIEWER: Tell me about CPS.\n\nV01: Families fear the report more than the drug."


def _corpus() -> Corpus:
    return Corpus(
        [
            Transcript.from_text("T01", TEXT_1, participant_id="P01", role="patient"),
            Transcript.from_text("T02", TEXT_2, participant_id="V01", role="provider"),
        ]
    )


def _span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def _codings() -> pd.DataFrame:
    rows = []
    for coder, memo in (("coder_a", "judged by staff"), ("coder_b", "")):
        rows.append(("T01", coder, "stigma", *_span(TEXT_1, "I felt judged."), memo))
        rows.append(("T01", coder, "maternal_bonding", *_span(TEXT_1, "Holding her made me"), ""))
    rows.append(("T01", "coder_a", "treatment_engagement", *_span(TEXT_1, "café every"), ""))
    rows.append(("T01", "coder_b", "mental_health", *_span(TEXT_1, "🙂 really."), "emoji ok"))
    rows.append(("T02", "consensus", "cps_barrier", *_span(TEXT_2, "Families fear the report"), ""))
    frame = pd.DataFrame(
        rows, columns=["transcript_id", "coder", "code_id", "start", "end", "memo"]
    )
    frame.insert(0, "coding_id", [f"c{i}" for i in range(len(frame))])
    return frame


PARTICIPANTS = pd.DataFrame(
    {
        "participant_id": ["P01", "V01"],
        "role": ["patient", "provider"],
        "site": ["north", "south"],
        "age": [29, 41],
        "pmad": [True, False],
        "interview_date": pd.to_datetime(["2025-03-01", "2025-03-09"]),
    }
)


@pytest.fixture(scope="module")
def schema(repo_root):
    return etree.XMLSchema(etree.parse(str(repo_root / "coding" / "exchange" / "project.xsd")))


def _project_root(path):
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("project.qde"))


def test_round_trip_is_lossless(tmp_path, schema):
    corpus, book, codings = _corpus(), default_codebook(), _codings()
    path = tmp_path / "study.qdpx"
    warnings = write_qdpx(path, corpus, book, codings, participants=PARTICIPANTS)
    assert warnings == []
    assert schema.validate(_project_root(path)), schema.error_log
    project = read_qdpx(path)
    assert project.warnings == []
    assert project.corpus.ids == ["T01", "T02"]
    for transcript in corpus:
        assert project.corpus.text(transcript.id) == transcript.text
        assert project.corpus[transcript.id].participant_id == transcript.participant_id
        assert project.corpus[transcript.id].role == transcript.role
    assert project.codebook == book  # every code field: id, name, parent, definition, …
    assert project.codebook.sources == {
        key: value
        for key, value in book.sources.items()
        if any(key in code.sources for code in book)
    }
    assert (project.codebook.name, project.codebook.version, project.codebook.description) == (
        book.name,
        book.version,
        book.description,
    )
    columns = ["transcript_id", "coder", "code_id", "start", "end", "memo"]
    got = project.codings[columns].sort_values(columns).reset_index(drop=True)
    want = codings[columns].sort_values(columns).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    emoji = project.codings.query("code_id == 'mental_health'").iloc[0]
    assert project.corpus.text("T01")[emoji.start : emoji.end] == "🙂 really."
    people = project.participants.set_index("participant_id")
    assert people.loc["P01", "site"] == "north"
    assert people.loc["V01", "age"] == 41
    assert bool(people.loc["P01", "pmad"]) is True
    assert people.loc["V01", "interview_date"] == date(2025, 3, 9)


def test_export_for_nvivo_windows_counts_utf16_units(tmp_path, schema):
    corpus, book, codings = _corpus(), default_codebook(), _codings()
    path = tmp_path / "for_nvivo.qdpx"
    write_qdpx(path, corpus, book, codings, positions="utf16")
    assert schema.validate(_project_root(path)), schema.error_log
    emoji = codings[codings["memo"] == "emoji ok"].iloc[0]  # "🙂 really." after one emoji
    positions = {
        (int(s.get("startPosition")), int(s.get("endPosition")))
        for s in _project_root(path).iter("{urn:QDA-XML:project:1.0}PlainTextSelection")
    }
    assert (emoji.start, emoji.end + 1) in positions  # the emoji counts two units
    project = read_qdpx(path)  # read back: the unit is detected, the words are the same
    assert project.positions == "utf16"
    columns = ["transcript_id", "coder", "code_id", "start", "end"]
    left = project.codings[columns].sort_values(columns).reset_index(drop=True)
    right = codings[columns].sort_values(columns).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right, check_dtype=False)


def test_export_is_deterministic_and_names_sources(tmp_path):
    a, b = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    for path in (a, b):
        write_qdpx(path, _corpus(), default_codebook(), _codings())
    assert _project_root(a).attrib == _project_root(b).attrib
    assert etree.tostring(_project_root(a)) == etree.tostring(_project_root(b))
    with zipfile.ZipFile(a) as archive:
        names = archive.namelist()
    assert "project.qde" in names
    assert sum(name.startswith("sources/") and name.endswith(".txt") for name in names) == 2


def test_export_refuses_bad_codings(tmp_path):
    codings = _codings()
    codings.loc[0, "code_id"] = "not_a_code"
    with pytest.raises(ExchangeError, match="not in the codebook"):
        write_qdpx(tmp_path / "x.qdpx", _corpus(), default_codebook(), codings)
    codings = _codings()
    codings.loc[1, "end"] = 10_000
    with pytest.raises(ExchangeError, match="row 2, field 'end'"):
        write_qdpx(tmp_path / "x.qdpx", _corpus(), default_codebook(), codings)
    assert not (tmp_path / "x.qdpx").exists()


def test_qdc_round_trip(tmp_path):
    book = default_codebook()
    path = tmp_path / "codebook.qdc"
    warnings = write_qdc(path, book)
    assert any("name" in w for w in warnings)  # codebook name has no place in a .qdc
    root = etree.parse(str(path)).getroot()
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    assert read_qdc(path) == book


def test_description_packing_round_trip():
    fields = {
        "id": "nows_guilt",
        "definition": "Guilt about the baby's withdrawal.\n\nSecond paragraph.",
        "include": "Self-blame.",
        "exclude": "",
        "examples": ("I did this to her.", "Line one\nline two"),
        "keywords": ("guilt", "my fault"),
        "sources": ("martin2022",),
    }
    text = pack_description(fields, {"martin2022": "Martin CE et al. 2022."})
    assert text.startswith("Guilt about the baby's withdrawal.")
    assert "## Include\nSelf-blame." in text
    unpacked, citations = unpack_description(text)
    assert unpacked == fields | {"exclude": ""}
    assert citations == {"martin2022": "Martin CE et al. 2022."}
    plain, none = unpack_description("A free-text description from NVivo.")
    assert plain["definition"] == "A free-text description from NVivo." and none == {}


# --- offsets --------------------------------------------------------------------------


def test_crlf_and_nfc_normalisation_moves_selections_exactly():
    raw = "A:\r\nCafe\u0301 time\r\nB: x"
    text, position = normalise_with_map(raw)
    assert text == "A:\nCafé time\nB: x"
    start = raw.index("time")
    assert text[position[start] : position[start + 4]] == "time"
    assert text[position[raw.index("B")] :] == "B: x"


def test_utf16_positions():
    text = "a🙂b"
    mapping = utf16_to_codepoints(text)
    assert mapping.tolist() == [0, 1, 1, 2, 3]


def test_detect_unit_from_word_boundaries_then_the_tool():
    text = "Great 🙂 news today. Sad 😢 story here."
    words = [(text.index(w), text.index(w) + len(w)) for w in ("news", "today", "story here")]
    shifted = [(a + 1, b + 1) if a < text.index("😢") else (a + 2, b + 2) for a, b in words]
    found = detect_unit([(text, shifted)], origin="MAXQDA 24")  # positions counted in UTF-16
    assert found.unit == "utf16" and found.decided_by == "evidence"
    assert (found.compared, found.aligned_utf16, found.aligned_codepoints) == (3, 3, 0)
    found = detect_unit([(text, words)], origin="NVivo for Windows 12.6")
    assert found.unit == "codepoints" and found.aligned_codepoints == 3
    # One selection is too thin to overrule what the tool is known to count.
    assert detect_unit([(text, shifted[:1])], origin="MAXQDA 24").unit == "codepoints"
    assert detect_unit([(text, words[:1])], origin="NVivo for Windows 12.6").unit == "utf16"
    # No selection after an emoji: nothing to compare, the tool decides.
    assert detect_unit([(text, [(0, 5)])], origin="NVivo 14").unit == "utf16"
    assert detect_unit([(text, [(0, 5)])], origin="NVivo for Mac 15.0.0").unit == "codepoints"
    assert detect_unit([("plain text", [(0, 5)])], origin="ATLAS.ti").unit == "codepoints"


def test_import_converts_crlf_offsets(tmp_path):
    raw = "INTERVIEWER: Hi.\r\n\r\nP01: I felt judged.\r\n"
    start = raw.index("I felt")
    _write_archive(
        tmp_path / "crlf.qdpx",
        _project_xml(
            '<TextSource guid="11111111-1111-1111-1111-111111111111" name="T9" '
            'plainTextPath="internal://t9.txt">'
            f'<PlainTextSelection guid="22222222-2222-2222-2222-222222222222" '
            f'startPosition="{start}" endPosition="{start + 14}">'
            '<Coding guid="33333333-3333-3333-3333-333333333333" '
            'creatingUser="44444444-4444-4444-4444-444444444444">'
            '<CodeRef targetGUID="55555555-5555-5555-5555-555555555555"/></Coding>'
            "</PlainTextSelection></TextSource>"
        ),
        {"sources/t9.txt": raw.encode()},
    )
    project = read_qdpx(tmp_path / "crlf.qdpx")
    row = project.codings.iloc[0]
    assert project.corpus.text("T9")[row.start : row.end] == "I felt judged."
    assert (row.coder, row.code_id) == ("ann", "stigma_felt")


# --- real exports from other tools (more in test_realworld.py) -------------------------


def test_atlas_export(shared_data):
    project = read_qdpx(shared_data / "refi-qda" / "atlas-target-project.qdpx")
    assert project.origin.startswith("ATLAS.ti")
    ids = project.codebook.ids
    assert ids[0] == "commits" and len(ids) == 3
    assert all(project.codebook.get(i).parent == "commits" for i in ids[1:])
    assert ids[1].startswith("code_2022_05_10")
    assert "Enric_Llagostera" in set(project.users["coder"])
    assert any("Enric Llagostera" in w for w in project.warnings)
    blank = read_qdpx(shared_data / "refi-qda" / "atlas-blank-project.qdpx")
    assert len(blank.codebook) == 0 and len(blank.corpus) == 0


def test_reexport_of_foreign_project_validates(repo_root, tmp_path, schema):
    qda = repo_root / "tests" / "fixtures" / "realworld" / "qda"
    project = read_qdpx(qda / "qc-1.3.2-demo.qdpx")
    path = tmp_path / "again.qdpx"
    write_qdpx(path, project.corpus, project.codebook, project.codings)
    assert schema.validate(_project_root(path)), schema.error_log
    again = read_qdpx(path)
    columns = ["transcript_id", "coder", "code_id", "start", "end"]
    left = again.codings[columns].sort_values(columns).reset_index(drop=True)
    right = project.codings[columns].sort_values(columns).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right)


# --- helpers for hand-made archives -----------------------------------------------------


def _project_xml(sources: str, extra: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="p">'
        '<Users><User guid="44444444-4444-4444-4444-444444444444" name="ann"/></Users>'
        '<CodeBook><Codes><Code guid="55555555-5555-5555-5555-555555555555" '
        'name="Stigma (felt)" isCodable="true"/></Codes></CodeBook>'
        f"<Sources>{sources}</Sources>{extra}</Project>"
    ).encode()


def _write_archive(path, project: bytes, members: dict[str, bytes] | None = None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project)
        for name, data in (members or {}).items():
            archive.writestr(name, data)
    return path
