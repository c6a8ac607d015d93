"""The study model: a folder with a study.yaml, its data tables, transcripts and codings.

``load_study("demo")`` finds ``studies/demo/study.yaml`` in the repository;
``load_study("/secure/share/mystudy")`` or ``load_study("path/to/study.yaml")`` loads any other
study. Real data lives outside the repository: ``data_root`` in study.yaml may be absolute,
relative to the study folder, and may use ``~`` and environment variables
(``data_root: $DYADLAB_DATA/mystudy``).

Table accessors read with :func:`data_dictionary.read_table` (so every value is checked
against the data dictionary) and cache the result. Analyses from the other packages are
imported lazily inside the methods, so the study model loads even when optional parts are
missing.

>>> from studies import load_study
>>> study = load_study("demo")
>>> deliveries = study.deliveries()          # validated, typed DataFrame
>>> cohort = study.cohort(gap_days=14)       # one row per delivery
>>> sorted(cohort["delivery_id"]) == sorted(deliveries["delivery_id"])
True
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studies.errors import StudyError
from studies.study_config import TABLE_KEYS, StudyConfig, load_config

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

STUDIES_DIR = Path(__file__).resolve().parent
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def load_study(id_or_path: str | Path, *, check_files: bool = True) -> Study:
    """Load a study by id (``"demo"`` → ``studies/demo/study.yaml``) or by path.

    A path may be the study folder or its YAML file. ``check_files`` (default) makes a
    missing data file an error now, naming the study.yaml key and the resolved path, rather
    than later in an analysis.

    Raises :class:`~studies.errors.StudyError` for an unknown study, an invalid study.yaml
    (unknown key — with a suggestion —, wrong type, missing required key) or a missing file.
    """
    path = _resolve_yaml(id_or_path)
    config = load_config(path)
    study = Study(path=path, config=config)
    if check_files:
        study.check_files()
    return study


def available_studies() -> list[str]:
    """Ids of the studies in the repository's ``studies/`` folder."""
    return sorted(p.parent.name for p in STUDIES_DIR.glob("*/study.yaml"))


def _resolve_yaml(id_or_path: str | Path) -> Path:
    candidate = Path(os.path.expanduser(str(id_or_path)))
    if candidate.is_dir():
        candidate = candidate / "study.yaml"
        if not candidate.exists():
            raise StudyError("the folder has no study.yaml", file=candidate.parent)
        return candidate.resolve()
    if candidate.suffix in (".yaml", ".yml"):
        if not candidate.exists():
            raise StudyError("study.yaml not found", file=candidate)
        return candidate.resolve()
    text = str(id_or_path)
    if _ID.fullmatch(text):
        by_id = STUDIES_DIR / text / "study.yaml"
        if by_id.exists():
            return by_id
    known = ", ".join(available_studies()) or "none"
    raise StudyError(
        f"no study {text!r}: not a study folder, a study.yaml, or a study id "
        f"(studies in the repository: {known})"
    )


class Study:
    """A loaded study: its settings (``config``) and lazily read, validated tables.

    Attributes
    ----------
    id: the study folder's name (``"demo"``).
    path: the study.yaml file.
    folder: the study folder (paths in study.yaml are relative to it).
    config: :class:`~studies.study_config.StudyConfig` (typed; e.g. ``config.outcomes.gap_days``).
    """

    def __init__(self, path: Path, config: StudyConfig) -> None:
        self.path = Path(path)
        self.folder = self.path.parent
        self.id = self.folder.name
        self.config = config
        self._cache: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"Study(id={self.id!r}, path={str(self.path)!r})"

    # -- paths --------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.config.name

    @property
    def data_root(self) -> Path:
        """``data_root`` resolved: ``~`` and ``$VARS`` expanded, relative to the study folder."""
        return self._expand(self.config.data_root, "data_root", self.folder)

    def data_path(self, name: str) -> Path:
        """Resolved path of table ``name`` (a key of ``data:`` in study.yaml)."""
        if name not in TABLE_KEYS:
            raise StudyError(
                f"unknown table {name!r}; tables are {', '.join(TABLE_KEYS)}",
                file=self.path,
                field=f"data.{name}",
            )
        value = getattr(self.config.data, name)
        if value is None:
            raise StudyError(
                f"the study has no {name} table ('data.{name}' is not set)",
                file=self.path,
                field=f"data.{name}",
            )
        return self._expand(value, f"data.{name}", self.data_root)

    def has_table(self, name: str) -> bool:
        """Whether ``data.<name>`` is set in study.yaml."""
        return getattr(self.config.data, name, None) is not None

    @property
    def store_url(self) -> str:
        """The coding store's SQLAlchemy URL; a relative SQLite path is made absolute."""
        url = os.path.expandvars(self.config.store)
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/"):
            db = url[len(prefix) :]
            if db and db != ":memory:":
                return prefix + str((self.folder / os.path.expanduser(db)).resolve())
        return url

    @property
    def store_path(self) -> Path | None:
        """The SQLite file of the store, or None for a server database."""
        url = self.store_url
        if url.startswith("sqlite:///") and not url.endswith(":memory:"):
            return Path(url[len("sqlite:///") :])
        return None

    def check_files(self) -> None:
        """Raise :class:`StudyError` naming the key and path of the first missing data file."""
        root = self.data_root
        if not root.is_dir():
            raise StudyError(
                f"'data_root' folder not found: {root}", file=self.path, field="data_root"
            )
        for name in TABLE_KEYS:
            if self.has_table(name):
                path = self.data_path(name)
                # dispensing may be a folder of Parquet files (year=/state= partitions)
                if not (path.is_file() or (name == "dispensing" and path.is_dir())):
                    raise StudyError(
                        f"'data.{name}' file not found: {path}",
                        file=self.path,
                        field=f"data.{name}",
                    )
        codebook = self.codebook_path
        if codebook is not None and not codebook.is_file():
            raise StudyError(
                f"'codebook' file not found: {codebook}", file=self.path, field="codebook"
            )

    @property
    def codebook_path(self) -> Path | None:
        """The codebook file, or None for the packaged default codebook."""
        if self.config.codebook == "default":
            return None
        return self._expand(self.config.codebook, "codebook", self.folder)

    def _expand(self, value: str, key: str, base: Path) -> Path:
        expanded = os.path.expanduser(os.path.expandvars(value))
        unset = re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", expanded)
        if unset:
            raise StudyError(
                f"'{key}' uses environment variable ${unset[0]}, which is not set",
                file=self.path,
                field=key,
            )
        path = Path(expanded)
        return path if path.is_absolute() else (base / path).resolve()

    # -- tables -------------------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame:
        """Table ``name`` read and validated against its data dictionary.

        Cached: later calls return the same frame, so copy it (``.copy()``) before changing
        it in place.
        """
        if name not in self._cache:
            from data_dictionary import read_table

            self._cache[name] = read_table(self.data_path(name), name)
        return self._cache[name]

    def deliveries(self) -> pd.DataFrame:
        """One row per delivery (columns: see ``data_dictionary/schemas/deliveries.yaml``)."""
        return self.table("deliveries")

    def dispensing(self) -> pd.DataFrame:
        """One row per MOUD fill or dosing record."""
        return self.table("dispensing")

    def events(self) -> pd.DataFrame:
        """One row per outcome event after a delivery."""
        return self.table("events")

    def participants(self) -> pd.DataFrame:
        """One row per interview participant."""
        return self.table("participants")

    def manifest(self) -> pd.DataFrame:
        """The transcript manifest (one row per transcript), validated."""
        return self.table("transcripts")

    def sites(self) -> list[str]:
        """The study's sites, sorted: those in deliveries and participants (when present)."""
        found: set[str] = set()
        for name in ("deliveries", "participants"):
            if self.has_table(name):
                found.update(self.table(name)["site"].dropna().astype(str))
        return sorted(found)

    # -- qualitative --------------------------------------------------------------------
    def codebook(self):
        """The codebook: ``coding.codebook.load_codebook`` of ``codebook:`` (default or path)."""
        if "codebook" not in self._cache:
            from coding.codebook import load_codebook

            path = self.codebook_path
            self._cache["codebook"] = load_codebook("default" if path is None else path)
        return self._cache["codebook"]

    def transcripts(self):
        """The transcript corpus (``coding.transcripts.load_corpus`` of the manifest)."""
        if "corpus" not in self._cache:
            from coding.transcripts import load_corpus

            participants = self.participants() if self.has_table("participants") else None
            self._cache["corpus"] = load_corpus(
                self.data_path("transcripts"), participants=participants
            )
        return self._cache["corpus"]

    def codings(self) -> pd.DataFrame:
        """Coded spans: from the coding store when its database exists, else the codings CSV.

        Not cached: the store changes while coders work.
        """
        store_path = self.store_path
        if store_path is None or store_path.exists():
            from coding.store import CodingStore

            with CodingStore(self.store_url) as store:
                return store.codings()
        from data_dictionary import read_table

        return read_table(self.data_path("codings"), "codings")

    # -- outcomes -----------------------------------------------------------------------
    def episodes(self, gap_days: int | None = None) -> pd.DataFrame:
        """MOUD treatment episodes from dispensing (``analysis.episodes.derive_episodes``).

        ``gap_days`` defaults to ``outcomes.gap_days``; ``carryover`` comes from study.yaml.
        """
        from analysis.episodes import derive_episodes

        outcomes = self.config.outcomes
        path = self.data_path("dispensing")
        # a Parquet file or folder (e.g. year=/state= partitions) is read by the engine
        parquet = path.is_dir() or path.suffix in (".parquet", ".pq")
        return derive_episodes(
            path if parquet else self.dispensing(),
            gap_days=outcomes.gap_days if gap_days is None else gap_days,
            carryover=outcomes.carryover,
        )

    def cohort(self, **overrides: Any) -> pd.DataFrame:
        """One row per delivery with derived outcomes (``analysis.cohort.build_cohort``).

        Settings come from ``outcomes:`` in study.yaml (``gap_days``, ``follow_up_days``,
        ``data_end``, ``carryover``, ``moud_window_days``, ``lookback_days``,
        ``bridge_delivery_gap``, ``discontinuation_time``, ``vital_data_end``,
        ``enrolment_gap_days``, ``first_delivery_only``, ``overdose_merge_days``,
        ``covariate_windows``; rules in docs/cohort.md); keyword arguments override them, e.g.
        ``study.cohort(gap_days=60)`` for a sensitivity analysis.
        """
        from analysis.cohort import build_cohort

        outcomes = self.config.outcomes
        settings: dict[str, Any] = {
            "gap_days": outcomes.gap_days,
            "follow_up_days": outcomes.follow_up_days,
            "data_end": outcomes.data_end,
            "carryover": outcomes.carryover,
            "moud_window_days": outcomes.moud_window_days,
            "lookback_days": outcomes.lookback_days,
            "bridge_delivery_gap": outcomes.bridge_delivery_gap,
            "discontinuation_time": outcomes.discontinuation_time,
            "vital_data_end": outcomes.vital_data_end,
            "enrolment_gap_days": outcomes.enrolment_gap_days,
            "first_delivery_only": outcomes.first_delivery_only,
            "min_delivery_interval_days": outcomes.min_delivery_interval_days,
            "next_conception_days": outcomes.next_conception_days,
            "overdose_merge_days": outcomes.overdose_merge_days,
        }
        if self.has_table("enrolment"):
            settings["enrolment"] = self.table("enrolment")
        settings.update(overrides)
        cohort = build_cohort(self.deliveries(), self.dispensing(), self.events(), **settings)
        if outcomes.covariate_windows is not None:
            cohort.attrs["covariate_windows"] = {
                **dict(outcomes.covariate_windows),
                **cohort.attrs.get("covariate_windows", {}),
            }
        return cohort
