"""Hostile or broken .qdpx files: each is refused with a clear error, or warned about."""

from __future__ import annotations

import zipfile

import pytest

from coding.exchange import ExchangeError, Limits, read_qdpx

USER = "44444444-4444-4444-4444-444444444444"
CODE = "55555555-5555-5555-5555-555555555555"


def _project(sources: str = "", extra: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="p">\n'
        f'<Users><User guid="{USER}" name="ann"/></Users>\n'
        f'<CodeBook><Codes><Code guid="{CODE}" name="Stigma" isCodable="true"/></Codes>'
        "</CodeBook>\n"
        f"<Sources>{sources}</Sources>{extra}</Project>"
    ).encode()


def _selection(start: int, end: int, code: str = CODE, guid_digit: str = "2") -> str:
    g = guid_digit * 8 + "-" + "-".join([guid_digit * 4] * 3) + "-" + guid_digit * 12
    c = "3" * 8 + "-" + "-".join(["3" * 4] * 3) + "-" + guid_digit * 12
    return (
        f'<PlainTextSelection guid="{g}" name="sel{guid_digit}" startPosition="{start}" '
        f'endPosition="{end}"><Coding guid="{c}" creatingUser="{USER}">'
        f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
    )


def _archive(path, project: bytes, members: dict[str, bytes] | None = None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project)
        for name, data in (members or {}).items():
            archive.writestr(name, data)
    return path


def _source(selections: str, text_guid: str = "11111111-1111-1111-1111-111111111111") -> str:
    return (
        f'<TextSource guid="{text_guid}" name="T1" plainTextPath="internal://t1.txt">'
        f"{selections}</TextSource>"
    )


TEXT = b"P01: I felt judged by the nurse."


def test_not_a_zip(tmp_path):
    path = tmp_path / "fake.qdpx"
    path.write_text("this is not a zip")
    with pytest.raises(ExchangeError, match="not a .qdpx"):
        read_qdpx(path)


def test_missing_file(tmp_path):
    with pytest.raises(ExchangeError, match="not found"):
        read_qdpx(tmp_path / "nope.qdpx")


def test_malformed_xml_names_the_line(tmp_path):
    path = _archive(tmp_path / "bad.qdpx", b'<?xml version="1.0"?>\n<Project>\n<Users>\n</Project>')
    with pytest.raises(ExchangeError, match=r"line \d+: malformed XML"):
        read_qdpx(path)


def test_not_a_refi_project(tmp_path):
    path = _archive(tmp_path / "other.qdpx", b"<Project name='x'/>")
    with pytest.raises(ExchangeError, match="not a REFI-QDA project"):
        read_qdpx(path)
    empty = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("readme.txt", "hi")
    with pytest.raises(ExchangeError, match="no project.qde"):
        read_qdpx(empty)


def test_zip_slip_is_refused(tmp_path):
    path = _archive(tmp_path / "slip.qdpx", _project(), {"sources/../../../etc/evil.txt": b"pwned"})
    with pytest.raises(ExchangeError, match="unsafe member name"):
        read_qdpx(path)
    absolute = _archive(tmp_path / "abs.qdpx", _project(), {"/tmp/evil.txt": b"pwned"})
    with pytest.raises(ExchangeError, match="unsafe member name"):
        read_qdpx(absolute)
    assert not (tmp_path.parent / "etc").exists()


def test_decompression_bomb_ratio_is_refused(tmp_path):
    path = _archive(tmp_path / "bomb.qdpx", _project(), {"sources/zeros.txt": b"\0" * 20_000_000})
    assert path.stat().st_size < 100_000  # 20 MB of zeros compress ~1000-fold
    with pytest.raises(ExchangeError, match="decompression bomb"):
        read_qdpx(path)


def test_total_size_limit(tmp_path):
    path = _archive(tmp_path / "big.qdpx", _project(), {"sources/t1.txt": TEXT * 100})
    with pytest.raises(ExchangeError, match="exceeds the limit"):
        read_qdpx(path, limits=Limits(max_total_bytes=1000))


def test_entity_declarations_are_refused(tmp_path):
    laughs = (
        b'<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        b'<Project xmlns="urn:QDA-XML:project:1.0" name="&b;"/>'
    )
    with pytest.raises(ExchangeError, match="DOCTYPE"):
        read_qdpx(_archive(tmp_path / "laughs.qdpx", laughs))
    external = (
        b'<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b'<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>'
    )
    with pytest.raises(ExchangeError, match="DOCTYPE|external entity"):
        read_qdpx(_archive(tmp_path / "xxe.qdpx", external))


def test_selection_past_end_is_warned_and_skipped(tmp_path):
    good = TEXT.index(b"I felt")
    sources = _source(_selection(good, good + 27) + _selection(5, 500, guid_digit="6"))
    path = _archive(tmp_path / "past.qdpx", _project(sources), {"sources/t1.txt": TEXT})
    project = read_qdpx(path)
    assert len(project.codings) == 1
    row = project.codings.iloc[0]
    assert project.corpus.text("T1")[row.start : row.end] == "I felt judged by the nurse."
    assert any("sel6" in w and "outside the text" in w for w in project.warnings)


def test_unknown_code_and_missing_text_are_warned(tmp_path):
    sources = _source(_selection(0, 3, code="99999999-9999-9999-9999-999999999999"))
    sources += (
        '<TextSource guid="77777777-7777-7777-7777-777777777777" name="T2" '
        'plainTextPath="internal://missing.txt"/>'
        '<PDFSource guid="88888888-8888-8888-8888-888888888888" name="scan.pdf"/>'
    )
    extra = '<Sets><Set guid="12345678-1234-1234-1234-123456789012" name="s"/></Sets>'
    path = _archive(tmp_path / "warn.qdpx", _project(sources, extra), {"sources/t1.txt": TEXT})
    project = read_qdpx(path)
    assert project.codings.empty
    text = " | ".join(project.warnings)
    assert "unknown code" in text
    assert "'internal://missing.txt' is not in the archive" in text
    assert "PDF source 'scan.pdf' is not imported" in text
    assert "set 's' (empty) is not imported" in text
    assert project.corpus.ids == ["T1"]


def test_capitalised_sources_folder_and_relative_path(tmp_path):
    # Known interop pitfall (REFI README): some tools write "Sources/" and bare file names.
    good = TEXT.index(b"judged")
    source = (
        '<TextSource guid="11111111-1111-1111-1111-111111111111" plainTextPath="interview.txt">'
        f"{_selection(good, good + 6)}</TextSource>"
    )
    path = _archive(tmp_path / "caps.qdpx", _project(source), {"Sources/interview.txt": TEXT})
    project = read_qdpx(path)
    assert project.corpus.ids == ["interview"]  # named after its file when unnamed
    row = project.codings.iloc[0]
    assert project.corpus.text("interview")[row.start : row.end] == "judged"
    assert (row.coder, row.code_id) == ("ann", "stigma")


def test_bad_colour_and_malformed_variable_are_warned(tmp_path):
    project = (
        b'<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="p">'
        b'<CodeBook><Codes><Code guid="55555555-5555-5555-5555-555555555555" name="A" '
        b'isCodable="true" color="red"/><Code guid="66666666-5555-5555-5555-555555555555" '
        b'name="B" isCodable="true" color="#0f0"/></Codes></CodeBook>'
        b'<Variables><Variable guid="77777777-5555-5555-5555-555555555555" name="age" '
        b'typeOfVariable="Integer"/></Variables>'
        b'<Cases><Case guid="88888888-5555-5555-5555-555555555555" name="P 01">'
        b'<VariableValue><VariableRef targetGUID="77777777-5555-5555-5555-555555555555"/>'
        b"<IntegerValue>thirty</IntegerValue></VariableValue></Case></Cases></Project>"
    )
    result = read_qdpx(_archive(tmp_path / "odd.qdpx", project))
    assert result.codebook.get("a").color is None
    assert result.codebook.get("b").color == "#00ff00"
    assert result.participants["participant_id"].tolist() == ["P_01"]
    text = " | ".join(result.warnings)
    assert "colour 'red'" in text and "'age' is malformed" in text


def test_project_file_named_after_the_project(tmp_path):
    # ATLAS.ti 26 names the project file after the project ("Trial.qde"): read, with a note.
    path = tmp_path / "atlas.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Trial.qde", _project())
    assert "not 'project.qde'" in " ".join(read_qdpx(path).warnings)
    # Two such files: which one is the project is not clear, so the archive is refused.
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("Other.qde", _project())
    with pytest.raises(ExchangeError, match="2 project files"):
        read_qdpx(path)
