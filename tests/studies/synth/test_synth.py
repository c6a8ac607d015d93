"""Tests of the synthetic cohort generator (`dyadlab synth`, `studies.synth`).

The statistical checks recompute the quantities from the written tables with independent,
plain-pandas code (a 30-day permissible-gap episode rule written here, person-time counted
here), and compare them with the ranges the generator is meant to produce (documented in
studies/synth/cohort.py and events.py: postpartum discontinuation of roughly a third to a half
by 180 days, methadone retaining better than buprenorphine, housing instability harmful,
overdose rates higher off MOUD and highest 7-12 months postpartum).
"""

from __future__ import annotations

import gzip
import json

import numpy as np
import pandas as pd
import pytest

from studies.cli import main
from studies.synth import generate_cohort, write_study
from studies.synth.cohort import HORIZON_DAYS

DELIVERY_COLUMNS = [
    "delivery_id",
    "person_id",
    "delivery_date",
    "site",
    "age",
    "race_ethnicity",
    "insurance",
    "parity",
    "pmad",
    "housing_instability",
    "moud_initiation_week",
    "moud_start",
    "moud",
    "peer_recovery_coach",
    "peer_recovery_coach_start_date",
    "home_visiting",
    "home_visiting_start_date",
    "cps_report",
    "infant_nows",
    "plan_of_safe_care",
    "coverage_start_date",
    "coverage_end_date",
]
DISPENSING_COLUMNS = ["claim_id", "person_id", "fill_date", "drug", "days_supply", "source"]
EVENT_COLUMNS = ["event_id", "person_id", "delivery_id", "event_date", "event_type"]
PARTICIPANT_COLUMNS = [
    "participant_id",
    "role",
    "site",
    "person_id",
    "provider_type",
    "interview_date",
]


@pytest.fixture(scope="module")
def big():
    """4,000 deliveries: enough for the covariate orderings to be clear (about 1 s). The
    truth view: no record is cut at the coverage start or the data end."""
    cohort = generate_cohort(4000, seed=7, observed_only=False)
    return cohort, cohort.dispensing()


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth") / "study"
    write_study(folder, generate_cohort(1500, seed=20261127), transcripts=False)
    return folder


def _read(folder, name):
    suffix = ".csv.gz" if name == "dispensing" else ".csv"
    return pd.read_csv(folder / "data" / f"{name}{suffix}", keep_default_na=False, dtype=str)


def _all_bytes(folder):
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# --- determinism -------------------------------------------------------------------------


def test_same_seed_gives_identical_bytes_and_other_seed_differs(tmp_path):
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        write_study(tmp_path / name, generate_cohort(300, seed=seed), transcripts=False)
    a, b, c = (_all_bytes(tmp_path / n) for n in "abc")
    assert set(a) == {
        "study.yaml",
        "data/deliveries.csv",
        "data/dispensing.csv.gz",
        "data/events.csv",
        "data/participants.csv",
        "data/SYNTHETIC.json",
    }
    assert a == b
    for name in ("data/deliveries.csv", "data/dispensing.csv.gz", "data/events.csv"):
        assert a[name] != c[name]
    # gzip header: no file name, mtime 0 (RFC 1952: bytes 4-7 are MTIME, flag 0x08 = FNAME).
    raw = a["data/dispensing.csv.gz"]
    assert raw[:2] == b"\x1f\x8b" and raw[4:8] == b"\0\0\0\0" and not raw[3] & 0x08


# --- shapes, columns, types --------------------------------------------------------------


def test_columns_and_row_counts(written):
    deliveries = _read(written, "deliveries")
    fills = _read(written, "dispensing")
    events = _read(written, "events")
    participants = _read(written, "participants")
    assert list(deliveries.columns) == DELIVERY_COLUMNS
    assert list(fills.columns) == DISPENSING_COLUMNS
    assert list(events.columns) == EVENT_COLUMNS
    assert list(participants.columns) == PARTICIPANT_COLUMNS
    assert len(deliveries) == 1500
    persons = deliveries["person_id"].value_counts()
    assert persons.max() == 2
    assert 0.06 <= (persons == 2).mean() <= 0.10  # ~8 % of persons deliver twice
    assert 40_000 <= len(fills) <= 200_000
    assert 300 <= len(events) <= 3000
    assert (participants["role"] == "patient").sum() == 20
    assert (participants["role"] == "provider").sum() == 10
    assert participants["participant_id"].str.fullmatch(r"P\d\d|V\d\d").all()


def test_values_and_types(written):
    d = _read(written, "deliveries")
    dates = pd.to_datetime(d["delivery_date"], format="%Y-%m-%d")
    assert dates.min() >= pd.Timestamp("2019-01-01") and dates.max() <= pd.Timestamp("2024-12-31")
    assert set(d["site"]) == {"north", "central", "south"}
    assert set(d["insurance"]) == {"medicaid", "private", "uninsured"}
    for column in (
        "pmad",
        "housing_instability",
        "peer_recovery_coach",
        "home_visiting",
        "cps_report",
        "infant_nows",
        "plan_of_safe_care",
    ):
        assert set(d[column]) == {"true", "false"}, column
    assert d["age"].astype(int).between(17, 60).all()
    assert d["parity"].astype(int).between(0, 20).all()
    mix = d["moud"].value_counts(normalize=True)
    assert abs(mix["buprenorphine"] - 0.45) < 0.05
    assert abs(mix["methadone"] - 0.35) < 0.05
    assert abs(mix["naltrexone"] - 0.05) < 0.025
    assert abs(mix["none"] - 0.15) < 0.04
    on = d["moud"] != "none"
    started = d["moud_start"] != ""
    assert (started == (d["moud_initiation_week"] != "")).all()
    assert started[on].all()
    # Some without MOUD at delivery started in pregnancy and stopped 75-180 days before.
    assert 0.1 < started[~on].mean() < 0.4
    weeks = d.loc[started, "moud_initiation_week"].astype(int)
    assert weeks.between(4, 40).all()
    before = (dates - pd.to_datetime(d["moud_start"])).dt.days
    assert (before[on] >= 7).all() and (before[started & ~on] >= 75 + 28).all()
    # NOWS is more likely after in-utero methadone/buprenorphine than with naltrexone.
    nows = (d["infant_nows"] == "true").groupby(d["moud"]).mean()
    assert nows["methadone"] > nows["naltrexone"] and nows["buprenorphine"] > nows["naltrexone"]


def test_dispensing_invariants(written):
    f = _read(written, "dispensing")
    d = _read(written, "deliveries")
    supply = f["days_supply"].astype(int)
    assert supply.between(1, 365).all()
    assert f["claim_id"].is_unique and d["delivery_id"].is_unique
    assert set(f["person_id"]) <= set(d["person_id"])
    by_drug = supply.groupby(f["drug"])
    assert by_drug.min()["buprenorphine"] == 7 and by_drug.max()["buprenorphine"] == 30
    assert by_drug.min()["methadone"] == 1 and by_drug.max()["methadone"] == 14
    assert set(supply[f["drug"] == "naltrexone"]) == {28, 30}
    assert set(f.groupby("drug")["source"].unique().map(tuple)) == {
        ("pharmacy",),
        ("otp",),
        ("clinic",),
    }
    # Early refills overlap the previous supply: some fills come before the last one runs out.
    bup = f[f["drug"] == "buprenorphine"].assign(
        fill_date=lambda x: pd.to_datetime(x["fill_date"]),
        days_supply=lambda x: x["days_supply"].astype(int),
    )
    prev_end = (
        (bup["fill_date"] + pd.to_timedelta(bup["days_supply"], unit="D"))
        .groupby(bup["person_id"])
        .shift()
    )
    assert ((bup["fill_date"] < prev_end).mean()) > 0.1
    # Sorted by person and date, as the claim ids number them.
    assert f["claim_id"].is_monotonic_increasing
    assert (f["person_id"] + f["fill_date"]).is_monotonic_increasing
    with gzip.open(written / "data" / "dispensing.csv.gz", "rt") as handle:
        assert handle.readline() == ",".join(DISPENSING_COLUMNS) + "\n"


def test_events_never_before_delivery_and_ids_unique(written):
    e = _read(written, "events")
    d = _read(written, "deliveries")
    assert e["event_id"].is_unique
    joined = e.merge(
        d[["delivery_id", "person_id", "delivery_date", "coverage_end_date"]],
        on="delivery_id",
        suffixes=("", "_d"),
        validate="many_to_one",
    )
    assert (joined["person_id"] == joined["person_id_d"]).all()
    day = (pd.to_datetime(joined["event_date"]) - pd.to_datetime(joined["delivery_date"])).dt.days
    assert day.min() >= 1
    assert day.max() > 365  # follow-up runs past a year; analyses censor
    # One death at most per delivery, nothing after it.
    deaths = joined[joined["event_type"].isin(["overdose_fatal", "death_other"])]
    assert deaths["delivery_id"].is_unique
    last = joined.assign(day=day).groupby("delivery_id")["day"].max()
    assert (last[deaths["delivery_id"]].to_numpy() == day[deaths.index].to_numpy()).all()
    # coverage_end_date is reflected by a coverage_loss event the day after.
    loss = joined[joined["event_type"] == "coverage_loss"]
    end = pd.to_datetime(loss["coverage_end_date"])
    assert ((pd.to_datetime(loss["event_date"]) - end).dt.days == 1).all()
    # ... when that day is within the data (studies.synth.generate.DATA_END, 2025-06-30)
    ends = pd.to_datetime(d["coverage_end_date"].replace("", None))
    assert len(loss) == (ends + pd.Timedelta(days=1) <= pd.Timestamp("2025-06-30")).sum()
    assert pd.to_datetime(e["event_date"]).max() <= pd.Timestamp("2025-06-30")


def test_coverage_start_and_service_dates(written):
    d = _read(written, "deliveries")
    delivered = pd.to_datetime(d["delivery_date"])
    lookback = (delivered - pd.to_datetime(d["coverage_start_date"])).dt.days
    assert (lookback >= 0).all()
    # about 12 % enrolled less than 90 days before delivery (LATE_ENROLMENT_SHARE)
    assert 0.08 < (lookback < 90).mean() < 0.16
    for service in ("peer_recovery_coach", "home_visiting"):
        dated = d[f"{service}_start_date"] != ""
        assert (dated == (d[service] == "true")).all()
    home = d[d["home_visiting"] == "true"]
    after = pd.to_datetime(home["home_visiting_start_date"]) > pd.to_datetime(home["delivery_date"])
    assert after.mean() > 0.7  # most home visiting starts after delivery
    fills = _read(written, "dispensing")
    assert pd.to_datetime(fills["fill_date"]).max() <= pd.Timestamp("2025-06-30")


def test_no_dispensing_after_death(big):
    cohort, fills = big
    events = cohort.events
    deaths = events[events["event_type"].isin(["overdose_fatal", "death_other"])]
    last_fill = fills.groupby("person_id")["fill_date"].max()
    died = deaths.set_index("person_id")["event_date"]
    last = last_fill.reindex(died.index)
    assert len(died) > 10
    assert (last.dropna() < died[last.notna()]).all()


# --- the hazard model, checked from the dispensing table -----------------------------------


def _episodes(fills: pd.DataFrame, gap_days: int = 30) -> pd.DataFrame:
    """Treatment episodes with a permissible gap, written independently of the generator."""
    f = fills.sort_values(["person_id", "fill_date", "claim_id"]).reset_index(drop=True)
    end = f["fill_date"] + pd.to_timedelta(f["days_supply"], unit="D")
    running = end.groupby(f["person_id"]).cummax()
    previous = running.groupby(f["person_id"]).shift()
    new = previous.isna() | ((f["fill_date"] - previous).dt.days > gap_days)
    episode = new.cumsum()
    return (
        pd.DataFrame(
            {
                "person_id": f["person_id"],
                "start": f["fill_date"],
                "end": running,
                "episode": episode,
            }
        )
        .groupby("episode")
        .agg(person_id=("person_id", "first"), start=("start", "min"), end=("end", "max"))
    )


def _discontinued_180(cohort, fills) -> pd.DataFrame:
    d = cohort.deliveries.copy()
    d["death_day"] = cohort.death_day
    d["coverage_day"] = cohort.coverage_end_day
    d = d[(d["moud"] != "none") & (d["death_day"] > 210) & (d["coverage_day"] > 210)]
    episodes = _episodes(fills)
    m = pd.merge_asof(
        d.sort_values("delivery_date"),
        episodes.sort_values("start"),
        left_on="delivery_date",
        right_on="start",
        by="person_id",
    )
    # Every delivery on MOUD has an episode covering it, or ending at most 30 days before it
    # (a short gap that the true course would have bridged had it not stopped at delivery).
    assert (m["end"] >= m["delivery_date"] - pd.Timedelta(days=30)).all()
    m["days_on_moud"] = (m["end"] - m["delivery_date"]).dt.days.clip(lower=0)
    m["discontinued"] = m["days_on_moud"] < 180
    return m


def test_discontinuation_at_180_days_in_range_and_ordered(big):
    m = _discontinued_180(*big)
    overall = m["discontinued"].mean()
    assert 0.30 <= overall <= 0.50, overall
    by_drug = m.groupby("moud")["discontinued"].mean()
    assert by_drug["methadone"] + 0.05 < by_drug["buprenorphine"] < by_drug["naltrexone"]
    by_housing = m.groupby("housing_instability")["discontinued"].mean()
    assert by_housing[True] > by_housing[False] + 0.05
    by_coach = m.groupby("peer_recovery_coach")["discontinued"].mean()
    assert by_coach[True] < by_coach[False]
    by_pmad = m.groupby("pmad")["discontinued"].mean()
    assert by_pmad[True] > by_pmad[False]


def test_dispensing_agrees_with_the_treatment_truth(big):
    cohort, fills = big
    m = _discontinued_180(cohort, fills)
    spans = cohort.spans
    first = spans[(spans["episode"] == 1) & (spans["start"] < 0)].set_index("delivery")
    position = pd.Series(np.arange(len(cohort.deliveries)), index=cohort.deliveries["delivery_id"])
    rows = position[m["delivery_id"]].to_numpy()
    # Dispensing stops at death and after the coverage end: the truth as claims can see it.
    truth_end = np.minimum.reduce(
        [
            first["end"].reindex(rows).to_numpy(),
            cohort.death_day[rows],
            cohort.coverage_end_day[rows] + 1,
        ]
    )
    # The observed episode ends when the last supply runs out: after the true stop by at most
    # one supply (30 days) plus a bridged gap (21 days), or before it by less than the gap
    # rule when the true course stops inside an uncovered gap (at most 21 days).
    lag = m["days_on_moud"].to_numpy() - truth_end
    assert ((lag > -22) & (lag <= 51)).all(), (lag.min(), lag.max())
    assert (lag >= 0).mean() > 0.85


def test_short_gaps_need_bridging_and_restarts_exist(big):
    _, fills = big
    strict = _episodes(fills, gap_days=0)
    bridged = _episodes(fills, gap_days=30)
    assert len(strict) > 1.5 * len(bridged)  # many gaps of 1-30 days
    per_person = bridged.groupby("person_id").size()
    assert (per_person >= 2).mean() > 0.1  # restarts after > 30 uncovered days


def test_overdose_rate_higher_off_moud_and_highest_7_to_12_months(big):
    """Overdose rates per person-day from a day-by-day status grid built here from the true
    spans: off MOUD > on MOUD, the first 4 weeks after stopping > later off-MOUD time, and
    days 181-365 > days 1-90 (Schiff et al. 2018; Sordo et al. 2017)."""
    cohort, _ = big
    spans = cohort.spans
    n = len(cohort.deliveries)
    keep = (cohort.death_day > 365) & (cohort.coverage_end_day > 365)
    # Day t (1..365) is on MOUD when start < t <= end for a span (the event-day convention).
    d = spans["delivery"].to_numpy()
    start = np.clip(spans["start"].to_numpy(), 0, 366)
    end = np.clip(spans["end"].to_numpy(), 0, 366)
    on = np.zeros((n, 368), dtype=np.int16)
    np.add.at(on, (d, start + 1), 1)
    np.add.at(on, (d, end + 1), -1)
    on = np.cumsum(on, axis=1)[:, 1:366] > 0  # columns: days 1..365
    recent = np.zeros((n, 368), dtype=np.int16)
    ended = spans["ended"].to_numpy() & (end < 366) & (spans["end"].to_numpy() > 0)
    np.add.at(recent, (d[ended], end[ended] + 1), 1)
    np.add.at(recent, (d[ended], np.minimum(end[ended] + 29, 367)), -1)
    recent = (np.cumsum(recent, axis=1)[:, 1:366] > 0) & ~on
    later_off = ~on & ~recent

    position = pd.Series(np.arange(n), index=cohort.deliveries["delivery_id"])
    e = cohort.events[cohort.events["event_type"] == "overdose_nonfatal"]
    row = position[e["delivery_id"]].to_numpy()
    day = e["event_date"].to_numpy() - cohort.deliveries["delivery_date"].to_numpy()[row]
    day = day.astype("timedelta64[D]").astype(int)
    chosen = keep[row] & (day <= 365)
    row, day = row[chosen], day[chosen]

    def rate(status):
        return status[row, day - 1].sum() / status[keep].sum()

    on_rate, recent_rate, later_rate = rate(on), rate(recent), rate(later_off)
    assert later_rate > 2 * on_rate, (on_rate, later_rate)
    assert recent_rate > 1.25 * later_rate, (recent_rate, later_rate)  # model: x2
    by_period = np.histogram(day, bins=[0, 90, 180, 365])[0] / np.array([90, 90, 185])
    assert by_period[2] == by_period.max() and by_period[2] > 1.5 * by_period[0]


def test_events_extend_to_the_horizon(big):
    cohort, _ = big
    day = (
        cohort.events["event_date"].to_numpy()
        - cohort.deliveries.set_index("delivery_id")
        .loc[cohort.events["delivery_id"], "delivery_date"]
        .to_numpy()
    )
    days = day.astype("timedelta64[D]").astype(int)
    assert days.min() >= 1 and days.max() <= HORIZON_DAYS + 1


# --- data dictionary ---------------------------------------------------------------------


def test_output_passes_the_data_dictionary(written):
    import data_dictionary as dd

    tables = {}
    for name in ("deliveries", "dispensing", "events", "participants"):
        suffix = ".csv.gz" if name == "dispensing" else ".csv"
        tables[name] = dd.read_table(written / "data" / f"{name}{suffix}", name)
    dd.check_relations(tables)  # foreign keys and events not before their delivery


# --- command line ------------------------------------------------------------------------


def test_cli_writes_study_and_json_summary(tmp_path, capsys):
    target = tmp_path / "s"
    status = main(
        [
            "synth",
            str(target),
            "--seed",
            "3",
            "--deliveries",
            "200",
            "--participants",
            "6",
            "--no-transcripts",
            "--json",
        ]
    )
    assert status == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["rows"]["deliveries"] == 200
    assert summary["rows"]["participants"] == 6
    with gzip.open(target / "data" / "dispensing.csv.gz", "rt") as handle:
        assert summary["rows"]["dispensing"] == sum(1 for _ in handle) - 1
    assert (target / "study.yaml").exists() and summary["study_yaml_written"] is True


def test_cli_keeps_an_existing_study_yaml(tmp_path):
    (tmp_path / "study.yaml").write_text("name: mine\n")
    assert (
        main(["synth", str(tmp_path), "--seed", "1", "--deliveries", "50", "--no-transcripts"]) == 0
    )
    assert (tmp_path / "study.yaml").read_text() == "name: mine\n"


def test_cli_refuses_to_overwrite_data_it_did_not_write(tmp_path, capsys):
    real = tmp_path / "data" / "deliveries.csv"
    real.parent.mkdir()
    real.write_text("delivery_id,person_id\nreal,data\n")
    args = ["synth", str(tmp_path), "--seed", "1", "--deliveries", "30", "--no-transcripts"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "deliveries.csv" in err and "--force" in err and len(err.strip().splitlines()) == 1
    assert real.read_text() == "delivery_id,person_id\nreal,data\n"
    assert not (tmp_path / "data" / "events.csv").exists()
    # A folder synth wrote (it has the marker) is regenerated without --force ...
    assert main([*args, "--force"]) == 0
    marker = json.loads((tmp_path / "data" / "SYNTHETIC.json").read_text())
    assert marker["seed"] == 1 and marker["deliveries"] == 30
    assert main(args) == 0
    assert real.read_text().startswith("delivery_id,person_id,delivery_date,")


@pytest.mark.parametrize(
    "args",
    [
        ["synth", "X"],  # --seed is required
        ["synth", "X", "--seed", "abc"],
        ["synth", "X", "--seed", "1", "--deliveries", "0"],
        ["synth", "X", "--seed", "1", "--participants", "-3"],
        ["synth", "--seed", "1"],  # no folder
    ],
)
def test_cli_bad_arguments_exit_2(args, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as excinfo:
        main(args)
    assert excinfo.value.code == 2
    assert not (tmp_path / "X").exists()


def test_cli_unwritable_folder_exits_1_with_one_line(tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    status = main(
        ["synth", str(blocker / "study"), "--seed", "1", "--deliveries", "20", "--no-transcripts"]
    )
    assert status == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("dyadlab synth: ") and "a_file" in err and "cannot" in err


def test_transcripts_and_codings_written_and_deterministic(tmp_path):
    for name in ("a", "b"):
        summary = write_study(
            tmp_path / name, generate_cohort(200, seed=11, n_participants=6), transcripts=True
        )
    assert summary.transcripts == 6
    assert _all_bytes(tmp_path / "a") == _all_bytes(tmp_path / "b")
    folder = tmp_path / "a"
    manifest = pd.read_csv(folder / "transcripts" / "manifest.csv", dtype=str)
    participants = _read(folder, "participants")
    assert sorted(manifest["participant_id"]) == sorted(participants["participant_id"])
    codings = pd.read_csv(folder / "codings.csv", dtype={"transcript_id": str})
    lengths = {
        row.transcript_id: len((folder / "transcripts" / row.file).read_text(encoding="utf-8"))
        for row in manifest.itertuples()
    }
    assert set(codings["transcript_id"]) <= set(lengths)
    assert (codings["start"] >= 0).all() and (codings["start"] < codings["end"]).all()
    assert (codings["end"] <= codings["transcript_id"].map(lengths)).all()
    assert "transcripts: transcripts/manifest.csv" in (folder / "study.yaml").read_text()


def test_analysis_cohort_recovers_moud_at_delivery(big):
    """End to end with analysis.cohort (DuckDB episodes): the drug at delivery it derives from
    the dispensing rows is the recorded one for every delivery, and 180-day discontinuation
    lands in the intended range."""
    from analysis.cohort import build_cohort

    cohort, fills = big
    # the generator's recorded drug counts a delivery in a bridged gap as treated: compare
    # with the bridged reading (the cohort's default is strict, no look-ahead)
    out = build_cohort(
        cohort.deliveries, fills, cohort.events, follow_up_days=180, bridge_delivery_gap=True
    )
    agree = out["moud_at_delivery"] == out["moud"]
    assert agree.mean() > 0.99
    # the rest stopped just before delivery: not on MOUD at delivery, recently treated
    assert (out.loc[~agree, "moud_recent"] == out.loc[~agree, "moud"]).all()
    on = out[out["moud"] != "none"]
    assert 0.30 <= on["discontinued"].mean() <= 0.50


def test_cox_model_recovers_the_discontinuation_hazard_ratios(big):
    """A Cox fit (lifelines) on the true postpartum stop times recovers every log hazard
    ratio the generator was given, within 3 standard errors."""
    from lifelines import CoxPHFitter

    from studies.synth.cohort import DISCONTINUATION_LOG_HR

    cohort, _ = big
    spans = cohort.spans
    first = spans[(spans["episode"] == 1) & (spans["start"] < 0)]
    d = cohort.deliveries.iloc[first["delivery"].to_numpy()].reset_index(drop=True)
    week = d["moud_initiation_week"].astype(int)
    frame = pd.DataFrame(
        {
            "days": first["end"].to_numpy(),
            "stopped": first["ended"].to_numpy().astype(int),
            "methadone": (d["moud"] == "methadone").astype(int),
            "naltrexone": (d["moud"] == "naltrexone").astype(int),
            "peer_recovery_coach": d["peer_recovery_coach"].astype(int),
            "housing_instability": d["housing_instability"].astype(int),
            "pmad": d["pmad"].astype(int),
            "early_initiation": (week < 14).astype(int),
            "late_initiation": (week >= 28).astype(int),
            "uninsured": (d["insurance"] == "uninsured").astype(int),
            "age_under_25": (d["age"] < 25).astype(int),
            "home_visiting": d["home_visiting"].astype(int),
        }
    )
    fit = CoxPHFitter().fit(frame, duration_col="days", event_col="stopped")
    for name, log_hr in DISCONTINUATION_LOG_HR.items():
        coef, se = fit.params_[name], fit.standard_errors_[name]
        assert abs(coef - log_hr) < 3 * se, (name, coef, log_hr, se)


def test_regenerating_removes_transcripts_of_an_earlier_run(tmp_path):
    write_study(tmp_path, generate_cohort(100, seed=2, n_participants=6))
    stale = tmp_path / "transcripts" / "INT-P99.txt"
    stale.write_text("an interview of an earlier run\n")
    write_study(tmp_path, generate_cohort(100, seed=2, n_participants=6))
    assert not stale.exists()
    assert len(list((tmp_path / "transcripts").glob("*.txt"))) == 6
    # In a folder synth did not write (forced), other files are left alone.
    other = tmp_path / "forced"
    (other / "transcripts").mkdir(parents=True)
    (other / "transcripts" / "real.txt").write_text("keep me\n")
    write_study(other, generate_cohort(100, seed=2, n_participants=3), force=True)
    assert (other / "transcripts" / "real.txt").read_text() == "keep me\n"


def test_written_study_passes_dyadlab_validate(tmp_path, capsys):
    """The study.yaml synth writes, and every table and transcript, pass `dyadlab validate`."""
    assert (
        main(
            [
                "synth",
                str(tmp_path / "s"),
                "--seed",
                "4",
                "--deliveries",
                "150",
                "--participants",
                "4",
            ]
        )
        == 0
    )
    assert main(["validate", str(tmp_path / "s")]) == 0
    assert "no problems" in capsys.readouterr().out


def test_event_type_codes_match_the_shared_list():
    """studies.synth.events draws events by position in analysis.cohort.EVENT_TYPES."""
    from studies.synth.events import EVENT_TYPES

    assert EVENT_TYPES[:5] == (
        "return_to_use",
        "overdose_nonfatal",
        "overdose_fatal",
        "death_other",
        "coverage_loss",
    )
