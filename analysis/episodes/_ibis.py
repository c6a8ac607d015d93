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

Every window is ordered by ``(fill_date, claim_id)`` — a total order, so DuckDB and Spark
agree row for row. Days are integers (``fill_date.epoch_days()``) and only the final ``end``
is turned back into a DATE.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from analysis.episodes._rules import EpisodeRules

_EPOCH = ibis.date(1970, 1, 1)


def episodes_expr(fills: ir.Table, rules: EpisodeRules) -> ir.Table:
    """Episodes of a validated fills table (``person_id, fill_date, drug, days_supply,
    claim_id``) as an ibis expression with columns
    ``person_id, episode, start, end, n_fills, drugs``.
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
        previous_drug = t.drug.lag().over(_window(t, base))
        t = t.mutate(ep_change=(t.drug != previous_drug).fill_null(True).cast("int64"))
        t = t.mutate(ep_run=t.ep_change.sum().over(_window(t, base, rows=(None, 0))))
    stream = base + (["ep_run"] if rules.drug_change_new_episode else [])
    carry_stream = base + (["ep_run"] if rules.carryover == "same_drug" else [])

    if rules.carryover == "none":
        t = t.mutate(ep_end=t.ep_day + t.ep_supply)
    else:
        cumulative = _window(t, carry_stream, rows=(None, 0))
        t = t.mutate(ep_cum=t.ep_supply.sum().over(cumulative).cast("int64"))
        t = t.mutate(ep_pmax=(t.ep_day - t.ep_cum + t.ep_supply).max().over(cumulative))
        t = t.mutate(ep_end=t.ep_cum + t.ep_pmax)

    t = t.mutate(ep_prev=t.ep_end.max().over(_window(t, stream, rows=(None, -1))))
    t = t.mutate(
        ep_new=(t.ep_prev.isnull() | ((t.ep_day - t.ep_prev) > rules.gap_days)).cast("int64")
    )
    t = t.mutate(ep_local=t.ep_new.sum().over(_window(t, stream, rows=(None, 0))).cast("int64"))

    grouped = t.group_by(stream + ["ep_local"]).aggregate(
        start=t.fill_date.min(),
        ep_end_day=(t.ep_end.max() + (rules.gap_days if rules.append_gap else 0)).cast("int64"),
        n_fills=t.count().cast("int64"),
        drugs=t.drug.collect(distinct=True).sort().join(","),
    )
    numbered = grouped.mutate(
        episode=(
            ibis.row_number().over(
                ibis.window(
                    group_by=grouped.person_id,
                    order_by=[grouped.start, grouped.ep_end_day, grouped.drugs],
                )
            )
            + 1
        ).cast("int64"),
        end=_EPOCH + grouped.ep_end_day.cast("int32").as_interval("D"),
    )
    return numbered.select(
        "person_id", "episode", "start", numbered.end.cast("date").name("end"), "n_fills", "drugs"
    )


def _window(t: ir.Table, group: list[str], rows: tuple | None = None):
    """A window over ``group`` in the total fill order ``(fill_date, claim_id)``."""
    order = [t.fill_date, t.claim_id]
    if rows is None:
        return ibis.window(group_by=[t[c] for c in group], order_by=order)
    return ibis.window(group_by=[t[c] for c in group], order_by=order, rows=rows)
