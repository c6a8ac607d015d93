"""The rules that turn fills into treatment episodes, and the named presets.

One small frozen dataclass, :class:`EpisodeRules`, says everything the engines need; the
public :func:`analysis.episodes.derive_episodes` builds it from its keyword arguments with
:func:`resolve_rules`. Both engines (the plain-Python reference in
:mod:`analysis.episodes._reference` and the ibis expression in :mod:`analysis.episodes._ibis`)
read only this object, so they cannot disagree about options.

Presets
-------
``"drug_era"`` — OHDSI CDM ``DRUG_ERA``: eras are built per active ingredient (here: per
drug), exposures of the same ingredient are joined when at most ``gap_days`` (the OHDSI
*persistence window*, 30 days) pass between the end of one and the start of the next, and
overlapping supply is *not* stockpiled (no carry-over). Exposure end = fill date + days
supply, as in the OHDSI ETL "Standard Drug Eras and How they are built"
(https://ohdsi.github.io/ETL-LambdaBuilder/Drug_Era_Logic.html). Note: CDM v5 exposure end
dates are inclusive (``start + days_supply - 1``); our ``end`` is exclusive, the same day
count.

``"adherer"`` — AdhereR ``compute.treatment.episodes`` (Dima & Dediu 2017, PLoS ONE
12(4):e0174426; CRAN reference manual): ``carry.only.for.same.medication = TRUE`` (oversupply
carries over to the next fill only while the drug stays the same), a permissible gap of
``gap_days`` (AdhereR's own default is 90; pass ``gap_days=90`` to match it; a new episode
starts when the gap is *larger*), ``medication.change.means.new.treatment.episode`` (AdhereR
default TRUE: a fill of another drug than the previous fill starts a new episode) and
``maximum.permissible.gap.append.to.episode`` (default FALSE: when TRUE, ``gap_days`` is
added to each episode's end).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from analysis.errors import AnalysisError

Carryover = Literal["none", "all", "same_drug"]
PRESETS = ("drug_era", "adherer")
KNOWN_DRUGS = ("buprenorphine", "methadone", "naltrexone")


@dataclass(frozen=True)
class EpisodeRules:
    """How fills become episodes.

    gap_days:
        A fill starts a new episode when ``fill_date - running end > gap_days``.
    carryover:
        ``"none"``: running end = max(previous end, fill_date + days_supply);
        ``"all"``: fill end = max(fill_date, previous fill end) + days_supply (stockpiling);
        ``"same_drug"``: like ``"all"`` within a run of consecutive fills of one drug; the first
        fill after a drug change starts from its own fill date.
    per_drug:
        Episodes are derived separately for each drug (``switch_continues=False``, drug eras).
    drug_change_new_episode:
        A fill of a different drug than the previous fill starts a new episode (AdhereR).
    append_gap:
        Add ``gap_days`` to every episode's end (AdhereR ``...append.to.episode``).
    """

    gap_days: int = 30
    carryover: Carryover = "none"
    per_drug: bool = False
    drug_change_new_episode: bool = False
    append_gap: bool = False


def resolve_rules(
    gap_days: int = 30,
    carryover: bool = False,
    *,
    switch_continues: bool = True,
    preset: str | None = None,
    medication_change_new_episode: bool = True,
    append_gap: bool = False,
) -> EpisodeRules:
    """Turn :func:`derive_episodes` keyword arguments into :class:`EpisodeRules`.

    >>> resolve_rules(30, preset="drug_era")
    EpisodeRules(gap_days=30, carryover='none', per_drug=True, drug_change_new_episode=False, append_gap=False)
    """  # noqa: E501
    if isinstance(gap_days, bool) or not isinstance(gap_days, int) or gap_days < 0:
        raise AnalysisError(
            f"gap_days must be a whole number of days >= 0, got {gap_days!r}", field="gap_days"
        )
    if preset is None:
        if append_gap:
            raise AnalysisError("append_gap is an option of preset='adherer'", field="append_gap")
        return EpisodeRules(
            gap_days=gap_days,
            carryover="all" if carryover else "none",
            per_drug=not switch_continues,
        )
    if preset == "drug_era":
        if carryover:
            raise AnalysisError(
                "preset='drug_era' does not stockpile (OHDSI drug eras have no carry-over); "
                "drop carryover=True or use preset='adherer'",
                field="carryover",
            )
        return EpisodeRules(gap_days=gap_days, carryover="none", per_drug=True)
    if preset == "adherer":
        return EpisodeRules(
            gap_days=gap_days,
            carryover="same_drug",
            drug_change_new_episode=bool(medication_change_new_episode),
            append_gap=bool(append_gap),
        )
    raise AnalysisError(
        f"unknown preset {preset!r}; expected one of {', '.join(PRESETS)} or None", field="preset"
    )
