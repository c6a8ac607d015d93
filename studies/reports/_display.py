"""How report notebooks show things: headings with a plain-language lead, and tables.

Kept out of the notebooks so every report looks the same and a test can call it. Tables are
shown as HTML without the DataFrame index clutter; count tables for funders go through
:func:`analysis.disclosure._check.count_table_html` instead, so the page scan can find them.
"""

from __future__ import annotations

import hashlib
import html

import pandas as pd
from IPython.display import Markdown, display


def heading(title: str, lead: str | None = None, level: int = 2) -> None:
    """A section heading and a one-paragraph plain-language lead."""
    text = f"{'#' * level} {title}"
    if lead:
        text += f"\n\n{lead}"
    display(Markdown(text))


def table_html(
    table: pd.DataFrame, caption: str | None = None, *, index: bool | None = None, digits: int = 3
) -> str:
    """HTML for a results table: numbers rounded to ``digits`` significant places and
    right-aligned, text left-aligned, everything escaped.

    ``index`` defaults to showing the index only when it carries information (it is named or
    not a plain 0..n-1 range).
    """
    if index is None:
        index = table.index.name is not None or not table.index.equals(pd.RangeIndex(len(table)))
    shown = table.reset_index() if index else table.reset_index(drop=True)
    shown.columns = [str(c) for c in shown.columns]
    text_columns = []
    for column in shown.columns:
        values = shown[column]
        if pd.api.types.is_float_dtype(values):
            shown[column] = values.map(lambda v: "" if pd.isna(v) else f"{v:.{digits}g}")
        elif not pd.api.types.is_numeric_dtype(values) and not _looks_numeric(values):
            text_columns.append(column)
    # A stable id per table (same table, same HTML: reports are reproducible byte for byte).
    table_id = hashlib.sha1(f"{caption}|{list(shown.columns)}".encode()).hexdigest()[:10]
    left = [shown.columns.get_loc(c) for c in text_columns]
    styler = (
        shown.style.hide(axis="index")
        .set_uuid(table_id)
        .format(na_rep="", escape="html")
        .set_table_styles(
            [{"selector": f"td.col{i}, th.col{i}", "props": "text-align: left;"} for i in left]
        )
    )
    if caption:
        styler = styler.set_caption(html.escape(caption))
    return styler.to_html()


def _looks_numeric(values: pd.Series) -> bool:
    """Text cells that hold numbers ("1,204 (80.3%)", "29 [26–32]") align like numbers."""
    text = values.dropna().astype(str)
    text = text[text != ""]
    return bool(len(text)) and bool(text.str.match(r"^[<>]?[\d,.]+").all())


#: MIME type under which each shown table's data travel beside its HTML; the report runner
#: writes them to ``<report>_tables/*.csv`` (HTML viewers ignore it).
TABLE_MIME = "text/csv"


def show_table(
    table: pd.DataFrame,
    caption: str | None = None,
    *,
    index: bool | None = None,
    digits: int = 3,
    data_output: bool = True,
) -> None:
    """Display :func:`table_html` in the notebook, with the table's data as CSV beside it.

    The CSV (full precision, index included when shown) becomes one of the report's data
    outputs, which must be byte-identical for the same inputs and parameters; tables that
    describe the run itself (provenance: times, versions) pass ``data_output=False``.
    """
    if index is None:
        index = table.index.name is not None or not table.index.equals(pd.RangeIndex(len(table)))
    bundle = {"text/html": table_html(table, caption, index=index, digits=digits)}
    if data_output:
        bundle[TABLE_MIME] = table.to_csv(index=index, lineterminator="\n")
    display(bundle, raw=True, metadata={TABLE_MIME: {"caption": caption or ""}})
