"""merge_codebook / adopt_codebook: a project's codes mapped onto a study's by name."""

from __future__ import annotations

from coding.codebook import Codebook, default_codebook
from coding.exchange import adopt_codebook, merge_codebook


def _project() -> Codebook:
    return Codebook(
        [
            {"id": "barriers_2", "name": "RECOVERY  Barriers"},  # the study's theme
            {"id": "stigma", "name": "Stigma  (felt)", "parent": "barriers_2"},  # new name
            {"id": "transport", "name": "Transport", "parent": "barriers_2"},
            {"id": "maternal_bonding", "name": "Maternal   bonding"},  # study code, top level
        ]
    )


def test_merge_maps_by_name_and_adds_the_rest():
    study = default_codebook()
    merged = merge_codebook(study, _project())
    assert merged.mapping["barriers_2"] == "barriers"
    assert merged.mapping["maternal_bonding"] == "maternal_bonding"
    # "Stigma (felt)" is not the study's "Stigma": added, its id made unique, parent mapped.
    assert merged.mapping["stigma"] == "stigma_2" and merged.mapping["transport"] == "transport"
    assert merged.added == ["stigma_2", "transport"]
    book = merged.codebook
    assert book.get("stigma_2").parent == "barriers" and book.get("transport").parent == "barriers"
    assert book.ids[: len(study)] == study.ids  # the study's codes untouched, in order
    assert all(book.get(code.id) == code for code in study)


def test_merge_is_idempotent():
    study = default_codebook()
    once = merge_codebook(study, _project()).codebook
    twice = merge_codebook(once, _project())
    assert twice.added == [] and twice.codebook.ids == once.ids


def test_adopt_takes_the_project_codebook():
    adopted = adopt_codebook(default_codebook(), _project())
    assert adopted.codebook.ids == _project().ids
    assert adopted.mapping == {code_id: code_id for code_id in _project().ids}


def test_a_dyadlab_export_maps_renamed_codes_by_id():
    study = default_codebook()
    exported = Codebook([{"id": "stigma", "name": "Felt stigma"}])  # renamed since export
    assert merge_codebook(study, exported).mapping["stigma"] == "stigma_2"
    assert merge_codebook(study, exported, match_ids=True).mapping["stigma"] == "stigma"
