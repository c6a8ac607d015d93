"""Tables for reports that leave the research team (funders, community boards).

Every count goes through :class:`analysis.disclosure._ledger.DisclosureLedger` (cells of 1–10
hidden, with complementary suppression across all tables of the report) and is displayed by
:func:`analysis.disclosure._check.count_table_html`, so the page scan that runs before the
report is written can check it. Survival estimates are shown only for groups of at least
``min_cell`` mothers, with numbers at risk coarsened; interview findings are described in
words and quotes, not in counts of people (interview samples are small).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from analysis.disclosure import coarsen_counts, round_km
from analysis.plots import DAYS_PER_MONTH, group_label

#: One-line explanations for the terms a funder report uses.
GLOSSARY = {
    "MOUD": "Medication for opioid use disorder: methadone, buprenorphine (e.g. Suboxone) or "
    "naltrexone (Vivitrol).",
    "Retention": "Staying on MOUD without a gap in supply longer than the study's permitted gap.",
    "NOWS": "Neonatal opioid withdrawal syndrome: withdrawal signs in a baby exposed to opioids "
    "before birth.",
    "CPS": "Child protective services.",
    "95% CI": "95% confidence interval: the range the true value most likely lies in, given the "
    "number of mothers observed.",
    "Kaplan–Meier": "The standard way to estimate the share still on treatment over time when "
    "mothers are followed for different lengths of time.",
    "Competing risk": "An event (here, death from another cause) that makes the outcome of "
    "interest (overdose) impossible afterwards.",
    "Rounded": "A count rounded (to the nearest 10 unless the study sets another base) so "
    "that it cannot be compared with other reports to work out a small number.",
    "Follow-up": "The time after delivery in which a mother's records can be seen; it ends "
    "early if she loses insurance coverage, has another delivery or dies, or when the data end.",
    "Hidden": "A value hidden to protect privacy: it could be small, or could let a reader work "
    "out a small number elsewhere in the report.",
}


def glossary_table(terms: Sequence[str] | None = None, min_cell: int = 11) -> pd.DataFrame:
    """The glossary as a two-column table (``Term``, ``Meaning``); the entry for hidden
    values is named by the symbol the report's tables show
    (:func:`analysis.disclosure.suppressed_symbol`)."""
    from analysis.disclosure import ROUNDED_MARK, suppressed_symbol

    chosen = terms or list(GLOSSARY)
    symbols = {"Hidden": suppressed_symbol(min_cell), "Rounded": f"{ROUNDED_MARK} (rounded)"}
    names = [symbols.get(t, t) for t in chosen]
    return pd.DataFrame({"Term": names, "Meaning": [GLOSSARY[t] for t in chosen]})


def site_label(site: object) -> str:
    """A site as a reader sees it: ``"north"`` → ``"North"``, ``"st-mary"`` → ``"St Mary"``;
    names that already carry capitals are kept."""
    name = str(site)
    if name != name.lower():
        return name
    return " ".join(w[:1].upper() + w[1:] for w in name.replace("_", " ").replace("-", " ").split())


def month_days(months: int) -> int:
    """Days from delivery to the end of month ``months`` (3 → 91, 6 → 183, 12 → 365), so
    tables and plots in months read the survival curves at the same days."""
    return round(months * DAYS_PER_MONTH)


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def retention_for_funders(km, times: Sequence[int], group: str, min_cell: int = 11) -> pd.DataFrame:
    """Retention at chosen days per group, as whole percentages with 95% CIs.

    Groups with fewer than ``min_cell`` mothers are left out (an estimate from so few would
    reveal individual outcomes); numbers at risk are coarsened
    (:func:`analysis.disclosure.coarsen_counts`) and hidden below ``min_cell``, and so is the
    estimate beside a hidden number at risk. Times are days; the table says months
    (``After delivery``: "3 months"), as text so the page scan never reads it as a count.
    """
    if not km.groups:  # round_km drew no group (all too small): nothing to tabulate
        return pd.DataFrame(
            columns=[
                "Medication",
                "After delivery",
                "Still on MOUD",
                "95% CI",
                "Mothers still followed (rounded)",
            ]
        )
    at = km.at(times)
    sizes = km.median["n"]
    rows = []
    for name, part in at.groupby(group, sort=False):
        if int(sizes.loc[name]) < min_cell:
            continue
        at_risk = coarsen_counts(part["n_risk"].astype(int), min_cell=min_cell)
        for r, shown in zip(part.itertuples(), at_risk, strict=True):
            # A rounded curve (round_km) ends before fewer than min_cell are at risk: past its
            # end nobody is "at risk" in it, and nothing is shown.
            hidden = pd.isna(shown) or r.n_risk < min_cell
            shown = pd.NA if hidden else shown
            rows.append(
                {
                    "Medication": group_label(name),
                    "After delivery": f"{round(r.time / DAYS_PER_MONTH)} months",
                    "Still on MOUD": pd.NA if hidden else _percent(r.survival),
                    "95% CI": pd.NA if hidden else f"{_percent(r.lower)[:-1]}–{_percent(r.upper)}",
                    "Mothers still followed (rounded)": shown,
                }
            )
    columns = ["Medication", "After delivery", "Still on MOUD", "95% CI"]
    return pd.DataFrame(rows, columns=[*columns, "Mothers still followed (rounded)"])


def retention_grid(
    on_moud: pd.DataFrame,
    rows: str,
    columns: str,
    *,
    months: Sequence[int] = (6, 12),
    min_cell: int = 11,
    published: pd.DataFrame | None = None,
    row_label: Callable[[object], str] = str,
    column_label: Callable[[object], str] = group_label,
) -> pd.DataFrame:
    """Kaplan–Meier retention at ``months`` for every ``rows`` × ``columns`` group (e.g.
    site × medication, delivery year × medication), as whole percentages.

    A cell is hidden (``<NA>``) when its group has fewer than ``min_cell`` deliveries, when
    the same group's count is hidden in the ``published`` count table (so no percentage is
    derived from a hidden count; its labels are ``row_label`` / ``column_label`` of the
    values), or when fewer than ``min_cell`` mothers are still followed
    at that month. One column per ``columns`` value and month: ``"Methadone, 6 months"``.
    """
    from analysis import survival

    out: dict[tuple[str, str], dict[str, object]] = {}
    labels_c = sorted(on_moud[columns].astype(str).unique())
    for (r, c), part in on_moud.groupby([on_moud[rows].astype(str), on_moud[columns].astype(str)]):
        visible = len(part) >= min_cell
        if published is not None and visible:
            try:
                visible = not pd.isna(published.loc[row_label(r), column_label(c)])
            except KeyError:
                visible = False
        for m in months:
            key = f"{column_label(c)}, {m} months"
            value: object = pd.NA
            if visible:
                # From rounded counts (round_km), so the percentage pins no count of 1-10.
                curve = round_km(
                    survival.kaplan_meier(part, "days_on_moud", "discontinued"), min_cell
                )
                at = curve.at([month_days(m)]) if curve.groups else None
                if at is not None and int(at["n_risk"].iloc[0]) >= min_cell:
                    value = _percent(float(at["survival"].iloc[0]))
            out.setdefault((row_label(r), r), {})[key] = value
    ordered = [f"{column_label(c)}, {m} months" for c in labels_c for m in months]
    table = pd.DataFrame(
        [values for values in out.values()], index=[label for label, _ in out]
    ).reindex(columns=ordered)
    table.index.name = rows.replace("_", " ").capitalize()
    return table.astype("object")


def frequency_word(share: float) -> str:
    """Describe a share of interviews in words, so small interview counts are not published.
    Zero is "no", never "a few"."""
    if share <= 0:
        return "no"
    if share >= 0.75:
        return "most"
    if share >= 0.5:
        return "many"
    if share >= 0.25:
        return "some"
    return "a few"


def theme_quote(corpus, codings, code_id: str, role: str = "patient", redact=None) -> str:
    """One de-identified quote (in curly quotes) of a person of ``role`` coded ``code_id``;
    empty when nobody of that role was coded with it."""
    from coding.explore import exemplars

    quotes = exemplars(corpus, codings, code_id, n=10_000)  # one per participant first
    quotes = quotes[quotes["role"] == role]
    text = " ".join(str(quotes["quote"].iloc[0]).split()) if len(quotes) else ""
    if text and redact is not None:
        text = redact(text)
    return f"“{text}”" if text else ""


def key_themes(
    corpus,
    codings: pd.DataFrame,
    codebook,
    *,
    top: int = 5,
    role: str = "patient",
    redact: Callable[[str], str] | None = None,
    quote_codings: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The themes mothers raised most often, each with how widely (in words) and one
    de-identified quote of a mother: ``Theme``, ``Raised by``, ``In her words``.

    Only themes at least one person of ``role`` raised are listed, and the quote is always
    the words of a person of that role (never a provider's words under "In her words").
    ``quote_codings``: the codings quotes may come from (``ReportScope.quote_codings``:
    participants who consented to be quoted); default ``codings``."""
    from coding.explore import code_frequencies

    frequencies = code_frequencies(codings, corpus, by="role")
    quotable = codings if quote_codings is None else quote_codings
    mine = frequencies[(frequencies["role"] == role) & (frequencies["n_transcripts"] > 0)]
    mine = mine.sort_values(["share", "n_turns", "code_id"], ascending=[False, False, True])
    people = {"patient": "mothers", "provider": "providers"}.get(role, role)
    rows = []
    for r in mine.head(top).itertuples():
        rows.append(
            {
                "Theme": codebook.get(r.code_id).name if r.code_id in codebook else r.code_id,
                "Raised by": f"{frequency_word(r.share)} {people}",
                "In her words": theme_quote(corpus, quotable, r.code_id, role, redact),
            }
        )
    return pd.DataFrame(rows, columns=["Theme", "Raised by", "In her words"])


def perspectives(
    corpus,
    codings: pd.DataFrame,
    codebook,
    *,
    top: int = 6,
    redact: Callable[[str], str] | None = None,
    quote_codings: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Mothers' and providers' views side by side: for the themes raised most often by
    either, how widely each group raised it (in words) and a de-identified quote of each:
    ``Theme``, ``Mothers``, ``Providers``, ``In her words``, ``A provider's view``.
    ``quote_codings`` as for :func:`key_themes`."""
    from coding.explore import code_frequencies

    frequencies = code_frequencies(codings, corpus, by="role")
    quotable = codings if quote_codings is None else quote_codings
    share = frequencies.pivot_table(index="code_id", columns="role", values="share", aggfunc="max")
    share = share.reindex(columns=["patient", "provider"]).fillna(0.0)
    share = share[(share > 0).any(axis=1)]
    order = share.max(axis=1).sort_values(ascending=False, kind="stable")
    roles_present = set(frequencies["role"])
    rows = []
    for code_id in order.index[:top]:
        rows.append(
            {
                "Theme": codebook.get(code_id).name if code_id in codebook else code_id,
                "Mothers": f"{frequency_word(share.loc[code_id, 'patient'])} mothers"
                if "patient" in roles_present
                else "not interviewed",
                "Providers": f"{frequency_word(share.loc[code_id, 'provider'])} providers"
                if "provider" in roles_present
                else "not interviewed",
                "In her words": theme_quote(corpus, quotable, code_id, "patient", redact),
                "A provider's view": theme_quote(corpus, quotable, code_id, "provider", redact),
            }
        )
    return pd.DataFrame(
        rows, columns=["Theme", "Mothers", "Providers", "In her words", "A provider's view"]
    )


def funder_joint_display(
    linked: pd.DataFrame,
    codes: Sequence[str],
    codebook,
    min_cell: int = 11,
    quotes: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The mixed-methods joint display in a form safe to publish.

    For each theme: how widely interviewed mothers raised it (in words) and their median days
    on MOUD (in months) with and without the theme — shown only when both groups have at least
    ``min_cell`` mothers, otherwise "too few mothers to show" — beside a mother's quote
    (``quotes``: code → text already in quotation marks, e.g. :func:`theme_quote`).
    """
    rows = []
    total = len(linked)
    for code in codes:
        has = (
            linked[code].astype(bool)
            if code in linked.columns
            else pd.Series(False, index=linked.index)
        )
        n_with, n_without = int(has.sum()), int((~has).sum())
        if n_with >= min_cell and n_without >= min_cell:
            outcome = (
                f"{linked.loc[has, 'days_on_moud'].median() / DAYS_PER_MONTH:.1f} vs "
                f"{linked.loc[~has, 'days_on_moud'].median() / DAYS_PER_MONTH:.1f} months"
            )
        else:
            outcome = "too few mothers to show"
        rows.append(
            {
                "Theme": codebook.get(code).name if code in codebook else code,
                "Raised by": f"{frequency_word(n_with / total) if total else 'no'} mothers",
                "Median months on MOUD (with vs without the theme)": outcome,
                "In her words": quotes.get(code, "") if quotes else "",
            }
        )
    return pd.DataFrame(rows)
