"""Synthetic deliveries and their true MOUD treatment course (the "hazard truth").

One row per delivery with the covariates of the ``deliveries`` table (docs/architecture.md),
plus a table of treatment *spans*: the periods a person is truly on a medication for opioid use
disorder, from which :mod:`studies.synth.dispensing` writes fills and
:mod:`studies.synth.events` draws outcomes.

The postpartum discontinuation time of the episode that covers delivery follows a Weibull
proportional-hazards model,

    S(t | x) = exp(-(t / scale) ** shape * exp(x'beta)),

with ``beta`` in :data:`DISCONTINUATION_LOG_HR` (methadone retains better than buprenorphine,
peer recovery coaching and early prenatal initiation are protective, housing instability and a
perinatal mood/anxiety disorder are harmful). ``scale`` is calibrated so that roughly 40 % of
people on MOUD at delivery stop within 180 days, in the range reported for postpartum
retention in US Medicaid cohorts (Schiff et al., Obstet Gynecol 2018; Krans et al., 2021).
After stopping, some people restart after a gap longer than any usual permissible-gap rule.

Everything is vectorised with numpy: a million deliveries take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Days after delivery that treatment, dispensing and events are simulated for. Analyses use
#: 365 days of follow-up; the extra months let events "after the window" exist, as they do in
#: real data.
HORIZON_DAYS = 540
#: Study window of delivery dates.
FIRST_DELIVERY = np.datetime64("2019-01-01")
LAST_DELIVERY = np.datetime64("2024-12-31")
#: Sites and their MOUD mix at delivery (buprenorphine, methadone, naltrexone, none).
SITES = ("north", "central", "south")
DRUGS = ("buprenorphine", "methadone", "naltrexone", "none")
MOUD_MIX = {
    "north": (0.40, 0.42, 0.04, 0.14),
    "central": (0.47, 0.33, 0.05, 0.15),
    "south": (0.50, 0.28, 0.06, 0.16),
}
SITE_SHARE = (0.40, 0.35, 0.25)
RACE_ETHNICITY = (
    ("white", 0.70),
    ("black", 0.10),
    ("hispanic", 0.10),
    ("american_indian_alaska_native", 0.05),
    ("asian_pacific_islander", 0.01),
    ("multiracial_other", 0.04),
)
INSURANCE = (("medicaid", 0.80), ("private", 0.15), ("uninsured", 0.05))

#: Log hazard ratios of postpartum discontinuation (reference: buprenorphine, no coach, stable
#: housing, no PMAD, initiation in weeks 14-27, insured, age 25+, no home visiting).
DISCONTINUATION_LOG_HR = {
    "methadone": np.log(0.65),
    "naltrexone": np.log(1.6),
    "peer_recovery_coach": np.log(0.70),
    "housing_instability": np.log(1.55),
    "pmad": np.log(1.35),
    "early_initiation": np.log(0.78),  # moud_initiation_week < 14
    "late_initiation": np.log(1.30),  # moud_initiation_week >= 28
    "uninsured": np.log(1.35),
    "age_under_25": np.log(1.20),
    "home_visiting": np.log(0.85),
}
WEIBULL_SHAPE = 0.9
WEIBULL_SCALE = 370.0
#: Later episodes (restarts, postpartum initiations) are less stable.
RESTART_LOG_HR = np.log(1.35)
RESTART_PROBABILITY = (0.40, 0.25)
#: Share of deliveries without MOUD at delivery that had a prenatal episode which stopped
#: 75-180 days before delivery (when the initiation week leaves room for it).
PRENATAL_STOP_SHARE = 0.45  # after the first and the second discontinuation
MAX_POSTPARTUM_EPISODES = 3
#: Days from the intended end of an episode to a restart: always more than 30 days of
#: supply plus 45 days uncovered, so a 30-day gap rule sees a new episode.
RESTART_MIN_GAP = 75
RESTART_MEAN_EXTRA_GAP = 70.0

DRUG_CODE = {name: code for code, name in enumerate(DRUGS)}


@dataclass(frozen=True)
class CohortTruth:
    """Deliveries and the simulated truth behind them.

    Attributes
    ----------
    deliveries:
        The ``deliveries`` table (without ``coverage_end_date``, which events add).
    spans:
        One row per true treatment span: ``delivery`` (row position in ``deliveries``),
        ``person`` (integer person index), ``episode`` (0 = a prenatal span that stopped before
        delivery, 1 = the span covering delivery or the first postpartum initiation, 2, 3 =
        restarts), ``drug`` (code in :data:`DRUGS`), ``start``/``end``
        (days from delivery, ``[start, end)``; negative = prenatal), ``ended`` (True when
        the person stopped, False when the span runs to the simulation horizon).
    person:
        Integer person index of each delivery.
    has_later_delivery:
        True for a person's first of two deliveries (no death is simulated after it).
    """

    deliveries: pd.DataFrame
    spans: pd.DataFrame
    person: np.ndarray
    has_later_delivery: np.ndarray


def _choice(rng: np.random.Generator, options: tuple, n: int) -> np.ndarray:
    values = np.array([value for value, _ in options], dtype=object)
    probs = np.array([p for _, p in options], dtype=float)
    return values[rng.choice(len(values), size=n, p=probs / probs.sum())]


def _weibull_time(rng: np.random.Generator, linear_predictor: np.ndarray) -> np.ndarray:
    """Draw T with S(t) = exp(-(t/scale)^shape * exp(lp)) by inverting the survival function."""
    u = rng.random(linear_predictor.shape[0])
    cumulative_hazard = -np.log1p(-u)
    t = WEIBULL_SCALE * (cumulative_hazard * np.exp(-linear_predictor)) ** (1.0 / WEIBULL_SHAPE)
    return np.maximum(1, np.ceil(t)).astype(np.int64)


def _id_width(n: int) -> int:
    return max(6, len(str(n)))


def simulate_deliveries(n_deliveries: int, rng: np.random.Generator) -> CohortTruth:
    """Simulate ``n_deliveries`` deliveries (about 8 % of persons have two) and their spans.

    >>> import numpy as np
    >>> truth = simulate_deliveries(500, np.random.default_rng(1))
    >>> persons = truth.deliveries.groupby("person_id").size()
    >>> bool(0.04 < (persons == 2).mean() < 0.12)
    True
    """
    if n_deliveries < 1:
        raise ValueError("n_deliveries must be at least 1")
    n_persons = max(1, int(round(n_deliveries / 1.08)))
    n_second = n_deliveries - n_persons

    # --- persons and delivery dates ------------------------------------------------------
    window = int((LAST_DELIVERY - FIRST_DELIVERY).astype(int))
    twice = np.zeros(n_persons, dtype=bool)
    twice[rng.choice(n_persons, size=n_second, replace=False)] = True
    gap = rng.integers(850, 1400, size=n_persons)
    first_offset = np.where(
        twice,
        (rng.random(n_persons) * (window - gap)).astype(np.int64),
        rng.integers(0, window + 1, size=n_persons),
    )
    person = np.concatenate([np.arange(n_persons), np.flatnonzero(twice)])
    offset = np.concatenate([first_offset, first_offset[twice] + gap[twice]])
    has_later = np.concatenate([twice, np.zeros(n_second, dtype=bool)])
    is_second = np.concatenate([np.zeros(n_persons, dtype=bool), np.ones(n_second, dtype=bool)])

    # Deliveries are numbered in date order.
    order = np.lexsort((person, offset))
    person, offset, has_later, is_second = (
        person[order],
        offset[order],
        has_later[order],
        is_second[order],
    )
    n = n_deliveries
    delivery_date = FIRST_DELIVERY + offset.astype("timedelta64[D]")

    # --- person-level covariates ---------------------------------------------------------
    site_p = np.array(SITES, dtype=object)[rng.choice(3, size=n_persons, p=SITE_SHARE)]
    race_p = _choice(rng, RACE_ETHNICITY, n_persons)
    age_first_p = np.clip(np.round(rng.normal(28.5, 5.0, n_persons)), 17, 44).astype(np.int64)
    parity_first_p = np.minimum(rng.poisson(1.3, n_persons), 8)
    years_since_first = (offset - first_offset[person]) // 365
    site = site_p[person]
    age = age_first_p[person] + years_since_first
    parity = parity_first_p[person] + is_second.astype(np.int64)

    # --- delivery-level covariates ------------------------------------------------------
    insurance = _choice(rng, INSURANCE, n)
    pmad = rng.random(n) < 0.35
    housing = rng.random(n) < 0.25
    moud = np.empty(n, dtype=object)
    for name in SITES:
        here = site == name
        moud[here] = np.array(DRUGS, dtype=object)[
            rng.choice(4, size=int(here.sum()), p=MOUD_MIX[name])
        ]
    drug_code = np.array([DRUG_CODE[m] for m in moud], dtype=np.int64)
    on_moud = drug_code != DRUG_CODE["none"]

    gest_days = np.clip(np.round(rng.normal(38.6, 1.5, n)), 32, 41).astype(np.int64) * 7
    gest_days += rng.integers(0, 7, n)
    trimester = rng.choice(3, size=n, p=(0.45, 0.35, 0.20))
    week = np.select(
        [trimester == 0, trimester == 1],
        [rng.integers(4, 14, n), rng.integers(14, 28, n)],
        rng.integers(28, 37, n),
    )
    week = np.minimum(week, gest_days // 7 - 1)
    prenatal_days = gest_days - (week * 7 + rng.integers(0, 7, n))
    prenatal_days = np.maximum(prenatal_days, 7)
    moud_start = delivery_date - prenatal_days.astype("timedelta64[D]")
    # Some people without MOUD at delivery started it in pregnancy and stopped 75-180 days
    # before delivery: recorded MOUD "none" with a moud_start, and a prenatal episode that a
    # 30-day window before delivery must not count.
    stop_before = rng.integers(75, 181, n)
    prenatal_stop = (
        ~on_moud & (rng.random(n) < PRENATAL_STOP_SHARE) & (prenatal_days >= stop_before + 28)
    )
    prenatal_drug = rng.choice(3, size=n, p=(0.6, 0.35, 0.05))
    initiated = on_moud | prenatal_stop

    coach = rng.random(n) < np.where(site == "south", 0.45, 0.25)
    home_visiting = rng.random(n) < 0.25
    cps = rng.random(n) < np.where(on_moud, 0.22, 0.45) + 0.10 * housing
    nows_p = np.array([0.45, 0.60, 0.10, 0.25])[drug_code]
    infant_nows = rng.random(n) < nows_p
    posc = rng.random(n) < np.select([site == "north", site == "central"], [0.85, 0.75], 0.60)

    deliveries = pd.DataFrame(
        {
            "delivery_id": _ids("D", np.arange(1, n + 1), n),
            "person_id": _ids("M", person + 1, n_persons),
            "delivery_date": delivery_date.astype("datetime64[ns]"),
            "site": site,
            "age": age,
            "race_ethnicity": race_p[person],
            "insurance": insurance,
            "parity": parity,
            "pmad": pmad,
            "housing_instability": housing,
            "moud_initiation_week": pd.array(np.where(initiated, week, 0), dtype="Int64"),
            "moud_start": moud_start.astype("datetime64[ns]"),
            "moud": moud,
            "peer_recovery_coach": coach,
            "home_visiting": home_visiting,
            "cps_report": cps,
            "infant_nows": infant_nows,
            "plan_of_safe_care": posc,
        }
    )
    deliveries.loc[~initiated, "moud_initiation_week"] = pd.NA
    deliveries.loc[~initiated, "moud_start"] = pd.NaT

    lp = (
        DISCONTINUATION_LOG_HR["methadone"] * (drug_code == DRUG_CODE["methadone"])
        + DISCONTINUATION_LOG_HR["naltrexone"] * (drug_code == DRUG_CODE["naltrexone"])
        + DISCONTINUATION_LOG_HR["peer_recovery_coach"] * coach
        + DISCONTINUATION_LOG_HR["housing_instability"] * housing
        + DISCONTINUATION_LOG_HR["pmad"] * pmad
        + DISCONTINUATION_LOG_HR["early_initiation"] * (on_moud & (week < 14))
        + DISCONTINUATION_LOG_HR["late_initiation"] * (on_moud & (week >= 28))
        + DISCONTINUATION_LOG_HR["uninsured"] * (insurance == "uninsured")
        + DISCONTINUATION_LOG_HR["age_under_25"] * (age < 25)
        + DISCONTINUATION_LOG_HR["home_visiting"] * home_visiting
    )
    stopped = np.flatnonzero(prenatal_stop)
    prenatal_spans = (
        stopped,
        prenatal_drug[stopped],
        -prenatal_days[stopped],
        -stop_before[stopped],
    )
    spans = _simulate_spans(rng, person, drug_code, prenatal_days, lp, prenatal_spans)
    return CohortTruth(deliveries, spans, person, has_later)


def _ids(prefix: str, numbers: np.ndarray, n_max: int) -> np.ndarray:
    width = _id_width(n_max)
    return np.char.add(prefix, np.char.zfill(numbers.astype(str), width)).astype(object)


def _simulate_spans(
    rng: np.random.Generator,
    person: np.ndarray,
    drug_code: np.ndarray,
    prenatal_days: np.ndarray,
    lp: np.ndarray,
    prenatal_spans: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> pd.DataFrame:
    """Treatment spans per delivery: the one covering delivery, then restarts.

    ``prenatal_spans`` (delivery, drug, start, end) are prenatal episodes that stopped before
    delivery; they become episode 0.

    People without MOUD at delivery initiate postpartum with probability 0.25 (day 7 plus an
    exponential delay with mean 60 days), mostly buprenorphine.
    """
    n = drug_code.shape[0]
    none = DRUG_CODE["none"]
    on = drug_code != none
    late_init = (~on) & (rng.random(n) < 0.25)
    late_start = 7 + np.floor(rng.exponential(60.0, n)).astype(np.int64)
    late_drug = np.where(rng.random(n) < 0.6, DRUG_CODE["buprenorphine"], DRUG_CODE["methadone"])

    # First span: covers delivery (prenatal start) or postpartum initiation.
    first = on | (late_init & (late_start < HORIZON_DAYS))
    d = np.flatnonzero(first)
    start = np.where(on[d], -prenatal_days[d], late_start[d])
    drug = np.where(on[d], drug_code[d], late_drug[d])
    span_lp = lp[d] + np.where(on[d], 0.0, RESTART_LOG_HR)
    # For a span covering delivery, the Weibull clock starts at delivery.
    clock = np.where(on[d], 0, start)
    end = clock + _weibull_time(rng, span_lp)

    d0, drug0, start0, end0 = prenatal_spans
    rows = [
        (d0, np.zeros(d0.size, dtype=np.int64), drug0, start0, end0, np.ones(d0.size, dtype=bool))
    ]
    episode = 1
    while d.size:
        ended = end < HORIZON_DAYS
        capped = np.minimum(end, HORIZON_DAYS)
        rows.append((d, np.full(d.size, episode), drug, start, capped, ended))
        if episode >= MAX_POSTPARTUM_EPISODES:
            break
        p_restart = RESTART_PROBABILITY[min(episode - 1, len(RESTART_PROBABILITY) - 1)]
        again = ended & (rng.random(d.size) < p_restart)
        gap = RESTART_MIN_GAP + np.floor(rng.exponential(RESTART_MEAN_EXTRA_GAP, d.size))
        new_start = end + gap.astype(np.int64)
        again &= new_start < HORIZON_DAYS
        d, old_drug, start, old_lp = d[again], drug[again], new_start[again], span_lp[again]
        switch = rng.random(d.size) < 0.3
        swapped = np.where(
            old_drug == DRUG_CODE["methadone"], DRUG_CODE["buprenorphine"], DRUG_CODE["methadone"]
        )
        drug = np.where(old_drug == DRUG_CODE["naltrexone"], DRUG_CODE["buprenorphine"], old_drug)
        drug = np.where(switch, swapped, drug)
        span_lp = old_lp + RESTART_LOG_HR * (episode == 1)
        end = start + _weibull_time(rng, span_lp)
        episode += 1

    columns = [np.concatenate(parts) for parts in zip(*rows, strict=True)]
    spans = pd.DataFrame(
        {
            "delivery": columns[0],
            "person": person[columns[0]],
            "episode": columns[1].astype(np.int64),
            "drug": columns[2].astype(np.int64),
            "start": columns[3].astype(np.int64),
            "end": columns[4].astype(np.int64),
            "ended": columns[5].astype(bool),
        }
    )
    return spans.sort_values(["delivery", "episode"], kind="stable").reset_index(drop=True)
