"""Survival plots: one fixed colour per drug in every report, the legend outside the curves,
hidden numbers at risk drawn as a symbol (never as an overflowed integer), months on the
axis when asked."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis.disclosure import coarsen_counts
from analysis.plots import (
    DAYS_PER_MONTH,
    DRUG_COLOURS,
    OKABE_ITO,
    group_colour,
    group_label,
    plot_survival,
)
from analysis.survival import kaplan_meier


def _data(drugs):
    rng = np.random.default_rng(1)
    rows = []
    for drug, n in drugs:
        for _ in range(n):
            rows.append(
                {"drug": drug, "days": int(rng.integers(10, 365)), "stopped": rng.random() < 0.6}
            )
    return pd.DataFrame(rows)


def test_drug_colours_are_okabe_ito_and_fixed():
    # Okabe & Ito (2008) hex values as published (also Wong, Nat Methods 2011).
    assert OKABE_ITO["orange"] == "#E69F00" and OKABE_ITO["blue"] == "#0072B2"
    assert OKABE_ITO["bluish green"] == "#009E73" and OKABE_ITO["vermillion"] == "#D55E00"
    assert set(DRUG_COLOURS.values()) <= set(OKABE_ITO.values())
    assert len(set(DRUG_COLOURS.values())) == len(DRUG_COLOURS)
    # A name outside the drugs keeps its colour from run to run (a checksum, not an order).
    assert group_colour("site north") == group_colour("site north")


def test_group_labels():
    assert group_label("none") == "No medication"
    assert group_label("buprenorphine,methadone") == "Buprenorphine + methadone"
    assert group_label("north") == "North"


def test_colours_do_not_depend_on_which_groups_are_drawn():
    both = kaplan_meier(
        _data([("methadone", 30), ("naltrexone", 30)]), "days", "stopped", by="drug"
    )
    alone = kaplan_meier(_data([("naltrexone", 30)]), "days", "stopped", by="drug")
    colours = {}
    for name, result in (("both", both), ("alone", alone)):
        fig, ax = plt.subplots()
        plot_survival(result, ax=ax, at_risk_times=[0, 180])
        colours[name] = {line.get_label(): line.get_color() for line in ax.get_lines()}
        plt.close(fig)
    assert colours["both"]["Naltrexone"] == colours["alone"]["Naltrexone"] == "#009E73"
    assert colours["both"]["Methadone"] == "#E69F00"


def test_hidden_at_risk_counts_are_drawn_as_the_symbol_and_legend_is_outside():
    result = kaplan_meier(
        _data([("methadone", 40), ("naltrexone", 12)]), "days", "stopped", by="drug"
    )
    fig, ax = plt.subplots()
    plot_survival(
        result,
        ax=ax,
        at_risk_times=[0, 91, 183, 274, 365],
        time_unit="months",
        at_risk_counts=lambda n: coarsen_counts(n, min_cell=11),
        hidden="■",
    )
    texts = [t.get_text() for t in ax.texts]
    assert "■" in texts
    assert not any("922337" in t for t in texts)  # the overflowed <NA> of the old plots
    # Months on the axis: ticks at 0, 3, 6, 9, 12 (days / 30.4375).
    assert [round(t, 6) for t in ax.get_xticks()] == [
        round(d / DAYS_PER_MONTH, 6) for d in (0, 91, 183, 274, 365)
    ]
    assert ax.get_xlabel() == "Months since delivery"
    fig.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    assert legend.x0 >= ax.get_window_extent().x1  # right of the plotting area
    plt.close(fig)


def test_time_unit_is_checked():
    result = kaplan_meier(_data([("methadone", 20)]), "days", "stopped", by="drug")
    with pytest.raises(ValueError, match="time_unit"):
        plot_survival(result, time_unit="weeks")
