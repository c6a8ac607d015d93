"""Invented personas: who is speaking, with names, places, medication and story flags.

A patient's persona follows her delivery record (MOUD type, infant NOWS, CPS report, peer
coach, housing instability, perinatal mood disorder); a provider's follows her profession.
``planted`` records every invented identifier, so de-identification can be measured on the
texts (:class:`~studies.synth.transcripts.InterviewSet`'s ``identifiers``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pandas as pd

from studies.synth.language import background as bg
from studies.synth.language.details import DETAILS

PROVIDER_TITLES = {
    "nurse": "nurse",
    "physician": "physician",
    "social_worker": "social worker",
    "peer_coach": "peer recovery coach",
    "counselor": "counselor",
}
PROVIDER_UNITS = {
    "nurse": ("the mother-baby unit", "labor and delivery", "the NICU", "postpartum"),
    "physician": ("the OB clinic", "the NICU", "the family medicine clinic", "the bridge clinic"),
    "social_worker": ("the mother-baby unit", "the NICU", "the OB clinic"),
    "peer_coach": ("the recovery program", "the OB clinic", "the hospital peer team"),
    "counselor": ("the outpatient program", "the OTP", "the women's program"),
}
PROVIDER_TRAINING = {
    "nurse": ["nursing", "maternal-child nursing", "psychiatric nursing"],
    "physician": ["family medicine", "obstetrics", "pediatrics", "addiction medicine"],
    "social_worker": ["social work", "clinical social work"],
    "peer_coach": ["my own recovery, and then peer certification", "peer support"],
    "counselor": ["counseling", "addiction counseling", "marriage and family therapy"],
}


@dataclass
class _Persona:
    role: str
    flags: frozenset[str]
    slots: dict[str, str | list[str]]
    names: frozenset[str]
    disfluency: float
    planted: dict[str, str] = field(default_factory=dict)  # identifier text -> type


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes", "y", "t"}
    try:
        return bool(value) and not pd.isna(value)
    except (TypeError, ValueError):
        return bool(value)


# ---------------------------------------------------------------------------------- personas


_NUMBER_WORDS = (
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)


def _months(delivery_date: object, interview_date: object) -> str:
    """The baby's age at the interview in words ("seven"), two to twelve months."""
    try:
        days = (pd.Timestamp(interview_date) - pd.Timestamp(delivery_date)).days
    except (TypeError, ValueError):
        days = 180
    if pd.isna(days):
        days = 180
    months = min(max(round(days / 30.4), 2), 12)
    return _NUMBER_WORDS[months - 1]


def _spoken_date(value: object) -> str:
    """A delivery date as a mother would say it ("March 13th"); "that spring" if unknown."""
    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError):
        return "that spring"
    if pd.isna(day):
        return "that spring"
    suffix = "th" if 11 <= day.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    return f"{day.strftime('%B')} {day.day}{suffix}"


def _patient_persona(
    delivery: pd.Series, rng: random.Random, interview_date: object = None
) -> _Persona:
    girl = rng.random() < 0.5
    baby = rng.choice(bg.BABY_NAMES_GIRL if girl else bg.BABY_NAMES_BOY)
    women = rng.sample(bg.ADULT_WOMEN, 7)
    partner = rng.choice(bg.ADULT_MEN)
    towns = rng.sample(bg.TOWNS, 2)
    clinic = rng.choice(bg.CLINICS)
    moud = str(delivery.get("moud", "none") or "none")
    meds = {
        "methadone": (
            ["methadone", "methadone", "the methadone"],
            ["the clinic", clinic, "the methadone clinic", "my clinic"],
        ),
        "buprenorphine": (
            ["Suboxone", "Subutex", "buprenorphine", "my Suboxone"],
            [clinic, "my doctor's office", "the Suboxone clinic"],
        ),
        "naltrexone": (
            ["Vivitrol", "the Vivitrol shot", "naltrexone"],
            [clinic, "the clinic", "my doctor's office"],
        ),
    }
    med, medplace = meds.get(moud, (["treatment", "my program"], [clinic, "the program"]))
    medadj = {"methadone": "methadone", "buprenorphine": "Suboxone", "naltrexone": "Vivitrol"}.get(
        moud, "addict"
    )
    kid = ["daughter", "girl", "little girl"] if girl else ["son", "boy", "little guy"]
    flags = {
        "nows" if _truthy(delivery.get("infant_nows")) else "nonows",
        "cps" if _truthy(delivery.get("cps_report")) else "nocps",
        moud,
    }
    if moud in ("methadone", "buprenorphine"):
        flags.add("daily")
    flags.add("partner" if rng.random() < 0.7 else "single")
    flags.add("kids" if rng.random() < 0.55 else "firstbaby")
    for column, flag in (
        ("housing_instability", "housing"),
        ("pmad", "pmad"),
        ("peer_recovery_coach", "peer"),
    ):
        if _truthy(delivery.get(column)):
            flags.add(flag)
    family = rng.choice(
        [
            ["my mom", "my mother"],
            ["my grandma", "my nana"],
            [f"my aunt {women[4]}", "my aunt"],
            [f"my sister {women[0]}"],
        ]
    )
    slots: dict[str, str | list[str]] = {
        "baby": baby,
        "babyref": [baby, baby, f"my {kid[0]}", f"my {kid[1]}", "my baby", "the baby"],
        "he": "she" if girl else "he",
        "him": "her" if girl else "him",
        "his": "her" if girl else "his",
        "partner": partner,
        "family": family,
        "sister": women[0],
        "nurse": women[1],
        "counselor": women[2],
        "peer": women[3] if "peer" in flags else [women[3], f"this lady {women[3]}"],
        "sponsor": women[5],
        "caseworker": [women[6], f"Ms. {women[6]}"],
        "clinic": clinic,
        "hospital": rng.choice(bg.HOSPITALS),
        "town": towns[0],
        "town2": towns[1],
        "med": med,
        "medplace": medplace,
        "medadj": medadj,
        "month": list(bg.MONTHS),
        "day": [str(d) for d in range(1, 29)],
        "weekday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        "digits": [f"{d:02d}" for d in range(100)],
        "echo": [
            f"{baby}'s dad",
            "the NICU",
            clinic,
            "your mom",
            "the nurses",
            "your counselor",
            "the social worker",
            "your recovery",
            "going home",
            "the hospital",
        ],
        "carewho": ["the hospital", "the clinic", "the nurses", "CPS"],
        "age_months": _months(delivery.get("delivery_date"), interview_date),
        "birth_date": _spoken_date(delivery.get("delivery_date")),
    }
    slots.update({name: list(items) for name, items in DETAILS.items()})
    names = frozenset([baby, partner, *women, clinic.split()[0], *towns, "Ms."])
    planted = {
        **{name: "person" for name in (baby, partner, *women)},
        **{town: "location" for town in towns},
        clinic: "organization",
        str(slots["hospital"]): "organization",
    }
    return _Persona("patient", frozenset(flags), slots, names, rng.uniform(0.6, 1.5), planted)


def _provider_persona(ptype: str, rng: random.Random) -> _Persona:
    women = rng.sample(bg.ADULT_WOMEN, 2)
    clinic = rng.choice(bg.CLINICS)
    towns = rng.sample(bg.TOWNS, 2)
    slots: dict[str, str | list[str]] = {
        "moms": [
            "our moms",
            "these moms",
            "the mothers",
            "a lot of our patients",
            "the women we see",
            "our patients with OUD",
        ],
        "med": ["methadone", "buprenorphine", "Suboxone", "MOUD", "their medication"],
        "medadj": ["methadone", "Suboxone", "MOUD"],
        "unit": rng.choice(PROVIDER_UNITS.get(ptype, ("the unit",))),
        "ptype": PROVIDER_TITLES.get(ptype, ptype.replace("_", " ")),
        "training": PROVIDER_TRAINING.get(ptype, ["public health"]),
        "lived": "in recovery myself" if ptype == "peer_coach" else "a mom myself",
        "hospital": rng.choice(bg.HOSPITALS),
        "clinic": clinic,
        "town": towns,
        "town2": towns[1],
        "colleague": women,
        "month": list(bg.MONTHS),
        "digits": [f"{d:02d}" for d in range(100)],
        "echo": ["rooming-in", "the plan of safe care", "the scoring", "the pharmacy", clinic],
        "carewho": ["the hospital", "the system"],
    }
    slots.update({name: list(items) for name, items in DETAILS.items()})
    names = frozenset([*women, clinic.split()[0], *towns])
    planted = {
        **{name: "person" for name in women},
        **{town: "location" for town in towns},
        clinic: "organization",
        str(slots["hospital"]): "organization",
    }
    return _Persona("provider", frozenset({ptype}), slots, names, rng.uniform(0.4, 1.0), planted)
