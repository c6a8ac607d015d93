"""Interview participants: patients sampled from the cohort, and providers at the sites."""

from __future__ import annotations

import numpy as np
import pandas as pd

from studies.synth.cohort import SITES

PROVIDER_TYPES = ("nurse", "physician", "social_worker", "peer_coach", "counselor")
#: Patients are interviewed this many days after their delivery (inclusive range).
INTERVIEW_DELAY_DAYS = (60, 300)


def simulate_participants(
    deliveries: pd.DataFrame,
    death_day: np.ndarray,
    n_participants: int,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """About two thirds patients (``P01``…), one third providers (``V01``…).

    Patients are distinct cohort persons, preferably with MOUD at delivery and delivering from
    2022 on (interviews in 2022-2025), alive at their interview; each is interviewed 60-300
    days after her latest eligible delivery at that delivery's site. Providers are spread over
    the sites and interviewed in 2023-2024.

    >>> from studies.synth.cohort import simulate_deliveries
    >>> from studies.synth.events import simulate_events
    >>> truth = simulate_deliveries(500, np.random.default_rng(1))
    >>> death_day = simulate_events(truth, np.random.default_rng(2)).death_day
    >>> people = simulate_participants(truth.deliveries, death_day, 30, np.random.default_rng(0))
    >>> people["role"].value_counts().to_dict()
    {'patient': 20, 'provider': 10}
    """
    if n_participants < 0:
        raise ValueError("n_participants must be 0 or more")
    n_patients = int(round(n_participants * 2 / 3))
    n_providers = n_participants - n_patients
    delay = rng.integers(INTERVIEW_DELAY_DAYS[0], INTERVIEW_DELAY_DAYS[1] + 1, len(deliveries))
    alive = death_day > delay
    preferred = (
        alive
        & (deliveries["moud"].to_numpy() != "none")
        & (deliveries["delivery_date"].to_numpy() >= np.datetime64("2022-01-01"))
    )
    score = rng.random(len(deliveries)) + np.where(preferred, 2.0, np.where(alive, 1.0, 0.0))
    ranked = deliveries.assign(_score=score, _delay=delay).sort_values(
        "_score", ascending=False, kind="stable"
    )
    chosen = ranked.drop_duplicates("person_id").head(n_patients)
    chosen = chosen.sort_values(["delivery_date", "delivery_id"], kind="stable")
    width = max(2, len(str(max(n_patients, n_providers, 1))))
    patients = pd.DataFrame(
        {
            "participant_id": [f"P{i:0{width}d}" for i in range(1, len(chosen) + 1)],
            "role": "patient",
            "site": chosen["site"].to_numpy(),
            "person_id": chosen["person_id"].to_numpy(),
            "provider_type": None,
            "interview_date": chosen["delivery_date"].to_numpy()
            + chosen["_delay"].to_numpy().astype("timedelta64[D]"),
        }
    )
    first = np.datetime64("2023-01-01")
    providers = pd.DataFrame(
        {
            "participant_id": [f"V{i:0{width}d}" for i in range(1, n_providers + 1)],
            "role": "provider",
            "site": [SITES[i % len(SITES)] for i in range(n_providers)],
            "person_id": None,
            "provider_type": [PROVIDER_TYPES[i % len(PROVIDER_TYPES)] for i in range(n_providers)],
            "interview_date": first + rng.integers(0, 730, n_providers).astype("timedelta64[D]"),
        }
    )
    frame = pd.concat([patients, providers], ignore_index=True)
    frame["interview_date"] = pd.to_datetime(frame["interview_date"]).astype("datetime64[ns]")
    return frame
