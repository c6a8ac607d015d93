"""derive_episodes on an ibis table and on Parquet paths: the validation runs as one aggregate
plus the episode query (duplicates found inside it), still reports every problem with counts
and examples, and the episodes equal the plain-Python reference on randomized data with
duplicates and bad rows mixed in, for every rule set."""

from __future__ import annotations

import re

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis.episodes import derive_episodes
from analysis.episodes._validate import InvalidFillsWarning
from analysis.errors import AnalysisError
from tests.analysis.episodes.fixtures import fills, random_fills
from tests.analysis.episodes.test_episodes import RULESETS, many_random_fills


def with_copies(data: pd.DataFrame, seed: int = 3) -> tuple[pd.DataFrame, int]:
    """``data`` plus exact copies of some fills (a few copied twice), shuffled; and the
    number of copies added. Copies of early refills matter most with carry-over, where a
    copy counted twice would stockpile its supply."""
    rng = np.random.default_rng(seed)
    picked = rng.choice(len(data), size=len(data) // 10, replace=False)
    twice = picked[: len(picked) // 4]
    copies = pd.concat([data.iloc[picked], data.iloc[twice]])
    out = pd.concat([data, copies], ignore_index=True)
    out = out.iloc[rng.permutation(len(out))].reset_index(drop=True)
    return out, len(copies)


@pytest.mark.parametrize("gap", [0, 30])
def test_table_with_duplicates_matches_reference_for_every_rule_set(gap):
    data = many_random_fills(range(3))
    noisy, n_copies = with_copies(data)
    table = ibis.memtable(noisy)
    for options in RULESETS:
        want = derive_episodes(data, gap, engine="pandas", **options)
        with pytest.warns(InvalidFillsWarning, match=rf"dropped {n_copies} .*{n_copies} dupl"):
            got = derive_episodes(table, gap, on_invalid="drop_with_warning", **options)
        got = got.to_pandas().sort_values(["person_id", "episode"]).reset_index(drop=True)
        for column in ("start", "end"):
            got[column] = pd.to_datetime(got[column]).astype("datetime64[ns]")
        pd.testing.assert_frame_equal(got, want, check_dtype=False, obj=f"episodes {options}")


def test_same_date_and_claim_with_another_drug_is_not_a_duplicate():
    data = fills(
        [
            ("a", "2023-01-01", "methadone", 7, "k1"),
            ("a", "2023-01-01", "buprenorphine", 7, "k1"),
            ("a", "2023-01-01", "buprenorphine", 14, "k1"),
        ]
    )
    want = derive_episodes(data, engine="pandas", carryover=True)
    got = derive_episodes(ibis.memtable(data), carryover=True).to_pandas()
    assert got["n_fills"].tolist() == want["n_fills"].tolist() == [3]
    assert got["end"].astype(str).tolist() == ["2023-01-29"] == want["end"].astype(str).tolist()


def test_every_problem_is_reported_with_counts_and_examples():
    rows = [
        ("a", "2023-01-01", "methadone", 7, "ok1"),
        ("a", "2023-01-02", "methadone", 0, "zero"),
        ("a", "2023-01-03", "methadone", 400, "long"),
        ("b", "2023-01-04", "heroin", 7, "h1"),
        ("b", "2023-01-05", "heroin", 7, "h2"),
        ("b", "2023-01-06", "kratom", 7, "k1"),
        ("c", "2023-02-01", "naltrexone", 30, "twice"),
        ("c", "2023-02-01", "naltrexone", 30, "twice"),
        ("c", "2023-02-01", "naltrexone", 30, "twice"),
        ("d", "2023-03-01", "buprenorphine", 14, "dup2"),
        ("d", "2023-03-01", "buprenorphine", 14, "dup2"),
        ("e", "2021-03-01", "buprenorphine", 14, "early"),
    ]
    data = fills(rows)
    extra = [[None, pd.Timestamp("2023-01-01"), "methadone", 7, "noperson"]]
    extra.append(["f", pd.NaT, "methadone", 7, "nodate"])
    data = pd.concat([data, pd.DataFrame(extra, columns=data.columns)], ignore_index=True)
    window = ("2022-01-01", "2023-12-31")
    with pytest.raises(AnalysisError) as error:
        derive_episodes(ibis.memtable(data), study_window=window)
    text = str(error.value)
    assert "1 missing person_id (claims 'noperson')" in text
    assert "1 missing fill_date (claims 'nodate')" in text
    assert "2 days_supply not a whole number between 1 and 365 (claims 'long', 'zero')" in text
    assert re.search(
        r"3 unknown drug name\(s\) \['heroin' ×2, 'kratom' ×1\].*'h1', 'h2', 'k1'", text
    )
    assert "1 fill_date outside the study window 2022-01-01–2023-12-31 (claims 'early')" in text
    assert "3 duplicate fill(s) (same person, date, drug, days supply and claim) (claims " in text
    assert "'dup2', 'twice'" in text
    # duplicates alone are found by the episode query and reported the same way
    clean = data.dropna().query("days_supply <= 365 and days_supply > 0 and drug != 'heroin'")
    clean = clean[(clean["drug"] != "kratom") & (clean["claim_id"] != "early")]
    with pytest.raises(AnalysisError, match=r": invalid dispensing records: 3 duplicate fill"):
        derive_episodes(ibis.memtable(clean))
    with pytest.warns(InvalidFillsWarning, match="dropped 3 invalid dispensing records: 3 dup"):
        result = derive_episodes(ibis.memtable(clean), on_invalid="drop_with_warning")
    assert result.to_pandas().sort_values("person_id")["n_fills"].tolist() == [1, 1, 1]


def test_unknown_drug_on_a_clean_table_raises_before_the_episode_query():
    data = fills([("a", "2023-01-01", "heroin", 7, "x")])
    with pytest.raises(AnalysisError, match=r"1 unknown drug name\(s\) \['heroin' ×1\]"):
        derive_episodes(ibis.memtable(data))


def _arrow(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(
        frame.assign(fill_date=frame["fill_date"].dt.date), preserve_index=False
    )


def test_parquet_file_and_partitioned_folder_read_by_the_engine(tmp_path):
    data = many_random_fills(range(2))
    want = derive_episodes(data, 30, engine="pandas")
    path = tmp_path / "fills.parquet"
    pq.write_table(_arrow(data), path)
    pd.testing.assert_frame_equal(derive_episodes(path, 30), want)
    folder = tmp_path / "dispensing"
    parted = data.assign(year=data["fill_date"].dt.year, state=np.where(data.index % 2, "NJ", "PA"))
    pq.write_to_dataset(_arrow(parted), folder, partition_cols=["year", "state"])
    assert any(p.name.startswith("year=") for p in folder.iterdir())
    pd.testing.assert_frame_equal(derive_episodes(str(folder), 30), want)


def test_parquet_problems_name_the_file(tmp_path):
    data = random_fills(1)
    data.loc[0, "drug"] = "heroin"
    path = tmp_path / "fills.parquet"
    pq.write_table(_arrow(data), path)
    with pytest.raises(AnalysisError, match="unknown drug") as error:
        derive_episodes(path)
    assert error.value.file == str(path)
    with pytest.raises(AnalysisError, match="no such Parquet"):
        derive_episodes(tmp_path / "missing.parquet")
    with pytest.raises(AnalysisError, match="engine='duckdb'"):
        derive_episodes(path, engine="pandas")


def test_parquet_duplicates_reported_and_dropped(tmp_path):
    data = many_random_fills(range(2))
    noisy, n_copies = with_copies(data, seed=5)
    path = tmp_path / "fills.parquet"
    pq.write_table(_arrow(noisy), path)
    with pytest.raises(AnalysisError, match=rf"{n_copies} duplicate fill"):
        derive_episodes(path, carryover=True)
    with pytest.warns(InvalidFillsWarning, match=rf"dropped {n_copies} "):
        got = derive_episodes(path, carryover=True, on_invalid="drop_with_warning")
    pd.testing.assert_frame_equal(got, derive_episodes(data, carryover=True, engine="pandas"))
