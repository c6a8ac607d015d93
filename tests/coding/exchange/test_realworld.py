"""Real REFI-QDA exports from other tools (tests/fixtures/realworld/qda, sources in its README).

Each file is checked for what a user needs: the right sources, codes, coders and codings, and
codings on the right words — judged against what the project itself says (qc names every
selection by its line; NVivo's comment-per-line layout puts the author's ``@handle`` on the
line before each coded comment), never against this reader's own earlier output.
"""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree

from coding.exchange import ExchangeError, read_qdc, read_qdpx
from coding.exchange._offsets import on_boundary

NS = "{urn:QDA-XML:project:1.0}"


@pytest.fixture(scope="module")
def qda(repo_root):
    return repo_root / "tests" / "fixtures" / "realworld" / "qda"


def _whole_lines(text: str, codings) -> list[tuple[int, int]]:
    return [
        (start, end)
        for start, end in zip(codings["start"], codings["end"], strict=True)
        if (start == 0 or text[start - 1] == "\n") and (end == len(text) or text[end] == "\n")
    ]


# --- NVivo for Windows 12.6: positions in UTF-16 code units ---------------------------------


@pytest.fixture(scope="module")
def nvivo_windows(qda):
    return read_qdpx(qda / "nvivo-win-12.6-vaccine-comments.qdpx")


def test_nvivo_windows_counts_and_detected_unit(nvivo_windows):
    project = nvivo_windows
    assert project.origin == "NVivo for Windows 12.6"
    assert project.positions == "utf16"  # detected, no option given
    found = project.unit_evidence
    assert (found.compared, found.aligned_utf16, found.aligned_codepoints) == (290, 287, 36)
    assert project.corpus.ids == ["videos_10_selected"]
    # The uncoded second source's text was left out of the fixture (see README): warned.
    assert any("videos_selection" in w and "no text found" in w for w in project.warnings)
    assert len(project.codings) == 303  # 303 codings on 188 selections
    assert len(project.codings[["start", "end"]].drop_duplicates()) == 188
    assert len(project.codebook) == 152 and project.codings["code_id"].nunique() == 76
    assert sorted(project.users["coder"]) == ["Gergo", "floriansipos"]
    assert set(project.codings["coder"]) == {"Gergo"}  # NVivo credits the coding's creator
    assert project.codebook.get("covid").parent == "code_1_oltas_tipusa"


def test_nvivo_windows_codings_land_on_the_commented_words(nvivo_windows):
    codings = nvivo_windows.codings
    text = nvivo_windows.corpus.text("videos_10_selected")
    aligned = sum(on_boundary(text, s) and on_boundary(text, e)
                  for s, e in zip(codings["start"], codings["end"], strict=True))  # fmt: skip
    assert aligned == 300  # the other 3 are a coder's part-word selections
    lines = _whole_lines(text, codings)
    assert len(lines) == 274
    # Each whole-line coding is a comment: the line before it is the author's @handle.
    assert all(text[: start - 1].rsplit("\n", 1)[-1].startswith("@") for start, _ in lines)
    first_red = codings[codings["code_id"] == "piros"].iloc[0]
    assert text[first_red.start : first_red.end].startswith(
        "Senkit nem lehet kötelezni oltásra, ilyet csak ostoba"
    )


def test_nvivo_windows_read_as_code_points_lands_mid_word(qda):
    # The failure the override reproduces: 254 of 303 codings on the wrong words.
    project = read_qdpx(qda / "nvivo-win-12.6-vaccine-comments.qdpx", positions="codepoints")
    codings = project.codings
    text = project.corpus.text("videos_10_selected")
    aligned = sum(on_boundary(text, s) and on_boundary(text, e)
                  for s, e in zip(codings["start"], codings["end"], strict=True))  # fmt: skip
    assert len(codings) - aligned == 254
    assert any("as asked, although the selections suggest otherwise" in w for w in project.warnings)
    assert any("selections start and end on word boundaries" in w for w in project.warnings)


# --- NVivo for Mac 15: codebook and sources, no codings -------------------------------------


def test_nvivo_mac_codebook_users_and_empty_sources(qda):
    project = read_qdpx(qda / "nvivo-mac-15-project.qdpx")
    assert project.origin == "NVivo for Mac 15.0.0"
    assert project.positions == "codepoints"
    assert sorted(project.users["coder"]) == ["chrisp", "cp"]
    assert len(project.codebook) == 262
    assert project.codebook.get("competencies").parent == "rq1_definition"
    assert project.codebook.get("programming").parent == "competencies"
    assert len(project.corpus) == 2 and project.codings.empty
    assert sum("the source text is empty" in w for w in project.warnings) == 2


# --- qc 1.3.2: 205 codings on 158 line selections --------------------------------------------


def test_qc_every_selection_is_the_line_it_names(qda):
    path = qda / "qc-1.3.2-demo.qdpx"
    project = read_qdpx(path)
    assert sorted(project.corpus.ids) == ["admin-1", "board_2017"]
    assert len(project.codings) == 205 and project.codings["coder"].unique().tolist() == ["cp"]
    assert len(project.codebook) == 262
    root = etree.fromstring(zipfile.ZipFile(path).read("project.qde"))
    checked = 0
    for source in root.iter(f"{NS}TextSource"):
        [transcript] = [t for t in project.corpus if t.metadata["refi_guid"] == source.get("guid")]
        lines = transcript.text.splitlines(keepends=True)
        codings = project.codings[project.codings["transcript_id"] == transcript.id]
        spans = set(zip(codings["start"], codings["end"], strict=True))
        for selection in source.iter(f"{NS}PlainTextSelection"):
            number = int(selection.get("name").split(":")[1])  # qc names it "line:N"
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert (start, end) in spans
            assert transcript.text[start:end] == lines[number]
            checked += 1
    assert checked == 158


# --- ATLAS.ti Win 23.4 codebook (.qdc) ------------------------------------------------------


def test_atlas_codebook_with_a_code_group(qda):
    warnings: list[str] = []
    book = read_qdc(qda / "atlasti-win-23.4-codebook.qdc", warnings=warnings)
    [code] = list(book)
    assert (code.id, code.name, code.color, code.definition) == (
        "code1", "code1", "#46AA00", "description",
    )  # fmt: skip
    assert warnings == [
        "atlasti-win-23.4-codebook.qdc: set 'code group 1' (1 code(s): code1) is not imported "
        "— dyadlab codebooks have no code groups (the codes themselves are imported)"
    ]


def test_atlas_truncated_codebook_is_refused_with_its_line(qda):
    with pytest.raises(ExchangeError, match=r"line 18: malformed XML"):
        read_qdc(qda / "atlasti-win-23.4-codebook-truncated.qdc")


@pytest.mark.parametrize(
    "namespace",
    [
        "urn:QDA-XML:codebook:1:0",  # NVivo 12 for Mac (the header qc writes to match it)
        "urn:QDA-XML:codebook:0:4",  # ATLAS.ti Win (the truncated export above)
        "urn:QDA-XML:codebook:1.0",
    ],
)
def test_codebook_namespace_spellings_real_tools_write(tmp_path, namespace):
    path = tmp_path / "book.qdc"
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><CodeBook origin="x" xmlns="{namespace}">'
        '<Codes><Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="Stigma" isCodable="true">'
        '<Code guid="B52FB733-B6AF-4B31-BB78-3E733135171A" name="Felt stigma" isCodable="true"/>'
        "</Code></Codes></CodeBook>",
        encoding="utf-8",
    )
    book = read_qdc(path)
    assert book.get("felt_stigma").parent == "stigma"
