"""Synthetic studies: a cohort of deliveries with MOUD dispensing, outcome events, interview
participants and (via :mod:`studies.synth.transcripts`) coded interview transcripts.

>>> from studies import load_study
>>> from studies.synth import generate_cohort, write_study
>>> cohort = generate_cohort(1500, seed=20261127)
>>> summary = write_study("my_demo", cohort)
>>> summary.rows["deliveries"], len(load_study("my_demo").deliveries())   # a valid study
(1500, 1500)

The command line equivalent is ``dyadlab synth studies/my_demo --seed 20261127``.
"""

from studies.synth.generate import SynthCohort, generate_cohort
from studies.synth.study_folder import WriteSummary, prepare_folder, write_study

__all__ = ["SynthCohort", "WriteSummary", "generate_cohort", "prepare_folder", "write_study"]
