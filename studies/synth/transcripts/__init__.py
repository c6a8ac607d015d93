"""Synthetic, double-coded interview transcripts for the demo study.

:func:`generate_interviews` writes one semi-structured interview per participant (patients
and providers), 1,500-4,000 words in speaker turns, in which the default codebook's codes
occur with role-specific prevalence, and three coding layers:

* ``consensus`` — the generator's truth: each coded segment's span (usually the sentences
  carrying the theme, sometimes the whole utterance);
* ``coder_a`` and ``coder_b`` — two simulated coders who sometimes miss a code, apply a
  neighbouring code (stigma vs provider_mistrust, parenting_support vs recovery_network …),
  add a code that is not there, or draw the span boundaries differently. Their turn-level
  Cohen's kappa per code lands mostly in 0.6-0.9, like trained human coders.

The text is composed, not templated wholesale: per code, propositions
(:mod:`studies.synth.language.patient_bank` / ``provider_bank``) with alternative surface
forms, filled with an invented persona (the baby's name, partner, towns, clinics, sometimes
a phone number or a date), made to sound spoken (:func:`~studies.synth.language.grammar.speechify`:
hesitations, "you know", false starts, run-on joins) and mixed with uncoded background
turns. The themes follow Martin et al., Subst Abus 2022;43(1):389-396 (online 2021), as
cited by the default codebook (recovery promoters and barriers after delivery for women with
OUD, as seen by them and their providers); all speech is invented.

The parts: ``_model`` (codes, turns, seeded random streams), ``_personas``, ``_compose``
(one interview's turns and truth spans), ``_coders`` (the simulated coding layers) and
``_generate`` (:func:`generate_interviews`). Tested in tests/studies/synth/test_transcripts.py.

Deterministic: the same participants, deliveries and seed give the same texts and codings;
each participant's interview depends only on the seed and her own rows.

With the demo study's participants and deliveries:

>>> from studies.synth.transcripts import generate_interviews
>>> first = generate_interviews(participants.head(3), deliveries, seed=7)
>>> sorted(first.texts)
['INT-P01', 'INT-P02', 'INT-P03']
>>> first.texts == generate_interviews(participants.head(3), deliveries, seed=7).texts
True
>>> alone = generate_interviews(participants.iloc[[1]], deliveries, seed=7)
>>> alone.texts["INT-P02"] == first.texts["INT-P02"]
True
"""

from studies.synth.transcripts._generate import InterviewSet, generate_interviews
from studies.synth.transcripts._model import CODERS, CODES

__all__ = ["CODERS", "CODES", "InterviewSet", "generate_interviews"]
