"""Codebook: the default codebook, validation errors with file/line/code, changes with codings."""

from __future__ import annotations

import re
from textwrap import dedent

import pandas as pd
import pytest

from coding.codebook import (
    AuditEntry,
    Code,
    Codebook,
    CodebookError,
    default_codebook,
    load_codebook,
    merge_codes,
    parse_codebook,
    rename_code,
    split_code,
)

THEMES = {
    "recovery_promoters": [
        "maternal_bonding",
        "parenting_support",
        "treatment_engagement",
        "recovery_network",
        "compassionate_care",
    ],
    "barriers": [
        "nows_guilt",
        "mental_health",
        "delivery_pain",
        "pain_misinformation",
        "parenting_stress",
        "stigma",
        "nows_information_gap",
        "provider_mistrust",
        "social_needs",
    ],
    "cps_perception": ["cps_barrier", "cps_promoter"],
}


def test_default_codebook_has_the_contract_ids():
    book = load_codebook("default")
    assert [t.id for t in book.themes()] == list(THEMES)
    for theme, codes in THEMES.items():
        assert [c.id for c in book.children(theme)] == codes
    assert len(book) == 19 and book.codes[0].id == "recovery_promoters"


def test_default_codebook_content_is_complete():
    book = default_codebook()
    colors = [code.color for code in book]
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", c) for c in colors)
    assert len(set(c.upper() for c in colors)) == len(colors)  # distinct
    for code in book:
        assert len(code.definition) > 60, code.id
        assert code.sources, code.id
        assert code.keywords, code.id
        if not code.is_theme:
            assert code.include and code.exclude, code.id
            assert 2 <= len(code.examples) <= 3, code.id
    assert "doi:10.1080/08897077.2021.1944954" in book.sources["martin2022"]


def test_yaml_round_trip_and_frame(tmp_path):
    book = default_codebook()
    path = tmp_path / "codebook.yaml"
    book.to_yaml(path)
    again = load_codebook(path)
    assert again == book
    assert again.sources == book.sources and again.name == book.name
    frame = book.to_frame()
    assert frame.loc[frame.id == "stigma", "theme"].item() == "barriers"
    assert list(frame.columns[:4]) == ["id", "name", "parent", "theme"]
    assert book.theme_of("cps_promoter") == "cps_perception"


def _yaml(codes: str) -> str:
    return "name: test\ncodes:\n" + dedent(codes)


def _error(text: str) -> CodebookError:
    with pytest.raises(CodebookError) as info:
        parse_codebook(text, file="book.yaml")
    return info.value


def test_duplicate_id_names_line_and_code():
    error = _error(
        _yaml(
            """\
            - id: theme_a
            - id: code_b
              parent: theme_a
            - id: code_b
              parent: theme_a
            """
        )
    )
    assert error.line == 6 and error.file == "book.yaml"
    assert "'code_b'" in str(error) and "twice" in str(error) and "line 4" in str(error)


def test_missing_parent_names_code_and_suggests():
    error = _error(
        _yaml(
            """\
            - id: barriers
            - id: stigma
              parent: barrier
            """
        )
    )
    assert error.line == 4 and error.field == "parent"
    assert "'stigma'" in str(error) and "did you mean 'barriers'" in str(error)


def test_cycle_is_reported():
    error = _error(
        _yaml(
            """\
            - id: a_code
              parent: c_code
            - id: b_code
              parent: a_code
            - id: c_code
              parent: b_code
            """
        )
    )
    assert "cycle" in str(error) and "a_code" in str(error)
    assert error.line == 3


@pytest.mark.parametrize(
    ("codes", "needle", "line"),
    [
        ("- id: Bad-Id\n", "snake_case", 3),
        ("- id: ok_code\n  color: red\n", "hex colour", 3),
        ("- id: ok_code\n  colour: '#FFFFFF'\n", "did you mean 'color'", 3),
        ("- id: ok_code\n  examples: 3\n", "list of strings", 3),
        ("- name: no id\n", "has no 'id'", 3),
        ("- id: ok_code\n  sources: [nowhere]\n", "not listed under 'sources'", 3),
    ],
)
def test_field_errors(codes, needle, line):
    error = _error(_yaml(codes))
    assert needle in str(error)
    assert error.line == line


def test_yaml_syntax_and_top_level_errors(tmp_path):
    error = _error("name: x\ncodes:\n  - id: a\n    parent: [unclosed\n")
    assert "not valid YAML" in str(error) and error.line is not None
    error = _error("name: x\ncode:\n  - id: a\n")
    assert "did you mean 'codes'" in str(error) and error.line == 2
    with pytest.raises(CodebookError, match="not found"):
        load_codebook(tmp_path / "missing.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: caf\u00e9\ncodes: []\n".encode("latin-1"))
    with pytest.raises(CodebookError, match="not UTF-8"):
        load_codebook(latin)
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbfname: x\r\ncodes:\r\n  - id: a_code\r\n")
    assert load_codebook(bom).ids == ["a_code"]


CODINGS = pd.DataFrame(
    {
        "coding_id": [1, 2, 3, 4, 5],
        "transcript_id": ["T1", "T1", "T1", "T2", "T2"],
        "coder": ["a", "a", "b", "a", "a"],
        "code_id": ["stigma", "provider_mistrust", "stigma", "stigma", "mental_health"],
        "start": [0, 0, 10, 5, 30],
        "end": [9, 9, 20, 15, 40],
    }
)


def test_rename_code_follows_codings_and_children():
    book, codings, audit = rename_code(
        default_codebook(), CODINGS, "barriers", "recovery_barriers", who="lead"
    )
    assert "barriers" not in book and "recovery_barriers" in book
    assert book.get("stigma").parent == "recovery_barriers"
    book, codings, audit = rename_code(book, CODINGS, "stigma", "felt_stigma", who="lead")
    assert codings.code_id.tolist() == [
        "felt_stigma",
        "provider_mistrust",
        "felt_stigma",
        "felt_stigma",
        "mental_health",
    ]
    assert CODINGS.code_id.iloc[0] == "stigma"  # input unchanged
    assert isinstance(audit[0], AuditEntry)
    assert audit[0].who == "lead" and audit[0].target == "stigma"
    assert audit[0].after["codings_recoded"] == 3
    with pytest.raises(CodebookError, match="exists"):
        rename_code(book, codings, "felt_stigma", "mental_health", who="lead")
    with pytest.raises(CodebookError, match="did you mean"):
        rename_code(book, codings, "stigmaa", "x_y", who="lead")


def test_merge_codes_recodes_and_drops_duplicate_spans():
    book, codings, audit = merge_codes(
        default_codebook(), CODINGS, ["provider_mistrust"], "stigma", who="lead"
    )
    assert "provider_mistrust" not in book
    # coding 2 (coder a, T1, [0, 9)) duplicates coding 1 once recoded -> dropped
    assert codings.coding_id.tolist() == [1, 3, 4, 5]
    assert codings.code_id.tolist() == ["stigma", "stigma", "stigma", "mental_health"]
    assert audit[0].after["codings_recoded"] == [2]
    assert audit[0].after["duplicates_dropped"] == [2]
    assert audit[0].before["codes"][0]["id"] == "provider_mistrust"


def test_merge_theme_moves_children():
    book, _, _ = merge_codes(
        default_codebook(), CODINGS, ["cps_perception"], "barriers", who="lead"
    )
    assert [c.id for c in book.themes()] == ["recovery_promoters", "barriers"]
    assert book.get("cps_barrier").parent == "barriers"
    with pytest.raises(CodebookError, match="descendant"):
        merge_codes(default_codebook(), CODINGS, ["barriers"], "stigma", who="lead")


def test_split_code_moves_each_coding():
    book, codings, audit = split_code(
        default_codebook(),
        CODINGS,
        "stigma",
        [Code("enacted_stigma", "Enacted stigma"), {"id": "internalised_stigma"}],
        {1: "enacted_stigma", 3: "internalised_stigma", 4: "enacted_stigma"},
        who="lead",
    )
    assert "stigma" not in book
    assert [c.id for c in book.children("barriers")][5:7] == [
        "enacted_stigma",
        "internalised_stigma",
    ]
    assert codings.code_id.tolist() == [
        "enacted_stigma",
        "provider_mistrust",
        "internalised_stigma",
        "enacted_stigma",
        "mental_health",
    ]
    assert audit[0].after["codings_moved"] == {
        "enacted_stigma": [1, 4],
        "internalised_stigma": [3],
    }


def test_split_code_refuses_unassigned_codings():
    with pytest.raises(CodebookError, match=r"1 coding\(s\) of 'stigma' are not assigned .*: 4"):
        split_code(
            default_codebook(),
            CODINGS,
            "stigma",
            [{"id": "x_a"}, {"id": "x_b"}],
            {1: "x_a", 3: "x_b"},
            who="lead",
        )
    book, codings, _ = split_code(
        default_codebook(),
        CODINGS,
        "stigma",
        [{"id": "x_a"}],
        lambda row: "x_a" if row.coder == "b" else None,
        who="lead",
        keep=True,
    )
    assert "stigma" in book and "x_a" in book
    assert codings.code_id.tolist()[:3] == ["stigma", "provider_mistrust", "x_a"]


def test_markdown_and_html_escape_text():
    book = Codebook(
        [
            Code("theme_x", "Theme <b>", definition="A | pipe and *stars*"),
            Code(
                "code_y",
                "Code",
                parent="theme_x",
                examples=("<script>alert(1)</script>",),
                color="#123456",
            ),
        ],
        name="Evil <img src=x onerror=alert(1)>",
    )
    markdown = book.to_markdown()
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
    assert r"A \| pipe and \*stars\*" in markdown
    page = book.to_html()
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_constructor_validates():
    with pytest.raises(CodebookError, match="defined twice"):
        Codebook([Code("a_b"), Code("a_b")])
    with pytest.raises(CodebookError, match="not a code in the codebook"):
        Codebook([Code("a_b", parent="c_d")])
