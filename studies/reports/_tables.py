"""Tables shaped for reading: the library results re-arranged the way a report shows them.

The numbers come from the libraries (``coding.explore``, ``coding.reliability``,
``analysis.survival``…); this module only pivots, labels and orders them, so that the
notebooks stay free of logic and the shaping is tested.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.plots import DAYS_PER_MONTH, group_label

ROLE_LABELS = {"patient": "Mothers", "provider": "Providers"}


def theme_table(corpus, codings: pd.DataFrame, codebook, coder: str = "consensus") -> pd.DataFrame:
    """Theme frequencies by role: for each code, interviews mentioning it (``k/N``) per role
    and the number of turns coded, ordered as the codebook orders themes and codes.

    Columns: ``Theme``, ``Code``, one ``k/N`` column per role present (Mothers, Providers),
    ``Turns``. Codes never applied appear with zeros, so absence is visible.
    """
    from coding.explore import code_frequencies

    frequencies = code_frequencies(codings, corpus, by="role", coder=coder)
    roles = sorted({t.role for t in corpus}, key=lambda r: (r != "patient", r))
    group_size = {r: sum(1 for t in corpus if t.role == r) for r in roles}
    rows = []
    for theme in codebook.themes():
        for code in codebook.children(theme.id):
            row = {"Theme": theme.name, "Code": code.name}
            mine = frequencies[frequencies["code_id"] == code.id]
            for role in roles:
                hit = mine[mine["role"] == role]
                k = int(hit["n_transcripts"].iloc[0]) if len(hit) else 0
                row[ROLE_LABELS.get(role, role.title())] = f"{k}/{group_size[role]}"
            row["Turns"] = int(mine["n_turns"].sum())
            rows.append(row)
    return pd.DataFrame(rows)


def survival_at_table(
    at: pd.DataFrame, group: str | None = None, percent: bool = True
) -> pd.DataFrame:
    """Survival at chosen days (``KaplanMeierResult.at``) as a reader wants it: group, time
    in months (days / 30.4375, as the plots' axis), number at risk, the estimate and its 95%
    CI as percentages. The full-precision numbers (``time`` in days, ``survival, lower,
    upper``) travel in ``attrs["data"]``, the report's CSV side file."""
    scale = 100 if percent else 1
    unit = "%" if percent else ""
    out = pd.DataFrame()
    if group and group in at.columns:
        out["Group"] = at[group].map(group_label)
    out["Months"] = [_months(t) for t in at["time"]]
    out["At risk"] = at["n_risk"].astype(int)
    out["Estimate"] = [f"{scale * v:.1f}{unit}" for v in at["survival"]]
    out["95% CI"] = [
        f"{scale * lo:.1f}–{scale * hi:.1f}{unit}"
        for lo, hi in zip(at["lower"], at["upper"], strict=True)
    ]
    out.attrs["data"] = at.reset_index(drop=True)
    return out


def _months(days: float) -> str:
    """``91`` → ``"3"``, ``45`` → ``"1.5"``: days as months of 30.4375 days."""
    months = float(days) / DAYS_PER_MONTH
    return f"{months:.0f}" if abs(months - round(months)) < 0.05 else f"{months:.1f}"


def agreement_summary(agreement: pd.DataFrame, codebook) -> pd.DataFrame:
    """Coder agreement per code, for reading: kappa with its 95% CI, Krippendorff's alpha,
    Gwet's AC1, percent agreement and prevalence, from
    :func:`coding.reliability.agreement_table` output.

    With two coders the rows are that pair's; with more, the pooled rows (Fleiss' kappa).
    Codes come in codebook order; ``All codes`` (every unit × code decision) comes last.
    """
    pairs = agreement[agreement["coder_a"] != "(all)"]
    rows = (
        pairs
        if pairs[["coder_a", "coder_b"]].drop_duplicates().shape[0] == 1
        else (agreement[agreement["coder_a"] == "(all)"])
    )
    order = {code_id: i for i, code_id in enumerate(codebook.ids)}
    rows = rows.assign(_order=rows["code_id"].map(order).fillna(len(order))).sort_values("_order")

    def name(code_id: str) -> str:
        if code_id == "(all)":
            return "All codes"
        return codebook.get(code_id).name if code_id in codebook else code_id

    def interval(row: pd.Series, column: str) -> str:
        low, high = row.get(f"{column}_lower"), row.get(f"{column}_upper")
        if low is None or pd.isna(low):
            return f"{row[column]:.2f}"
        return f"{row[column]:.2f} ({low:.2f} to {high:.2f})"

    shown = pd.DataFrame(
        {
            "Code": [name(c) for c in rows["code_id"]],
            "Kappa (95% CI)": [interval(r, "kappa") for _, r in rows.iterrows()],
            "Krippendorff's alpha": rows["alpha"].round(2).to_numpy(),
            "Gwet's AC1": rows["ac1"].round(2).to_numpy(),
            "Agreement": [f"{100 * v:.1f}%" for v in rows["percent_agreement"]],
            "Prevalence": [f"{100 * v:.1f}%" for v in rows["prevalence"]],
            "Turns": rows["n_units"].astype(int).to_numpy(),
        }
    )
    shown.attrs["data"] = rows.drop(columns="_order").reset_index(drop=True)
    return shown


def exemplar_quotes(
    corpus,
    codings: pd.DataFrame,
    codebook,
    *,
    per_code: int = 2,
    coder: str = "consensus",
    redact=None,
    roles: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Quotes that show what each code means (:func:`coding.explore.exemplars`), one row per
    quote: ``Theme``, ``Code``, ``Quote``, ``Who`` (role and participant id).

    ``redact`` (text → text, e.g. ``lambda t: coding.deid.redact(t).text``) de-identifies
    each quote before it is shown; quotes are shown exactly as coded otherwise.
    """
    from coding.explore import exemplars

    roles = roles or {"patient": "mother", "provider": "provider"}
    rows = []
    for theme in codebook.themes():
        for code in codebook.children(theme.id):
            for _, quote in exemplars(corpus, codings, code.id, n=per_code, coder=coder).iterrows():
                text = " ".join(str(quote["quote"]).split())
                who = roles.get(quote["role"], quote["role"])
                rows.append(
                    {
                        "Theme": theme.name,
                        "Code": code.name,
                        "Quote": f"“{redact(text) if redact else text}”",
                        "Who": f"{who} {quote['participant_id']}",
                    }
                )
    return pd.DataFrame(rows, columns=["Theme", "Code", "Quote", "Who"])


def codebook_table(codebook) -> pd.DataFrame:
    """The codebook at a glance: ``Theme``, ``Code``, ``Definition`` (the full entries, with
    include/exclude criteria and examples, are ``codebook.to_html()``)."""
    rows = [
        {"Theme": theme.name, "Code": code.name, "Definition": code.definition}
        for theme in codebook.themes()
        for code in codebook.children(theme.id)
    ]
    return pd.DataFrame(rows, columns=["Theme", "Code", "Definition"])


def _p_value(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def covariate_label(term: str) -> str:
    """``C(moud_at_delivery)[T.methadone]`` → ``moud at delivery: methadone``."""
    match = re.fullmatch(r"C\((\w+)\)\[T\.(.+)\]", term)
    if match:
        return f"{match.group(1).replace('_', ' ')}: {match.group(2)}"
    return term.replace("_", " ")


def cox_table(result) -> pd.DataFrame:
    """A Cox model's hazard ratios as read in a paper: ``Covariate``, ``HR (95% CI)``, ``p``
    (robust, clustered SEs when the model was clustered)."""
    summary = result.summary
    shown = pd.DataFrame(
        {
            "Covariate": [covariate_label(str(t)) for t in summary.index],
            "HR (95% CI)": [
                f"{r.hr:.2f} ({r.lower:.2f} to {r.upper:.2f})" for r in summary.itertuples()
            ],
            "p": [_p_value(p) for p in summary["p"]],
        }
    )
    shown.attrs["data"] = summary.rename_axis("term").reset_index()
    return shown


def ph_table(test: pd.DataFrame) -> pd.DataFrame:
    """Scaled-Schoenfeld proportional-hazards tests (``cox.zph``) for reading."""
    return pd.DataFrame(
        {
            "Term": [
                ("All terms (global)" if t == "GLOBAL" else covariate_label(str(t)))
                for t in test.index
            ],
            "Chi-square": test["chisq"].round(2).to_numpy(),
            "df": test["df"].astype(int).to_numpy(),
            "p": [_p_value(p) for p in test["p"]],
        }
    )


def incidence_at(cif: pd.DataFrame, times, by: str | None = None) -> pd.DataFrame:
    """Cumulative incidence (:func:`analysis.competing.cumulative_incidence`) read at chosen
    days, as percentages with 95% CIs: the step function's value at the last event time on
    or before each day (0 before the first event). Times are shown in months; the numbers
    at full precision travel in ``attrs["data"]``."""
    groups = cif.groupby(by, sort=False) if by else [("all", cif)]
    rows, data = [], []
    for group, part in groups:
        part = part.sort_values("time")
        for day in times:
            before = part[part["time"] <= day]
            if before.empty:
                value, low, high = 0.0, 0.0, 0.0
            else:
                last = before.iloc[-1]
                value, low, high = last["cif"], last["lower"], last["upper"]
            rows.append(
                {
                    "Group": group_label(group),
                    "Months": _months(day),
                    "Cumulative incidence": f"{100 * value:.1f}%",
                    "95% CI": f"{100 * low:.1f}–{100 * high:.1f}%",
                }
            )
            data.append({"group": group, "time": day, "cif": value, "lower": low, "upper": high})
    shown = pd.DataFrame(rows)
    shown.attrs["data"] = pd.DataFrame(data)
    return shown


def rmst_table(table: pd.DataFrame) -> pd.DataFrame:
    """Restricted mean time on MOUD (:func:`analysis.survival.rmst`) with its contrasts."""
    tau = int(table["tau"].iloc[0])
    column = f"Mean days on MOUD in the first {tau}"
    rows = [
        {"Group": group_label(group), column: f"{r.rmst:.1f} ({r.lower:.1f} to {r.upper:.1f})"}
        for group, r in zip(table.index, table.itertuples(), strict=True)
    ]
    for c in table.attrs.get("contrasts", pd.DataFrame()).itertuples():
        if c.measure == "difference":
            rows.append(
                {
                    "Group": f"Difference: {c.contrast}",
                    column: f"{c.estimate:+.1f} ({c.lower:+.1f} to {c.upper:+.1f}), "
                    f"p {_p_value(c.p)}",
                }
            )
    shown = pd.DataFrame(rows)
    shown.attrs["data"] = table.rename_axis("group").reset_index()
    return shown
