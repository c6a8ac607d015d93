"""The set-based episode engine: one ibis expression for DuckDB and Spark.

The reference engine walks each person's fills keeping a running supply end. Here the same
result comes from window aggregates only, so the database can run it in parallel:

* Fill ends without carry-over are ``d_i + s_i`` (``d`` = fill day number, ``s`` = days supply)
  and the running end before fill ``i`` is ``max_{j<i}(d_j + s_j)`` — a running max over the
  preceding rows. The running max never needs a reset at episode breaks: a fill that starts a
  new episode lies more than ``gap_days`` after everything before it, so its own end is the
  new maximum.
* With carry-over the recursion ``e_i = max(d_i, e_{i-1}) + s_i`` unrolls to
  ``e_i = max_{k<=i}(d_k + s_k + ... + s_i) = C_i + max_{k<=i}(d_k - C_{k-1})`` with
  ``C_i`` the cumulative supply: a cumulative sum, then a prefix max. Again no reset is needed
  at a gap-driven break (there ``d_i > e_{i-1}``, so the formula gives ``d_i + s_i``). For
  ``carryover="same_drug"`` the two windows are partitioned by runs of consecutive fills of the
  same drug, which restarts the carried supply at a drug change.
* A fill starts an episode when it is first in its stream (person; person and drug; or
  person and drug run) or ``d_i - max_{j<i} e_j > gap_days``; the episode number within the
  stream is the running count of starts.

Every window is ordered by ``(fill_date, claim_id, drug, days_supply)`` — a total order up to
exact duplicates, so DuckDB and Spark agree row for row. Days are integers
(``fill_date.epoch_days()``) and only the final ``end`` is turned back into a DATE.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from analysis.episodes._rules import EpisodeRules

_EPOCH = ibis.date(1970, 1, 1)


def episodes_expr(fills: ir.Table, rules: EpisodeRules, duplicates: bool = False) -> ir.Table:
    """Episodes of a validated fills table (``person_id, fill_date, drug, days_supply,
    claim_id``) as an ibis expression with columns
    ``person_id, episode, start, end, n_fills, drugs``.

    ``duplicates=True``: the fills may hold exact duplicates (same person, date, drug, days
    supply and claim). They are adjacent in the window order, so a ``lag`` in the first
    window flags every copy after the first; a copy adds no supply and is not counted, so the
    episodes are those of the deduplicated fills, and the result has one more column,
    ``ep_dups`` (copies per episode), for the caller to report.
    """
    t = fills.select(
        person_id=fills.person_id.cast("string"),
        fill_date=fills.fill_date.cast("date"),
        drug=fills.drug.cast("string"),
        claim_id=fills.claim_id.cast("string"),
        ep_day=fills.fill_date.cast("date").epoch_days().cast("int64"),
        ep_supply=fills.days_supply.cast("int64"),
    )
    base = ["person_id"] + (["drug"] if rules.per_drug else [])
    if rules.carryover == "same_drug" or rules.drug_change_new_episode:
        dup = {"ep_dup": _copy_flag(t, base)} if duplicates else {}
        changed = (t.drug != t.drug.lag().over(_window(t, base))).fill_null(True)
        t = t.mutate(ep_change=changed.cast("int64"), **dup)
        t = t.mutate(ep_run=t.ep_change.sum().over(_running(t, base)))
    stream = base + (["ep_run"] if rules.drug_change_new_episode else [])
    carry_stream = base + (["ep_run"] if rules.carryover == "same_drug" else [])
    flag_copies = duplicates and "ep_dup" not in t.columns

    if rules.carryover == "none":
        t = t.mutate(ep_end=t.ep_day + t.ep_supply)
        # one window operator (one sort) for both; a copy ends where its original does, so
        # it never moves the running end
        w = _window(t, stream, rows=(None, -1))
        dup = {"ep_dup": _copy_flag(t, base)} if flag_copies else {}
        t = t.mutate(ep_prev=t.ep_end.max().over(w), **dup)
    else:
        if flag_copies:
            t = t.mutate(ep_dup=_copy_flag(t, base))
        # a copy carries no supply of its own
        own = t.ep_supply * (1 - t.ep_dup) if duplicates else t.ep_supply
        t = t.mutate(ep_own=own)
        cumulative = _running(t, carry_stream)
        t = t.mutate(ep_cum=t.ep_own.sum().over(cumulative).cast("int64"))
        t = t.mutate(ep_pmax=(t.ep_day - t.ep_cum + t.ep_own).max().over(cumulative))
        t = t.mutate(ep_end=t.ep_cum + t.ep_pmax)
        t = t.mutate(ep_prev=t.ep_end.max().over(_window(t, stream, rows=(None, -1))))
    t = t.mutate(
        ep_new=(t.ep_prev.isnull() | ((t.ep_day - t.ep_prev) > rules.gap_days)).cast("int64")
    )
    t = t.mutate(ep_local=t.ep_new.sum().over(_running(t, stream)).cast("int64"))

    counted = {"ep_dups": t.ep_dup.sum().cast("int64")} if duplicates else {}
    grouped = t.group_by(stream + ["ep_local"]).aggregate(
        start=t.fill_date.min(),
        ep_end_day=(t.ep_end.max() + (rules.gap_days if rules.append_gap else 0)).cast("int64"),
        n_fills=(t.count() - (t.ep_dup.sum() if duplicates else 0)).cast("int64"),
        drugs=t.drug.collect(distinct=True).sort().join(","),
        **counted,
    )
    if stream == ["person_id"]:
        # one stream per person: its running count of starts already numbers the episodes
        # in time order
        episode = grouped.ep_local
    else:
        episode = (
            ibis.row_number().over(
                ibis.window(
                    group_by=grouped.person_id,
                    order_by=[grouped.start, grouped.ep_end_day, grouped.drugs],
                )
            )
            + 1
        )
    numbered = grouped.mutate(
        episode=episode.cast("int64"),
        end=_EPOCH + grouped.ep_end_day.cast("int32").as_interval("D"),
    )
    return numbered.select(
        "person_id",
        "episode",
        "start",
        numbered.end.cast("date").name("end"),
        "n_fills",
        "drugs",
        *(["ep_dups"] if duplicates else []),
    )


def _window(t: ir.Table, group: list[str], rows: tuple | None = None):
    """A window over ``group`` in the total fill order ``(fill_date, claim_id, drug,
    days_supply)`` (the last two only order fills that share a date and claim id)."""
    order = [t.fill_date, t.claim_id, t.drug, t.ep_supply]
    if rows is None:
        return ibis.window(group_by=[t[c] for c in group], order_by=order)
    return ibis.window(group_by=[t[c] for c in group], order_by=order, rows=rows)


def _running(t: ir.Table, group: list[str]):
    """The running window up to the current row and its peers (``RANGE``): rows are peers
    only when they are exact duplicates, and peers must get the same running values
    wherever the database happens to place them among each other."""
    order = [t.fill_date, t.claim_id, t.drug, t.ep_supply]
    return ibis.window(group_by=[t[c] for c in group], order_by=order, range=(None, 0))


def _copy_flag(t: ir.Table, group: list[str]) -> ir.IntegerValue:
    """1 for a fill equal to the fill before it in the window order (a duplicate), else 0."""
    w = _window(t, group)
    same = [t[c] == t[c].lag().over(w) for c in ("claim_id", "ep_day", "drug", "ep_supply")]
    return ibis.and_(*same).fill_null(False).cast("int64")
