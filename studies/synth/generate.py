"""One call that simulates a whole synthetic cohort, deterministically from a seed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from studies.synth.cohort import DRUGS, HORIZON_DAYS, simulate_deliveries
from studies.synth.dispensing import SOURCE_OF_DRUG, simulate_fills
from studies.synth.events import simulate_events
from studies.synth.participants import simulate_participants

log = logging.getLogger(__name__)

DISPENSING_COLUMNS = ["claim_id", "person_id", "fill_date", "drug", "days_supply", "source"]
#: Persons per dispensing chunk. Fixed (not a tuning knob) because each chunk has its own
#: random stream: changing it would change the output for a given seed.
CHUNK_PERSONS = 50_000
# Independent random streams, by purpose (SeedSequence spawn keys). Coverage starts and
# service start dates have their own stream, so adding them changed no other table.
_STREAM_COHORT, _STREAM_EVENTS, _STREAM_PARTICIPANTS, _STREAM_DISPENSING = 1, 2, 3, 4
_STREAM_COVERAGE = 5
#: The end of the synthetic data extract: later events and fills are not in the tables, so
#: deliveries of late 2024 have about six months of follow-up (``outcomes.data_end``).
DATA_END = np.datetime64("2025-06-30")
#: Share of deliveries whose coverage span began less than 90 days before delivery (people
#: enrolled in pregnancy Medicaid late in pregnancy): their lookback is not fully observed.
LATE_ENROLMENT_SHARE = 0.12
#: Services with a start date: (share starting before delivery, days before, days after).
SERVICE_TIMING = {
    "peer_recovery_coach": (0.70, (14, 180), (1, 120)),
    "home_visiting": (0.15, (7, 90), (3, 120)),
}


def _rng(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


@dataclass(frozen=True)
class SynthCohort:
    """A simulated study: the tables, and the truth they were drawn from.

    Attributes
    ----------
    deliveries, events, participants:
        The study tables (columns as in docs/architecture.md).
    spans:
        True treatment spans (see :class:`studies.synth.cohort.CohortTruth`); ``start``/``end``
        are days from the delivery in row ``delivery`` of ``deliveries``.
    segments:
        Follow-up segments with ``on_moud`` status used to draw events.
    person:
        Integer person index of each delivery row (``person_id`` is ``M`` + index + 1).
    death_day, coverage_end_day:
        Days from delivery (``HORIZON_DAYS + 1`` = none) per delivery row.
    seed:
        The seed everything was drawn from.
    data_end:
        The end of the data extract (``None``: not cut). Events and fills after it are left
        out of the tables (the truth in ``spans``/``segments`` is not cut).
    observed_only:
        ``False``: the tables keep the records a claims extract would not hold (see
        :func:`generate_cohort`).
    """

    deliveries: pd.DataFrame
    events: pd.DataFrame
    participants: pd.DataFrame
    spans: pd.DataFrame
    segments: pd.DataFrame
    person: np.ndarray
    death_day: np.ndarray
    coverage_end_day: np.ndarray
    seed: int
    data_end: np.datetime64 | None = None
    observed_only: bool = True

    @property
    def n_dispensing_chunks(self) -> int:
        """How many tables :meth:`dispensing_chunks` yields (for progress bars)."""
        n_persons = int(self.person.max()) + 1 if self.person.size else 0
        return -(-n_persons // CHUNK_PERSONS)

    def dispensing_chunks(self) -> Iterator[pa.Table]:
        """Dispensing rows as Arrow tables, persons in order, rows sorted by person and date.

        Fills stop the day before death and after the coverage end date (claims end); fills
        before the delivery's coverage start or after ``data_end`` are not in the data.
        ``claim_id`` numbers rows in file order.
        """
        spans = self.spans
        order = np.argsort(spans["person"].to_numpy(), kind="stable")
        s_person = spans["person"].to_numpy()[order]
        s_delivery = spans["delivery"].to_numpy()[order]
        s_drug = spans["drug"].to_numpy()[order]
        s_start = spans["start"].to_numpy()[order]
        s_end = spans["end"].to_numpy()[order]
        stop = np.minimum.reduce(
            [s_end, self.death_day[s_delivery], self.coverage_end_day[s_delivery] + 1]
        )
        delivery_day = (
            self.deliveries["delivery_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
        )
        if self.observed_only and "coverage_start_date" in self.deliveries.columns:
            first_day = (
                self.deliveries["coverage_start_date"]
                .to_numpy()
                .astype("datetime64[D]")
                .astype(np.int64)
            )
        else:
            first_day = np.full(delivery_day.shape, np.iinfo(np.int64).min)
        last_day = (
            np.iinfo(np.int64).max
            if self.data_end is None or not self.observed_only
            else int(np.datetime64(self.data_end, "D").astype(np.int64))
        )
        n_persons = int(self.person.max()) + 1 if self.person.size else 0
        person_ids = np.empty(n_persons, dtype=object)
        person_ids[self.person] = self.deliveries["person_id"].to_numpy()
        person_ids = pa.array(person_ids, pa.string())
        drug_names = pa.array(DRUGS, pa.string())
        sources = pa.array([SOURCE_OF_DRUG.get(code, "") for code in range(len(DRUGS))])
        width = 9
        claim_offset = 0
        for chunk, first in enumerate(range(0, n_persons, CHUNK_PERSONS)):
            lo, hi = np.searchsorted(s_person, [first, first + CHUNK_PERSONS])
            rng = _rng(self.seed, _STREAM_DISPENSING, chunk)
            span, day, supply = simulate_fills(s_drug[lo:hi], s_start[lo:hi], stop[lo:hi], rng)
            span += lo
            absolute = delivery_day[s_delivery[span]] + day
            seen = (absolute >= first_day[s_delivery[span]]) & (absolute <= last_day)
            span, absolute, supply = span[seen], absolute[seen], supply[seen]
            # Spans are in (person, time) order and a person's spans never overlap, so
            # ordering rows by span (stable: each span's rows are already in date order)
            # orders them by person and date. The rows arrive as one ascending run of span
            # numbers per fill step, which the stable sort merges cheaply.
            rows = np.argsort(span, kind="stable")
            span, absolute, supply = span[rows], absolute[rows], supply[rows]
            n = span.size
            if width < len(str(claim_offset + n)):
                width = len(str(claim_offset + n))
            claim = pc.binary_join_element_wise(
                "C",
                pc.utf8_lpad(
                    pc.cast(
                        pa.array(np.arange(claim_offset + 1, claim_offset + n + 1)), pa.string()
                    ),
                    width,
                    "0",
                ),
                "",
            )
            drug = pa.array(s_drug[span])
            claim_offset += n
            log.info("dispensing chunk %d: %d rows", chunk, n)
            yield pa.table(
                {
                    "claim_id": claim,
                    "person_id": pc.take(person_ids, pa.array(s_person[span])),
                    "fill_date": pa.array(absolute.astype("datetime64[D]")),
                    "drug": pc.take(drug_names, drug),
                    "days_supply": pa.array(supply, pa.int64()),
                    "source": pc.take(sources, drug),
                }
            )

    def dispensing(self) -> pd.DataFrame:
        """All dispensing rows as one DataFrame (for small cohorts and notebooks)."""
        tables = list(self.dispensing_chunks())
        if not tables:
            return pd.DataFrame(columns=DISPENSING_COLUMNS)
        frame = pa.concat_tables(tables).to_pandas()
        frame["fill_date"] = pd.to_datetime(frame["fill_date"])
        return frame


def generate_cohort(
    n_deliveries: int = 1500,
    seed: int = 0,
    n_participants: int = 30,
    data_end: np.datetime64 | str | None = DATA_END,
    observed_only: bool = True,
) -> SynthCohort:
    """Simulate deliveries, treatment truth, events and interview participants.

    The same ``seed`` and sizes give identical tables. Dispensing is generated lazily
    (:meth:`SynthCohort.dispensing` or :meth:`SynthCohort.dispensing_chunks`) because at a
    million deliveries it has tens of millions of rows.

    Deliveries carry ``coverage_start_date`` (the start of the coverage span holding the
    delivery; :data:`LATE_ENROLMENT_SHARE` began less than 90 days before it) and start dates
    of the services that may begin after delivery (:data:`SERVICE_TIMING`). Events and fills
    after ``data_end`` (default :data:`DATA_END`; ``None`` keeps everything) are left out.
    ``observed_only=False`` keeps every record the simulation made (fills before the coverage
    start, events and fills after ``data_end``): the truth view, for checking the generator.

    >>> from studies.synth import generate_cohort
    >>> cohort = generate_cohort(1500, seed=20261127)
    >>> len(cohort.deliveries)
    1500
    >>> fills = cohort.dispensing()
    >>> sorted(fills["drug"].unique())
    ['buprenorphine', 'methadone', 'naltrexone']
    """
    if n_deliveries < 1:
        raise ValueError(f"n_deliveries must be at least 1, got {n_deliveries}")
    truth = simulate_deliveries(n_deliveries, _rng(seed, _STREAM_COHORT))
    outcome = simulate_events(truth, _rng(seed, _STREAM_EVENTS))
    deliveries = truth.deliveries.copy()
    covered = outcome.coverage_end_day <= HORIZON_DAYS
    deliveries["coverage_end_date"] = pd.NaT
    deliveries.loc[covered, "coverage_end_date"] = deliveries.loc[
        covered, "delivery_date"
    ] + pd.to_timedelta(outcome.coverage_end_day[covered], unit="D")
    deliveries["coverage_end_date"] = pd.to_datetime(deliveries["coverage_end_date"])
    participants = simulate_participants(
        deliveries, outcome.death_day, n_participants, _rng(seed, _STREAM_PARTICIPANTS)
    )
    end = None if data_end is None else np.datetime64(data_end, "D")
    deliveries = _with_coverage_and_service_dates(deliveries, _rng(seed, _STREAM_COVERAGE))
    events = outcome.events
    if end is not None and observed_only:
        events = events[events["event_date"].to_numpy() <= end].reset_index(drop=True)
    return SynthCohort(
        deliveries=deliveries,
        events=events,
        participants=participants,
        spans=truth.spans,
        segments=outcome.segments,
        person=truth.person,
        death_day=outcome.death_day,
        coverage_end_day=outcome.coverage_end_day,
        seed=seed,
        data_end=end,
        observed_only=observed_only,
    )


def _with_coverage_and_service_dates(
    deliveries: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Add ``coverage_start_date`` and ``<service>_start_date`` columns (see
    :func:`generate_cohort`). Columns are inserted next to the ones they date."""
    out = deliveries.copy()
    n = len(out)
    day0 = out["delivery_date"]
    late = rng.random(n) < LATE_ENROLMENT_SHARE
    before = np.where(late, rng.integers(0, 90, n), rng.integers(120, 1500, n))
    out.insert(
        out.columns.get_loc("coverage_end_date"),
        "coverage_start_date",
        day0 - pd.to_timedelta(before, unit="D"),
    )
    for service, (prenatal, (lo_b, hi_b), (lo_a, hi_a)) in SERVICE_TIMING.items():
        early = rng.random(n) < prenatal
        offset = np.where(early, -rng.integers(lo_b, hi_b + 1, n), rng.integers(lo_a, hi_a + 1, n))
        start = (day0 + pd.to_timedelta(offset, unit="D")).where(out[service].to_numpy(dtype=bool))
        out.insert(out.columns.get_loc(service) + 1, f"{service}_start_date", start)
    return out
