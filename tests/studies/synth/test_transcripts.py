"""Synthetic interview transcripts: format, offsets, codes, variety, prevalence, reliability.

The turn parser here is written independently of the generator (straight from the contract
in docs/architecture.md, "Transcript text and turns"), so offsets are checked against the
contract, not against the generator's own bookkeeping.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from studies.errors import StudyError
from studies.synth.language import background as bg
from studies.synth.language.grammar import expand, shuffle_clauses, template_flags
from studies.synth.language.patient_bank import PATIENT
from studies.synth.language.provider_bank import PROVIDER
from studies.synth.transcripts import CODES, InterviewSet, generate_interviews
from studies.synth.transcripts._personas import _patient_persona, _provider_persona

N_PATIENTS, N_PROVIDERS = 20, 10
TURN = re.compile(r"(?m)^([A-Z][A-Z0-9]*): ")


def _inputs(seed: int = 11) -> tuple[pd.DataFrame, pd.DataFrame]:
    """~30 participants like the demo study's: 20 patients with cohort deliveries, 10 providers."""
    rng = np.random.default_rng(seed)
    n = N_PATIENTS
    people = [f"PER{i:05d}" for i in range(n)]
    deliveries = pd.DataFrame(
        {
            "delivery_id": [f"D{i:05d}" for i in range(n)],
            "person_id": people,
            "delivery_date": pd.Timestamp("2023-01-01")
            + pd.to_timedelta(rng.integers(0, 300, n), "D"),
            "site": "north",
            "moud": ["methadone", "buprenorphine", "naltrexone", "none"] * (n // 4),
            "infant_nows": [True, False] * (n // 2),
            "cps_report": [i % 3 == 0 for i in range(n)],
            "peer_recovery_coach": rng.random(n) < 0.4,
            "housing_instability": rng.random(n) < 0.3,
            "pmad": rng.random(n) < 0.3,
        }
    )
    types = ["nurse", "physician", "social_worker", "peer_coach", "counselor"]
    participants = pd.DataFrame(
        {
            "participant_id": [f"P{i + 1:02d}" for i in range(n)]
            + [f"V{i + 1:02d}" for i in range(N_PROVIDERS)],
            "role": ["patient"] * n + ["provider"] * N_PROVIDERS,
            "site": "north",
            "person_id": people + [None] * N_PROVIDERS,
            "provider_type": [None] * n + [types[i % 5] for i in range(N_PROVIDERS)],
            "interview_date": pd.Timestamp("2024-03-01"),
        }
    )
    return participants, deliveries


@pytest.fixture(scope="module")
def inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    return _inputs()


@pytest.fixture(scope="module")
def interviews(inputs) -> InterviewSet:
    return generate_interviews(*inputs, seed=20261127)


@pytest.fixture(scope="module")
def turns(interviews) -> pd.DataFrame:
    """One row per turn: transcript_id, turn, speaker, start, end (utterance offsets)."""
    rows = []
    for transcript_id, text in interviews.texts.items():
        paragraphs = text.rstrip("\n").split("\n\n")
        offset = 0
        for number, paragraph in enumerate(paragraphs):
            match = TURN.match(paragraph)
            assert match, f"{transcript_id} paragraph {number} has no speaker label"
            start = offset + match.end()
            rows.append((transcript_id, number, match.group(1), start, offset + len(paragraph)))
            offset += len(paragraph) + 2
    return pd.DataFrame(rows, columns=["transcript_id", "turn", "speaker", "start", "end"])


def _turn_codes(codings: pd.DataFrame, turns: pd.DataFrame, coder: str) -> dict:
    """(transcript_id, turn) -> set of codes the coder applied (a span overlaps the turn)."""
    applied: dict[tuple[str, int], set[str]] = {
        (t, n): set() for t, n in zip(turns["transcript_id"], turns["turn"], strict=True)
    }
    mine = codings[codings["coder"] == coder]
    for transcript_id, spans in mine.groupby("transcript_id"):
        own = turns[turns["transcript_id"] == transcript_id]
        starts, ends, numbers = (own[c].to_numpy() for c in ("start", "end", "turn"))
        for code, start, end in zip(spans["code_id"], spans["start"], spans["end"], strict=True):
            for number in numbers[(starts < end) & (ends > start)]:
                applied[(transcript_id, int(number))].add(code)
    return applied


def test_same_seed_same_output_other_seed_other_text(inputs, interviews):
    again = generate_interviews(*inputs, seed=20261127)
    assert again.texts == interviews.texts
    pd.testing.assert_frame_equal(again.codings, interviews.codings)
    pd.testing.assert_frame_equal(again.manifest, interviews.manifest)
    participants, deliveries = inputs
    some = participants.iloc[[0, 1, 20, 21]]
    other = generate_interviews(some, deliveries, seed=1)
    assert all(other.texts[t] != interviews.texts[t] for t in other.texts)


def test_interview_depends_only_on_its_participant(inputs, interviews):
    participants, deliveries = inputs
    alone = generate_interviews(participants.iloc[[4]], deliveries, seed=20261127)
    assert alone.texts["INT-P05"] == interviews.texts["INT-P05"]


def test_manifest_and_text_format(inputs, interviews, turns):
    participants, _ = inputs
    manifest = interviews.manifest
    assert list(manifest.columns) == [
        "transcript_id",
        "participant_id",
        "file",
        "interview_date",
        "interviewer",
    ]
    assert sorted(manifest["participant_id"]) == sorted(participants["participant_id"])
    assert set(manifest["transcript_id"]) == set(interviews.texts)
    assert manifest["file"].str.endswith(".txt").all()
    for row in manifest.itertuples():
        text = interviews.texts[row.transcript_id]
        assert "\r" not in text and unicodedata.normalize("NFC", text) == text
        speakers = set(turns.loc[turns["transcript_id"] == row.transcript_id, "speaker"])
        assert speakers == {"INTERVIEWER", row.participant_id}


def test_word_counts_within_issue_range(interviews):
    counts = {t: len(text.split()) for t, text in interviews.texts.items()}
    assert all(1500 <= n <= 4000 for n in counts.values()), counts


def test_spans_inside_one_utterance_and_not_padded(interviews, turns):
    codings = interviews.codings
    assert codings["coding_id"].is_unique
    assert set(codings["coder"]) == {"consensus", "coder_a", "coder_b"}
    assert set(codings["code_id"]) <= set(CODES)
    by_transcript = {
        t: (g["start"].to_numpy(), g["end"].to_numpy(), g["speaker"].to_numpy())
        for t, g in turns.groupby("transcript_id")
    }
    for row in codings.itertuples():
        text = interviews.texts[row.transcript_id]
        piece = text[row.start : row.end]
        assert piece and piece == piece.strip(), row
        starts, ends, speakers = by_transcript[row.transcript_id]
        inside = (starts <= row.start) & (row.end <= ends)
        assert inside.sum() == 1 and speakers[inside][0] != "INTERVIEWER", row


def test_every_code_used_and_a_realistic_share_of_turns_uncoded(interviews, turns):
    consensus = interviews.codings[interviews.codings["coder"] == "consensus"]
    assert set(consensus["code_id"]) == set(CODES)
    applied = _turn_codes(interviews.codings, turns, "consensus")
    participant_turns = turns[turns["speaker"] != "INTERVIEWER"]
    sets = [
        applied[(t, n)]
        for t, n in zip(participant_turns["transcript_id"], participant_turns["turn"], strict=True)
    ]
    uncoded = np.mean([not s for s in sets])
    double = np.mean([len(s) >= 2 for s in sets])
    assert 0.20 <= uncoded <= 0.35, uncoded  # issue: ~20-35% of participant turns uncoded
    assert double >= 0.08, double  # some turns carry two codes


def _participant_sentences(interviews, turns) -> list[str]:
    utterances = []
    for row in turns[turns["speaker"] != "INTERVIEWER"].itertuples():
        utterances.append(interviews.texts[row.transcript_id][row.start : row.end])
    return utterances


def _sentences(utterance: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+", utterance) if len(s.split()) >= 8]


def _trigram_ratio(utterances: list[str]) -> float:
    words = [w.lower().strip(",.?!'—") for u in utterances for w in u.split()]
    trigrams = list(zip(words, words[1:], words[2:], strict=False))
    return len(set(trigrams)) / len(trigrams)


def test_text_is_varied(interviews, turns):
    """Variety an automatic coder's grouped cross-validation needs.

    1. Distinct word 3-grams / all 3-grams over every participant turn (~65k words). The
       same corpus rebuilt from a few dozen fixed sentences (the "templated" generator the
       issue warns against; built below from 40 of our own sentences, same length) scores
       ~0.01; we require 0.46 (measured 0.52 with these inputs), i.e. most 3-grams are new
       while fillers and function-word 3-grams ("you know", "a lot of") repeat.
    2. No sentence of 8+ words occurs more than 5 times in the ~30 interviews.
    3. Leakage across participants: on average under 10% (and for no participant over 25%)
       of a participant's sentences occur verbatim in another participant's interview, so
       a held-out participant's turns are not copies of the training turns.
    """
    utterances = _participant_sentences(interviews, turns)
    ratio = _trigram_ratio(utterances)
    fixed = sorted({s for u in utterances for s in _sentences(u)})[:40]
    n_words = sum(len(u.split()) for u in utterances)
    templated, size = [], 0
    while size < n_words:
        sentence = fixed[len(templated) % len(fixed)]
        templated.append(sentence)
        size += len(sentence.split())
    assert _trigram_ratio(templated) < 0.05
    assert ratio >= 0.46, ratio

    sentences = Counter(s for u in utterances for s in _sentences(u))
    sentence, count = sentences.most_common(1)[0]
    assert count <= 5, (sentence, count)

    per_participant: dict[str, set[str]] = {}
    for row in turns[turns["speaker"] != "INTERVIEWER"].itertuples():
        utterance = interviews.texts[row.transcript_id][row.start : row.end]
        per_participant.setdefault(row.speaker, set()).update(_sentences(utterance))
    owners = Counter(s for own in per_participant.values() for s in own)
    shared = [np.mean([owners[s] > 1 for s in own]) for own in per_participant.values()]
    assert np.mean(shared) < 0.10 and max(shared) < 0.25, (np.mean(shared), max(shared))


def test_no_code_hangs_on_one_keyword(interviews):
    """Codes are inferable from the words, but no single content word gives a code away.

    For every code, no word outside scikit-learn's English stop words (and fillers) occurs
    in 90% or more of its consensus spans; measured maximum ~0.8 ("pain" in delivery_pain).
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    fillers = {"like", "yeah", "um", "uh", "know", "mean", "just", "really", "i'm"}
    consensus = interviews.codings[interviews.codings["coder"] == "consensus"]
    for code, spans in consensus.groupby("code_id"):
        texts = [
            interviews.texts[r.transcript_id][r.start : r.end].lower() for r in spans.itertuples()
        ]
        counts = Counter(
            w
            for t in texts
            for w in set(re.findall(r"[a-z']+", t))
            if w not in ENGLISH_STOP_WORDS and w not in fillers and len(w) > 2
        )
        word, n = counts.most_common(1)[0]
        assert n / len(texts) < 0.9, (code, word, n / len(texts))


def test_planted_identifiers_are_located_exactly(interviews):
    """The invented names, places, phones and dates a de-identifier should find."""
    ids = interviews.identifiers
    assert list(ids.columns) == ["transcript_id", "start", "end", "type", "text"]
    assert set(ids["type"]) <= {"person", "location", "organization", "phone", "date"}
    assert {"person", "location", "organization", "phone"} <= set(ids["type"])
    for row in ids.itertuples():
        assert interviews.texts[row.transcript_id][row.start : row.end] == row.text
    patients = [t for t in interviews.texts if t.startswith("INT-P")]
    persons = ids[ids["type"] == "person"]
    assert set(patients) <= set(persons["transcript_id"])  # every mother names someone
    ordered = ids.sort_values(["transcript_id", "start"])
    same = ordered["transcript_id"].eq(ordered["transcript_id"].shift())
    assert (ordered["start"] >= ordered["end"].shift().where(same, 0)).all()  # no overlaps


def test_the_transcript_reader_sees_the_same_turns(interviews, turns, tmp_path):
    """coding.transcripts (the reader every study uses) parses our files into our turns."""
    reader = pytest.importorskip("coding.transcripts")
    for transcript_id in ["INT-P01", "INT-P14", "INT-V03"]:
        path = tmp_path / f"{transcript_id}.txt"
        path.write_text(interviews.texts[transcript_id], encoding="utf-8", newline="")
        transcript = reader.read_transcript(path, participant_id=transcript_id[4:])
        assert transcript.text == interviews.texts[transcript_id]
        theirs = transcript.turn_frame()[["speaker", "start", "end"]].reset_index(drop=True)
        ours = turns.loc[turns["transcript_id"] == transcript_id, ["speaker", "start", "end"]]
        pd.testing.assert_frame_equal(theirs, ours.reset_index(drop=True), check_dtype=False)


def test_codes_are_the_default_codebooks():
    codebook = pytest.importorskip("coding.codebook")
    book = codebook.default_codebook()
    leaves = [code.id for theme in book.themes() for code in book.children(theme.id)]
    assert sorted(leaves) == sorted(CODES)


def test_works_on_the_synthetic_cohort():
    """The demo study's own participants and deliveries (the synthetic cohort generator)."""
    synth = pytest.importorskip("studies.synth")
    cohort = synth.generate_cohort(1500, seed=5)
    interviews = generate_interviews(cohort.participants, cohort.deliveries, cohort.seed)
    assert len(interviews.texts) == len(cohort.participants)
    words = [len(text.split()) for text in interviews.texts.values()]
    assert min(words) >= 1500 and max(words) <= 4000
    assert set(interviews.codings["code_id"]) <= set(CODES)


def test_prevalence_differs_by_role(interviews, turns, inputs):
    applied = _turn_codes(interviews.codings, turns, "consensus")
    participant_turns = turns[turns["speaker"] != "INTERVIEWER"]
    rate: dict[str, Counter] = {"P": Counter(), "V": Counter()}
    n_turns = Counter()
    for row in participant_turns.itertuples():
        role = row.speaker[0]
        n_turns[role] += 1
        rate[role].update(applied[(row.transcript_id, row.turn)])
    share = {r: {c: rate[r][c] / n_turns[r] for c in CODES} for r in rate}
    # Martin et al. 2021: guilt over the baby's withdrawal is the mothers' theme,
    # staff attitudes and information about NOWS come up more from providers.
    assert share["P"]["nows_guilt"] > 3 * share["V"]["nows_guilt"]
    assert share["P"]["parenting_stress"] > 1.5 * share["V"]["parenting_stress"]
    assert share["V"]["compassionate_care"] > share["P"]["compassionate_care"]
    assert share["V"]["nows_information_gap"] > share["P"]["nows_information_gap"]


def test_stories_follow_the_delivery_record(inputs, interviews):
    participants, deliveries = inputs
    record = participants.merge(deliveries, on="person_id")
    consensus = interviews.codings[interviews.codings["coder"] == "consensus"]
    for row in record.itertuples():
        transcript_id = f"INT-{row.participant_id}"
        text = interviews.texts[transcript_id]
        if row.moud == "methadone":
            assert "methadone" in text.lower()
            assert "Vivitrol" not in text
        if row.moud == "naltrexone":
            assert "methadone" not in text.lower()
        mine = consensus[consensus["transcript_id"] == transcript_id]
        if not row.cps_report:
            assert "cps_promoter" not in set(mine["code_id"])
    # guilt over the baby's withdrawal comes up more when the baby was treated for NOWS
    guilt = consensus[consensus["code_id"] == "nows_guilt"].groupby("transcript_id").size()
    per_mother = (
        record.assign(guilt=[guilt.get(f"INT-{p}", 0) for p in record["participant_id"]])
        .groupby("infant_nows")["guilt"]
        .mean()
    )
    assert per_mother[True] > 1.5 * per_mother[False], per_mother


def test_coders_agree_like_trained_humans(interviews, turns):
    """Turn-level Cohen's kappa per code (sklearn) mostly 0.6-0.9, and not perfect."""
    participant_turns = turns[turns["speaker"] != "INTERVIEWER"]
    keys = list(zip(participant_turns["transcript_id"], participant_turns["turn"], strict=True))
    a = _turn_codes(interviews.codings, participant_turns, "coder_a")
    b = _turn_codes(interviews.codings, participant_turns, "coder_b")
    kappas = {}
    for code in CODES:
        ya = [code in a[k] for k in keys]
        yb = [code in b[k] for k in keys]
        kappas[code] = cohen_kappa_score(ya, yb)
    values = np.array(list(kappas.values()))
    assert 0.6 <= np.median(values) <= 0.9, kappas
    assert np.mean((values >= 0.55) & (values <= 0.95)) >= 0.75, kappas
    assert values.max() < 0.99, kappas  # real coders never agree perfectly
    # span boundaries differ sometimes, even where both applied the same code
    spans = interviews.codings[interviews.codings["coder"] != "consensus"]
    pairs = spans.pivot_table(
        index=["transcript_id", "code_id", "start"], columns="coder", values="end", aggfunc="first"
    ).dropna()
    assert len(pairs) < len(spans[spans["coder"] == "coder_a"])


def test_memos_are_occasional(interviews):
    memos = interviews.codings["memo"].fillna("")
    share = (memos != "").mean()
    assert 0.01 <= share <= 0.15, share


def test_bad_input_names_row_and_field(inputs):
    participants, deliveries = inputs
    with pytest.raises(StudyError, match="person_id"):
        generate_interviews(participants.drop(columns=[]), deliveries.drop(columns="person_id"), 1)
    broken = participants.copy()
    broken.loc[2, "person_id"] = "NOBODY"
    with pytest.raises(StudyError) as error:
        generate_interviews(broken, deliveries, 1)
    assert error.value.row == 3 and error.value.field == "person_id"
    odd = participants.copy()
    odd.loc[0, "role"] = "visitor"
    with pytest.raises(StudyError, match="role"):
        generate_interviews(odd, deliveries, 1)


def test_template_grammar():
    rng = random.Random(3)
    seen = {
        expand("[I was|I'd been] on {med}[ for a while|]", {"med": ["methadone"]}, rng)
        for _ in range(200)
    }
    assert seen == {
        "I was on methadone",
        "I'd been on methadone",
        "I was on methadone for a while",
        "I'd been on methadone for a while",
    }
    assert expand("{Baby} cried.", {"baby": "kaylee"}, rng) == "Kaylee cried."
    assert template_flags("@nows,cps: text") == (frozenset({"nows", "cps"}), "text")
    with pytest.raises(KeyError, match="partner"):
        expand("{partner} came", {}, rng)
    assert shuffle_clauses("I cried a lot, because he was so sick.", rng) == (
        "Because he was so sick, I cried a lot."
    )
    assert shuffle_clauses("When he cried, I felt awful.", rng) == "I felt awful when he cried."
    assert shuffle_clauses("Short one.", rng) == "Short one."


@pytest.mark.parametrize("moud", ["methadone", "buprenorphine", "naltrexone", "none"])
def test_every_proposition_expands_for_every_persona(moud):
    """No template may reference a slot a persona lacks or leave markup behind."""
    delivery = pd.Series(
        {
            "moud": moud,
            "infant_nows": True,
            "cps_report": True,
            "housing_instability": True,
            "pmad": True,
            "peer_recovery_coach": True,
        }
    )
    common = [
        *bg.OPENING,
        *bg.CLOSING_Q,
        *bg.CLOSING_THANKS,
        *bg.REVISITS,
        *bg.GOODBYES,
        *bg.PREFACES,
    ]
    patient_said = [
        *bg.PROBES,
        *bg.BACKGROUND_PROBES,
        *common,
        *(q for _, questions, _ in bg.PATIENT_TOPICS for q in questions),
    ]
    provider_said = [
        *bg.PROVIDER_PROBES,
        *bg.PROVIDER_BACKGROUND_PROBES,
        *common,
        *(q for _, questions, _ in bg.PROVIDER_TOPICS for q in questions),
    ]
    personas = [
        (
            _patient_persona(delivery, random.Random(1)),
            PATIENT,
            {**bg.PATIENT_BACKGROUND, "interviewer": patient_said},
        )
    ]
    personas += [
        (
            _provider_persona(t, random.Random(2)),
            PROVIDER,
            {**bg.PROVIDER_BACKGROUND, "interviewer": provider_said},
        )
        for t in ("nurse", "physician", "social_worker", "peer_coach", "counselor")
    ]
    rng = random.Random(0)
    for persona, bank, background in personas:
        templates = [t for items in [*bank.values(), *background.values()] for t in items]
        for template in templates:
            for _ in range(3):
                text = expand(template, persona.slots, rng)
                assert text and not re.search(r"[\[\]{}|@]", text), (template, text)
