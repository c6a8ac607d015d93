"""Studies: a folder with a study.yaml, its datasets, and the reports made from them.

>>> from studies import load_study
>>> study = load_study("demo")
"""

from studies.errors import StudyError
from studies.study import Study, load_study
from studies.study_config import StudyConfig

__all__ = ["Study", "StudyConfig", "StudyError", "load_study"]
