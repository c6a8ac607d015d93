"""What one report covers: a study, optionally one site and a period of deliveries.

Report notebooks take the parameters ``study, site, period_start, period_end, min_cell,
audience`` and build a :class:`ReportScope` from them; every table in the report comes from
the scope's accessors, so the same filter applies everywhere and a test can reach it.

>>> scope = ReportScope.from_parameters("demo", site="north", period_start="2020-01-01")
>>> scope.label
'north, deliveries from 2020-01-01 to the end'
>>> north = scope.cohort()   # deliveries at site north from 2020 on, with derived outcomes
>>> north["site"].unique().tolist(), bool((north["delivery_date"] >= "2020-01-01").all())
(['north'], True)
>>> turns = scope.turn_codes()   # consensus codes of the north interviews, one row per turn
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from studies.errors import StudyError

AUDIENCES = ("researcher", "funder")


@dataclass
class ReportScope:
    """A study seen through a report's parameters (site, period, audience, min_cell)."""

    study: Any
    site: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    min_cell: int = 11
    audience: str = "researcher"
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_parameters(
        cls,
        study: Any,
        site: str | None = None,
        period_start: str | date | None = None,
        period_end: str | date | None = None,
        min_cell: int = 11,
        audience: str = "researcher",
    ) -> ReportScope:
        """Build a scope from notebook parameters (strings as papermill passes them)."""
        from studies import load_study

        study = study if hasattr(study, "cohort") else load_study(study)
        if audience not in AUDIENCES:
            raise StudyError(f"audience must be one of {AUDIENCES}, got {audience!r}")
        from studies.reports._release import policy_min_cell

        if int(min_cell) < policy_min_cell(study):
            raise StudyError(
                f"min_cell {min_cell} is below the study's policy ({policy_min_cell(study)}, "
                "study.yaml disclosure.min_cell)",
                field="min_cell",
            )
        if site in ("", "all", "None"):
            site = None
        if site is not None and site not in study.sites():
            raise StudyError(
                f"site {site!r} does not exist in study {study.id!r}; "
                f"its sites are: {', '.join(study.sites())}",
                field="site",
            )
        return cls(
            study=study,
            site=site,
            period_start=_as_date(period_start, "period_start"),
            period_end=_as_date(period_end, "period_end"),
            min_cell=int(min_cell),
            audience=audience,
        )

    # -- description ---------------------------------------------------------------------
    @property
    def label(self) -> str:
        """``"all sites, all deliveries"`` or ``"Site A, deliveries 2020-01-01 to 2022-12-31"``."""
        where = self.site or "all sites"
        if self.period_start or self.period_end:
            start = self.period_start.isoformat() if self.period_start else "the start"
            end = self.period_end.isoformat() if self.period_end else "the end"
            return f"{where}, deliveries from {start} to {end}"
        return f"{where}, all deliveries"

    @property
    def funder(self) -> bool:
        return self.audience == "funder"

    # -- outcomes ------------------------------------------------------------------------
    def cohort(self, **overrides: Any) -> pd.DataFrame:
        """The study's delivery cohort restricted to the site and period (cached per settings)."""
        key = f"cohort{sorted(overrides.items())}"
        if key not in self._cache:
            cohort = self.study.cohort(**overrides)
            self._cache[key] = cohort[self._in_scope(cohort)].reset_index(drop=True)
        return self._cache[key]

    def _in_scope(self, deliveries: pd.DataFrame) -> pd.Series:
        keep = pd.Series(True, index=deliveries.index)
        if self.site is not None:
            keep &= deliveries["site"].astype(str) == self.site
        when = pd.to_datetime(deliveries["delivery_date"])
        if self.period_start is not None:
            keep &= when >= pd.Timestamp(self.period_start)
        if self.period_end is not None:
            keep &= when <= pd.Timestamp(self.period_end)
        return keep

    # -- disclosure control ---------------------------------------------------------------
    def ledger(self, data: pd.DataFrame, id_column: str = "delivery_id"):
        """A :class:`analysis.disclosure.DisclosureLedger` for the report's counts of ``data``.

        In a report run it holds every count the study released and every count of the
        batch's earlier reports (the context the runner gives the kernel,
        studies.reports._release), shows counts rounded to the study's ``rounding_base``,
        and its ``check()`` hands what the report published back to the runner. Run by hand
        (JupyterLab) it reads the study's release ledger itself.
        """
        from analysis.disclosure import DisclosureLedger, ReleaseLedger
        from studies.reports._release import policy_rounding_base, read_context

        context = read_context()
        if context is None:
            context = {
                "report": "",
                "prior": ReleaseLedger.beside(self.study.data_root).counts(),
                "rounding_base": policy_rounding_base(self.study),
                "export": None,
            }
        ledger = DisclosureLedger(
            data,
            self.min_cell,
            id_column=id_column,
            prior=context["prior"],
            rounding_base=context["rounding_base"] if self.funder else None,
            report=context["report"],
        )
        ledger.export_path = context["export"]
        return ledger

    # -- qualitative ---------------------------------------------------------------------
    def participants(self) -> pd.DataFrame:
        """Interview participants of the site (all sites when none is chosen), interviewed
        within the period when the report has one (``interview_date``; participants without
        a date are kept only when no period is set — see :attr:`interview_note`)."""
        participants = self.study.participants()
        if self.site is not None:
            participants = participants[participants["site"].astype(str) == self.site]
        if self._period_filters_interviews(participants):
            when = pd.to_datetime(participants["interview_date"], errors="coerce")
            keep = when.notna()
            if self.period_start is not None:
                keep &= when >= pd.Timestamp(self.period_start)
            if self.period_end is not None:
                keep &= when <= pd.Timestamp(self.period_end)
            participants = participants[keep]
        return participants.reset_index(drop=True)

    def _period_filters_interviews(self, participants: pd.DataFrame) -> bool:
        has_period = self.period_start is not None or self.period_end is not None
        return has_period and "interview_date" in participants.columns

    @property
    def interview_note(self) -> str:
        """One sentence saying which interviews the report uses (period reports)."""
        if self.period_start is None and self.period_end is None:
            return "The report uses every interview of the study in its sites."
        if self._period_filters_interviews(self.study.participants()):
            return (
                "Only interviews held in the report's period are used "
                f"({self.label.split(', ', 1)[1].replace('deliveries ', '')})."
            )
        return (
            "The interviews have no dates, so the report uses every interview of its sites, "
            "not only those of its period."
        )

    def quotable_participants(self) -> set[str]:
        """Participants in scope whose words a report may quote: those with
        ``consent_to_quote`` true in the participants table. A study whose table leaves the
        column empty for everyone has not adopted the flag, and every participant may be
        quoted (de-identified)."""
        participants = self.participants()
        ids = participants["participant_id"].astype(str)
        if "consent_to_quote" not in participants.columns:
            return set(ids)
        consent = participants["consent_to_quote"]
        if consent.isna().all():
            return set(ids)
        agreed = consent.astype("string").str.lower().isin(["true", "1", "yes"])
        return set(ids[agreed.fillna(False).to_numpy(bool)])

    def quote_codings(self, coder: str | None = None) -> pd.DataFrame:
        """Coded spans a report may take quotes from: :meth:`codings` on the transcripts of
        :meth:`quotable_participants` only (the analyses still count every interview)."""
        allowed = self.quotable_participants()
        ids = {t.id for t in self.corpus() if str(t.participant_id) in allowed}
        codings = self.codings(coder)
        return codings[codings["transcript_id"].isin(ids)].reset_index(drop=True)

    def corpus(self):
        """The transcripts of the participants in scope (a :class:`coding.Corpus`)."""
        if "corpus" not in self._cache:
            corpus = self.study.transcripts()
            keep = set(self.participants()["participant_id"].astype(str))
            chosen = [t for t in corpus if str(t.participant_id) in keep]
            self._cache["corpus"] = type(corpus).from_transcripts(chosen)
        return self._cache["corpus"]

    def codings(self, coder: str | None = None) -> pd.DataFrame:
        """Coded spans on the transcripts in scope (one coder's, or all)."""
        codings = self.study.codings()
        codings = codings[codings["transcript_id"].isin(self.corpus().ids)]
        if coder is not None:
            codings = codings[codings["coder"] == coder]
        return codings.reset_index(drop=True)

    def turn_codes(self, coder: str = "consensus") -> pd.DataFrame:
        """One row per turn with the set of codes ``coder`` applied (coding.explore.turn_codes)."""
        from coding.explore import turn_codes

        return turn_codes(self.corpus(), self.codings(), coder=coder)

    def redact(self, text: str) -> str:
        """``text`` de-identified for a report (:func:`coding.deid.redact` with the study's
        roster when study.yaml names one under ``deid.roster``)."""
        from coding.deid import Roster, redact

        if "roster" not in self._cache:
            roster_file = self.study.config.deid.roster
            self._cache["roster"] = (
                Roster.from_csv(self.study.data_root / roster_file) if roster_file else None
            )
        return redact(text, self._cache["roster"]).text

    # -- provenance ----------------------------------------------------------------------
    def input_files(self) -> dict[str, Path]:
        """study.yaml and every data file the study declares, for the provenance table."""
        files: dict[str, Path] = {"study.yaml": Path(self.study.path)}
        for name in (
            "deliveries",
            "dispensing",
            "events",
            "participants",
            "transcripts",
            "codings",
        ):
            if self.study.has_table(name):
                files[name] = self.study.data_path(name)
        if self.study.codebook_path is not None:
            files["codebook"] = self.study.codebook_path
        return files

    def provenance(
        self, parameters: dict[str, Any], started: datetime | None = None
    ) -> pd.DataFrame:
        """The report's provenance table (:func:`studies.reports._provenance.provenance_table`);
        ``started`` is when the report began, for its run time."""
        from studies.reports._provenance import provenance_table

        # The code is dyadlab's own checkout, not the study folder's (a study may live in
        # another repository, or in none).
        return provenance_table(parameters, self.input_files(), started=started)


def _as_date(value: str | date | None, name: str) -> date | None:
    if value in (None, "", "None"):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise StudyError(f"{name} must be a date YYYY-MM-DD, got {value!r}", field=name) from None
