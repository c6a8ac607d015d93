"""Tables shaped for reading: the library results re-arranged the way a report shows them.

The numbers come from the libraries (``coding.explore``, ``coding.reliability``,
``analysis.survival``…); this module only pivots, labels and orders them, so that the
notebooks stay free of logic and the shaping is tested.
"""

from __future__ import annotations

import pandas as pd

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
    """Survival at chosen days (``KaplanMeierResult.at``) as a reader wants it: group, day,
    number at risk, the estimate and its 95% CI as percentages."""
    scale = 100 if percent else 1
    unit = "%" if percent else ""
    out = pd.DataFrame()
    if group and group in at.columns:
        out["Group"] = at[group].astype(str)
    out["Day"] = at["time"].astype(int)
    out["At risk"] = at["n_risk"].astype(int)
    out["Estimate"] = [f"{scale * v:.1f}{unit}" for v in at["survival"]]
    out["95% CI"] = [
        f"{scale * lo:.1f}–{scale * hi:.1f}{unit}"
        for lo, hi in zip(at["lower"], at["upper"], strict=True)
    ]
    return out
