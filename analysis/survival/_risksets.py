"""Risk-set sums of the Cox partial likelihood, computed without catastrophic cancellation.

At each distinct event time t of a stratum the Cox engine needs S0 = Σ rᵢ, S1 = Σ rᵢxᵢ and
S2 = Σ rᵢxᵢxᵢᵀ over the rows at risk (start < t ≤ stop), with rᵢ = wᵢ e^{ηᵢ − σ}, σ being the
largest linear predictor of the stratum (so no exponential overflows, and the largest risk
is 1). Each row's terms are filed under the slot (stratum, event time) where it enters and
the one where it leaves, so every risk-set sum is a running sum over slots: O(n·p²) in all.

Why not one cumulative sum: a running sum that adds rows as they enter and subtracts them as
they leave keeps the rounding error of every row that has passed through — when a row with a
very large risk (an extreme covariate value, a wide linear predictor) has left, the sum of the
small risks still at risk is buried in that error (and can even turn negative). So, within
each stratum:

* right-censored data (everyone enters at the first slot): S(t) is a suffix sum over the rows
  that leave after t — only additions of positive terms, no cancellation;
* delayed entry: both the forward sum (entered − left by t) and the backward sum (leave after
  t − enter after t) are formed; each slot takes the one whose rounding error bound
  (eps × the risk that has passed through) is smaller, and a slot where even that bound
  exceeds 1e-4·S0 — a large risk that has both entered and left, or both will — is summed
  directly over its rows.

Tested against R ``coxph`` on data built to break naive sums (tests/analysis/survival/
test_robust.py).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from analysis.errors import AnalysisError


@dataclass
class Grouping:
    """Rows sorted by a slot index, for segment sums.

    ``starts`` are the first positions of each run of equal slots and ``present`` their
    slots (segment sums with ``np.add.reduceat``). The covariates gathered into this order
    are kept for the x last seen (the same array at every Newton step of a fit), so the
    gather of n × p values happens once per fit, not once per step.
    """

    order: np.ndarray  # row positions sorted by slot
    slot: np.ndarray  # slot of each sorted row
    starts: np.ndarray = field(init=False, repr=False)
    present: np.ndarray = field(init=False, repr=False)
    _gathered: tuple | None = field(default=None, init=False, repr=False, compare=False)
    _indptr: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _columns: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        change = np.ones(len(self.slot), dtype=bool)
        change[1:] = self.slot[1:] != self.slot[:-1]
        self.starts = np.flatnonzero(change)
        self.present = self.slot[self.starts]

    @classmethod
    def of(cls, slots: np.ndarray, rows: np.ndarray | None = None) -> Grouping:
        order = np.argsort(slots, kind="stable")
        return cls(order if rows is None else rows[order], slots[order])

    def segments(self, values: np.ndarray, n_out: int) -> sparse.csr_matrix:
        """The n_out × len(order) matrix with ``values`` at (slot of row, row): its product
        with ``x[order]`` sums each slot's rows (SciPy's compiled CSR product)."""
        if self._indptr is None or len(self._indptr) != n_out + 1:
            self._indptr = np.searchsorted(self.slot, np.arange(n_out + 1)).astype(np.int64)
            self._columns = np.arange(len(self.slot), dtype=np.int64)
        return sparse.csr_matrix(
            (values, self._columns, self._indptr), shape=(n_out, len(self.slot))
        )

    def rows_of(self, x: np.ndarray) -> np.ndarray:
        """``x[order]``, reused while ``x`` is the same (unmodified) array object."""
        if self._gathered is not None:
            source, gathered = self._gathered
            if source() is x and gathered.shape[1] == x.shape[1]:
                return gathered
        gathered = np.take(x, self.order, axis=0)  # 2–4× faster than x[order] for n × p
        self._gathered = (weakref.ref(x), gathered)
        return gathered


@dataclass
class RiskSets:
    """The event-time layout of a data set, computed once and reused at every Newton step."""

    n_slots: int  # number of (stratum, event time) slots incl. one dummy slot per stratum
    enter: np.ndarray  # per row: first slot where the row is at risk
    leave: np.ndarray  # per row: one past the last slot where the row is at risk
    event_rows: np.ndarray  # indices of rows with an event
    event_slot: np.ndarray  # slot of each event row
    slot_time: np.ndarray  # event time of each slot (NaN for dummy slots)
    slot_stratum: np.ndarray  # stratum code of each slot
    d: np.ndarray  # events per slot (0 for dummy slots)
    row_stratum: np.ndarray  # stratum index (0, 1, …) of each row
    slot_stratum_index: np.ndarray  # stratum index (0, 1, …) of each slot
    by_leave: Grouping | None = None
    by_enter: Grouping | None = None  # None: right-censored (everyone enters at slot 0)
    by_event: Grouping | None = None
    stratum_offsets: np.ndarray | None = None
    plain_rows: np.ndarray | None = None  # rows without a per-slot factor (None: all)
    # Rows whose weight also has a per-slot factor (Fine–Gray: w = G(t−)/G(Tⱼ−)):
    scaled: np.ndarray | None = None  # bool per row
    slot_scale: np.ndarray | None = None  # factor per slot
    by_leave_scaled: Grouping | None = None
    by_enter_scaled: Grouping | None = None

    @property
    def bounds(self) -> np.ndarray:
        """Slot ranges of the strata: stratum s has slots [bounds[s], bounds[s + 1])."""
        return np.append(self.stratum_offsets, self.n_slots)


BLOCK_LOOP_MAX_SLOTS = 5000
DIRECT_SUM_THRESHOLD = 1e4  # rounding-error bound / S0 above which a slot is summed directly
_EPS = np.finfo(float).eps


def _slot_sums(grouping: Grouping, risk: np.ndarray, x: np.ndarray, n_out: int, second: bool):
    """Σ risk·[1, x, x xᵀ (lower triangle)] over the rows of each slot.

    First moments are segment sums over the rows sorted by slot (S1 as a sparse product). Second
    moments use one small matrix product per slot
    (BLAS, O(n·p²) in all) when there are at most BLOCK_LOOP_MAX_SLOTS slots (days-scale data),
    otherwise one bincount per covariate pair.
    """
    p = x.shape[1]
    slots = grouping.slot
    rows = grouping.order
    iu, ju = np.tril_indices(p)
    out0 = np.zeros(n_out)
    out1 = np.zeros((n_out, p))
    out2 = np.zeros((n_out, len(iu)))
    if not len(rows):
        return out0, out1, out2
    r = risk[rows]
    xs = grouping.rows_of(x)
    out0[grouping.present] = np.add.reduceat(r, grouping.starts)
    if p:  # S1 as a sparse (slot × row, entries r) product: one pass over x, no n × p temporary
        out1 = grouping.segments(r, n_out) @ xs
    if not second or not p:
        return out0, out1, out2
    weighted = xs * r[:, None]
    if n_out <= BLOCK_LOOP_MAX_SLOTS:
        starts = np.append(grouping.starts, len(slots))
        for lo, hi in zip(starts[:-1], starts[1:], strict=True):
            block = weighted[lo:hi].T @ xs[lo:hi]
            out2[slots[lo]] = block[iu, ju]
    else:
        for col, (i, j) in enumerate(zip(iu, ju, strict=True)):
            out2[:, col] = np.bincount(slots, weights=r * xs[:, i] * xs[:, j], minlength=n_out)
    return out0, out1, out2


def _slot_matrix(grouping, risk, x, k, second) -> np.ndarray:
    """(k + 1) × (1 + p + p(p+1)/2): the per-slot sums of :func:`_slot_sums` side by side."""
    return np.column_stack(
        [a.reshape(k + 1, -1) for a in _slot_sums(grouping, risk, x, k + 1, second)]
    )


def _row_terms(risk, x, rows, second) -> np.ndarray:
    """Σ over ``rows`` of risk·[1, x, x xᵀ (lower triangle)] (one direct sum)."""
    r = risk[rows]
    xs = x[rows]
    p = x.shape[1]
    iu, ju = np.tril_indices(p)
    second_part = ((xs * r[:, None]).T @ xs)[iu, ju] if second and p else np.zeros(len(iu))
    return np.concatenate([[r.sum()], r @ xs if p else np.zeros(0), second_part])


def interval_sums(
    rs: RiskSets,
    rows: np.ndarray,
    by_leave: Grouping,
    by_enter: Grouping | None,
    risk: np.ndarray,
    x: np.ndarray,
    second: bool,
) -> np.ndarray:
    """Σ risk·[1, x, x xᵀ] over the rows of ``rows`` at risk at each slot (k × columns)."""
    k = rs.n_slots
    leaving = _slot_matrix(by_leave, risk, x, k, second)
    out = np.zeros((k, leaving.shape[1]))
    bounds = rs.bounds
    if by_enter is None:  # everyone at risk from the stratum's first slot: suffix sums
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
            out[lo : hi - 1] = np.cumsum(leaving[lo + 1 : hi][::-1], axis=0)[::-1]
        return out
    entering = _slot_matrix(by_enter, risk, x, k, second)
    flagged = []
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        net = entering[lo:hi] - leaving[lo:hi]
        forward = np.cumsum(net, axis=0)
        backward = np.vstack([np.cumsum(-net[1:][::-1], axis=0)[::-1], np.zeros((1, net.shape[1]))])
        # rounding-error bounds: the risk that has passed through each running sum
        forward_load = np.cumsum(entering[lo:hi, 0] + leaving[lo:hi, 0])
        after = entering[lo + 1 : hi, 0] + leaving[lo + 1 : hi, 0]
        backward_load = np.append(np.cumsum(after[::-1])[::-1], 0.0)
        use_forward = forward_load <= backward_load
        chosen = np.where(use_forward[:, None], forward, backward)
        load = np.minimum(forward_load, backward_load)
        out[lo:hi] = chosen
        bad = _EPS * load * DIRECT_SUM_THRESHOLD > np.abs(chosen[:, 0])
        bad[-1] = False  # the dummy slot holds no event
        flagged.extend(lo + np.flatnonzero(bad))
    if flagged:
        enter, leave = rs.enter[rows], rs.leave[rows]
        for slot in flagged:
            inside = rows[(enter <= slot) & (leave > slot)]
            out[slot] = _row_terms(risk, x, inside, second)
    return out


def risk_sets(
    stop: np.ndarray,
    event: np.ndarray,
    start: np.ndarray | None,
    strata: np.ndarray | None,
    scaled: np.ndarray | None = None,
    scale=None,
) -> RiskSets:
    """Index rows against the distinct event times of their stratum.

    A row is at risk at event time t when start < t ≤ stop (start = −∞ for right-censored data).
    ``scaled`` marks rows whose weight is multiplied at each event time t of stratum s by
    ``scale(t, s)``
    (a function of the times; used by Fine–Gray so that a competing-event row needs one
    extension row instead of one row per later event time).
    """
    n = len(stop)
    codes = np.zeros(n, dtype=np.int64) if strata is None else strata.astype(np.int64)
    enter = np.empty(n, dtype=np.int64)
    leave = np.empty(n, dtype=np.int64)
    row_stratum = np.empty(n, dtype=np.int64)
    slot_times, slot_strata, slot_index = [], [], []
    offset = 0
    for index, code in enumerate(np.unique(codes)):
        rows = np.flatnonzero(codes == code)
        row_stratum[rows] = index
        times = np.unique(stop[rows][event[rows] == 1])
        leave[rows] = offset + np.searchsorted(times, stop[rows], side="right")
        if start is None:
            enter[rows] = offset
        else:
            enter[rows] = offset + np.searchsorted(times, start[rows], side="right")
        slot_times.append(np.append(times, np.nan))
        slot_strata.append(np.full(len(times) + 1, code))
        slot_index.append(np.full(len(times) + 1, index))
        offset += len(times) + 1
    event_rows = np.flatnonzero(event == 1)
    event_slot = leave[event_rows] - 1
    d = np.bincount(event_slot, minlength=offset).astype(float)
    sizes = np.array([len(t) for t in slot_times])
    slot_time = np.concatenate(slot_times)
    extra = {}
    if scaled is not None and scaled.any():
        if start is None:
            raise AnalysisError("scaled rows need start times")
        plain_rows = np.flatnonzero(~scaled)
        scaled_rows = np.flatnonzero(scaled)
        if event[scaled_rows].any():
            raise AnalysisError("scaled rows cannot have events")
        extra = {
            "scaled": scaled,
            "slot_scale": np.nan_to_num(
                np.asarray(scale(slot_time, np.concatenate(slot_strata)), dtype=float)
            ),
            "by_leave_scaled": Grouping.of(leave[scaled_rows], scaled_rows),
            "by_enter_scaled": Grouping.of(enter[scaled_rows], scaled_rows),
        }
    else:
        plain_rows = None
    return RiskSets(
        n_slots=offset,
        enter=enter,
        leave=leave,
        event_rows=event_rows,
        event_slot=event_slot,
        slot_time=slot_time,
        slot_stratum=np.concatenate(slot_strata),
        d=d,
        row_stratum=row_stratum,
        slot_stratum_index=np.concatenate(slot_index),
        by_leave=Grouping.of(leave)
        if plain_rows is None
        else Grouping.of(leave[plain_rows], plain_rows),
        by_enter=None
        if start is None
        else (
            Grouping.of(enter) if plain_rows is None else Grouping.of(enter[plain_rows], plain_rows)
        ),
        by_event=Grouping.of(event_slot, event_rows),
        stratum_offsets=np.cumsum(sizes) - sizes,
        plain_rows=plain_rows,
        **extra,
    )


@dataclass
class Moments:
    """Per-slot risk-set sums S0, S1, S2 and event sums D0, D1, D2 (S2/D2 as pair columns)."""

    s0: np.ndarray
    s1: np.ndarray
    s2: np.ndarray  # n_slots × p(p+1)/2, pairs in np.tril_indices order
    d0: np.ndarray
    d1: np.ndarray
    d2: np.ndarray
    wsum: np.ndarray


def moments(
    x: np.ndarray, risk: np.ndarray, weights: np.ndarray, rs: RiskSets, second: bool = True
) -> Moments:
    """Risk-set and event sums of 1, x and x xᵀ weighted by ``risk`` for every slot."""
    k = rs.n_slots
    n = len(risk)
    plain = np.arange(n) if rs.plain_rows is None else rs.plain_rows
    at_risk = interval_sums(rs, plain, rs.by_leave, rs.by_enter, risk, x, second)
    if rs.slot_scale is not None:
        scaled_rows = np.flatnonzero(rs.scaled)
        at_risk += rs.slot_scale[:, None] * interval_sums(
            rs, scaled_rows, rs.by_leave_scaled, rs.by_enter_scaled, risk, x, second
        )
    d0, d1, d2 = _slot_sums(rs.by_event, risk, x, k, second)
    wsum = np.bincount(rs.event_slot, weights=weights[rs.event_rows], minlength=k)
    p = x.shape[1]
    return Moments(
        s0=at_risk[:, 0],
        s1=at_risk[:, 1 : 1 + p],
        s2=at_risk[:, 1 + p :],
        d0=d0,
        d1=d1,
        d2=d2,
        wsum=wsum,
    )


BLOCK_WIDTH = 300.0  # largest spread of per-slot shifts within one block (e^-300 is safe)


def needs_slot_shifts(eta: np.ndarray, rs: RiskSets) -> bool:
    """Whether the largest linear predictors of the risk sets of a stratum span so much that
    risks relative to the stratum's top would underflow (right-censored data only)."""
    if rs.by_enter is not None or rs.slot_scale is not None:
        return False
    if len(rs.stratum_offsets) == 1:
        return bool(len(eta) and eta.max() - eta.min() > 2 * BLOCK_WIDTH)
    spread = np.zeros(len(rs.stratum_offsets))
    top = np.full(len(spread), -np.inf)
    low = np.full(len(spread), np.inf)
    np.maximum.at(top, rs.row_stratum, eta)
    np.minimum.at(low, rs.row_stratum, eta)
    spread = top - low
    return bool(np.any(spread > 2 * BLOCK_WIDTH))


def moments_with_slot_shifts(
    x: np.ndarray, eta: np.ndarray, weights: np.ndarray, rs: RiskSets, second: bool = True
) -> tuple[Moments, np.ndarray]:
    """Right-censored risk-set sums with a shift per slot: σ_t = the largest η of the risk
    set at t (a suffix maximum), so no risk set underflows however wide η is (a coefficient
    running to ±∞). Slots are taken in blocks whose σ lie within BLOCK_WIDTH; each block's
    suffix sums use e^{η − max σ of the block}. Returns the moments and σ per slot."""
    k = rs.n_slots
    top_leaving = np.full(k + 1, -np.inf)
    np.maximum.at(top_leaving, rs.leave, eta)
    sigma = np.zeros(k)
    columns = None
    out = None
    for lo, hi in zip(rs.bounds[:-1], rs.bounds[1:], strict=True):
        # σ_j = max η over rows with leave > j (j in [lo, hi - 1); the dummy slot keeps 0)
        suffix_max = np.maximum.accumulate(top_leaving[lo + 1 : hi][::-1])[::-1]
        sigma[lo : hi - 1] = np.where(np.isfinite(suffix_max), suffix_max, 0.0)
        start = lo
        while start < hi - 1:
            ceiling = sigma[start]
            stop = start
            while stop < hi - 1 and sigma[stop] >= ceiling - BLOCK_WIDTH:
                stop += 1
            rows = np.flatnonzero((rs.leave > start) & (rs.leave < hi))  # at risk at `start`
            with np.errstate(under="ignore"):
                risk = np.zeros(len(eta))
                risk[rows] = weights[rows] * np.exp(eta[rows] - ceiling)
            grouping = Grouping.of(rs.leave[rows], rows)
            leaving = _slot_matrix(grouping, risk, x, k, second)
            if out is None:
                columns = leaving.shape[1]
                out = np.zeros((k, columns))
            suffix = np.cumsum(leaving[start + 1 : hi][::-1], axis=0)[::-1]
            out[start:stop] = suffix[: stop - start]
            sigma[start:stop] = ceiling
            start = stop
    if out is None:
        out = np.zeros((k, 1 + x.shape[1] * (x.shape[1] + 3) // 2))
    ev = rs.event_rows
    with np.errstate(under="ignore"):
        event_risk = np.zeros(len(eta))
        event_risk[ev] = weights[ev] * np.exp(eta[ev] - sigma[rs.event_slot])
    d0, d1, d2 = _slot_sums(rs.by_event, event_risk, x, k, second)
    wsum = np.bincount(rs.event_slot, weights=weights[ev], minlength=k)
    p = x.shape[1]
    moments_ = Moments(
        s0=out[:, 0], s1=out[:, 1 : 1 + p], s2=out[:, 1 + p :], d0=d0, d1=d1, d2=d2, wsum=wsum
    )
    return moments_, sigma
