"""The setting every docstring example runs in (``pytest`` collects them with
``--doctest-modules``, see ``[tool.pytest.ini_options]`` in pyproject.toml).

Each example runs in a fresh temporary folder holding a copy of the demo study as ``demo/``,
so ``load_study("demo")`` loads the copy and nothing an example writes lands in the
checkout. The names below are in every example's namespace, so that an example can show the
call it is about rather than the lines that build its input:

* ``pd``, ``np``: pandas and numpy;
* ``study``: the demo study (:func:`studies.load_study` on the copy);
* ``deliveries``, ``fills``, ``events``, ``participants``: its tables, validated (``fills``
  is dispensing), and ``codebook``, its codebook;
* ``cohort``: ``study.cohort()``, one row per delivery with the derived outcomes;
* ``corpus``: ``study.transcripts()``, the interviews (a :class:`coding.Corpus`);
* ``codings``: ``study.codings()``, the two coders' codings of them;
* ``units``: the participant turns with their consensus codes
  (:func:`coding.autocode.training_units`), and ``model``: a
  :class:`coding.autocode.ThemeClassifier` fitted on them;
* ``lung`` and ``mgus2``: R survival's data sets (tests/analysis/data), so that survival and
  competing-risks examples can show results published for them and computed by R in
  tests/analysis/r/. ``lung`` adds ``dead`` (``status == 2``); ``mgus2`` adds ``etime``,
  ``event`` (0 censored, 1 progression, 2 death first) and ``male``, coded as in
  make_references.R.

These are built once per run, only when an example reads them without defining them first,
and each example gets its own copy.
"""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import pytest
from _pytest.doctest import DoctestItem

ROOT = Path(__file__).resolve().parent
DEMO = ROOT / "studies" / "demo"
#: R's survival data sets, as tests/analysis/r/make_references.R wrote them.
R_DATA = ROOT / "tests" / "analysis" / "data"


def _units(study, demo):
    from coding.autocode import training_units

    return training_units(demo("corpus"), demo("codings"), "consensus")


def _model(study, demo):
    from coding.autocode import ThemeClassifier

    units = demo("units")
    return ThemeClassifier(codebook=study.codebook()).fit(
        units["text"], units["codes"], groups=units["participant_id"]
    )


def _r_dataset(name: str):
    import pandas as pd

    return pd.read_csv(R_DATA / f"{name}.csv")


def _lung(study, demo):
    return _r_dataset("lung").assign(dead=lambda d: d["status"] == 2)


def _mgus2(study, demo):
    import numpy as np

    # as tests/analysis/r/make_references.R codes it for cmprsk::cuminc and crr
    mgus2 = _r_dataset("mgus2")
    progressed = mgus2["pstat"] == 1
    return mgus2.assign(
        etime=np.where(progressed, mgus2["ptime"], mgus2["futime"]),
        event=np.where(progressed, 1, 2 * mgus2["death"]),
        male=(mgus2["sex"] == "M").astype(int),
    )


#: Names an example may use without building them, and how they are built (``demo(name)``
#: is another of these names).
DEMO_FRAMES = {
    "deliveries": lambda study, demo: study.deliveries(),
    "fills": lambda study, demo: study.dispensing(),
    "events": lambda study, demo: study.events(),
    "cohort": lambda study, demo: study.cohort(),
    "codings": lambda study, demo: study.codings(),
    "codebook": lambda study, demo: study.codebook(),
    "participants": lambda study, demo: study.participants(),
    "corpus": lambda study, demo: study.transcripts(),
    "units": _units,
    "model": _model,
    "lung": _lung,
    "mgus2": _mgus2,
}


def _uses(source: str, name: str) -> bool:
    """Whether example code reads ``name`` without defining it first (an attribute
    ``x.name`` or a keyword ``f(name=...)`` does not count)."""
    if re.search(rf"^{name}\s*=(?!=)", source, re.M):
        return False
    return re.search(rf"(?<![.\w]){name}\b(?!\s*=(?!=))", source) is not None


@pytest.fixture(scope="session")
def _demo_frames(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The demo tables, built on first use from a copy of the demo study and kept for the run."""
    from studies import load_study

    folder = tmp_path_factory.mktemp("doctest-demo") / "demo"
    shutil.copytree(DEMO, folder)
    study = load_study(folder)
    built: dict = {}

    def frame(name: str):
        if name not in built:
            built[name] = DEMO_FRAMES[name](study, frame)
        return copy.deepcopy(built[name])

    return frame


@pytest.fixture(autouse=True)
def _doctest_setting(request: pytest.FixtureRequest) -> None:
    """For docstring examples only: chdir into a copy of the demo study and fill the namespace."""
    if not isinstance(request.node, DoctestItem):
        return
    import numpy as np
    import pandas as pd

    folder = request.getfixturevalue("tmp_path")
    shutil.copytree(DEMO, folder / "demo")
    request.getfixturevalue("monkeypatch").chdir(folder)
    namespace = request.getfixturevalue("doctest_namespace")
    for name in ("study", *DEMO_FRAMES):  # the namespace outlives one example
        namespace.pop(name, None)
    namespace.update(pd=pd, np=np)
    source = "\n".join(example.source for example in request.node.dtest.examples)
    if _uses(source, "study"):
        from studies import load_study

        namespace["study"] = load_study("demo")
    frame = request.getfixturevalue("_demo_frames")
    for name in DEMO_FRAMES:
        if _uses(source, name):
            namespace[name] = frame(name)
