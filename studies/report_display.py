"""How report notebooks show things: headings with a plain-language lead, and tables.

Kept out of the notebooks so every report looks the same and a test can call it. Tables are
shown as HTML without the DataFrame index clutter; count tables for funders go through
:func:`analysis.disclosure_check.count_table_html` instead, so the page scan can find them.
"""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML, Markdown, display


def heading(title: str, lead: str | None = None, level: int = 2) -> None:
    """A section heading and a one-paragraph plain-language lead."""
    text = f"{'#' * level} {title}"
    if lead:
        text += f"\n\n{lead}"
    display(Markdown(text))


def table_html(
    table: pd.DataFrame, caption: str | None = None, *, index: bool | None = None, digits: int = 3
) -> str:
    """HTML for a results table: numbers rounded to ``digits`` significant places, text escaped.

    ``index`` defaults to showing the index only when it carries information (it is named or
    not a plain 0..n-1 range).
    """
    if index is None:
        index = table.index.name is not None or not table.index.equals(pd.RangeIndex(len(table)))
    shown = table.copy()
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else f"{v:.{digits}g}")
    body = shown.to_html(index=index, border=0, escape=True, na_rep="")
    if caption:
        body = body.replace(">", f"><caption>{html.escape(caption)}</caption>", 1)
    return body


def show_table(
    table: pd.DataFrame, caption: str | None = None, *, index: bool | None = None, digits: int = 3
) -> None:
    """Display :func:`table_html` in the notebook."""
    display(HTML(table_html(table, caption, index=index, digits=digits)))
