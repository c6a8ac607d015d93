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
    data: pd.DataFrame | None = None,
) -> None:
    """Display :func:`table_html` in the notebook, with the table's data as CSV beside it.

    The CSV becomes one of the report's data outputs, which must be byte-identical for the
    same inputs and parameters. ``data`` is what the CSV holds when the shown table is made
    of display strings ("82.5% (79.1–85.4)"): the numbers at full precision with separate
    estimate / lower / upper columns; by default ``table.attrs["data"]`` (the report tables
    of studies.reports._tables carry it), else the shown table itself (index included when
    shown). Tables that describe the run itself (provenance: times, versions) pass
    ``data_output=False``.
    """
    if index is None:
        index = table.index.name is not None or not table.index.equals(pd.RangeIndex(len(table)))
    bundle = {"text/html": table_html(table, caption, index=index, digits=digits)}
    if data_output:
        data = table.attrs.get("data") if data is None else data
        frame = table if data is None else data
        data_index = index if data is None else not _plain_index(data)
        bundle[TABLE_MIME] = frame.to_csv(index=data_index, lineterminator="\n")
    display(bundle, raw=True, metadata={TABLE_MIME: {"caption": caption or ""}})


def _plain_index(table: pd.DataFrame) -> bool:
    return table.index.name is None and table.index.equals(pd.RangeIndex(len(table)))


def show_counts(table: pd.DataFrame, min_cell: int, caption: str) -> None:
    """Display a protected count table (:func:`analysis.disclosure.count_table_html`, marked
    for the page scan) with a CSV side file holding exactly what the page shows: hidden
    cells carry the same symbol, never the number behind it, and rounded counts their mark.
    A one-way table's single column ``n`` is shown as ``Deliveries``."""
    from analysis.disclosure import count_table_html, format_suppressed

    if list(table.columns) == ["n"]:  # a one-way table: its counts are deliveries
        rounded = table.attrs.get("rounded")
        table = table.rename(columns={"n": "Deliveries"})
        if rounded is not None:
            table.attrs["rounded"] = rounded.rename(columns={"n": "Deliveries"})
        table.index.name = None
    shown = format_suppressed(table, min_cell)
    bundle = {
        "text/html": count_table_html(table, min_cell, caption=caption),
        TABLE_MIME: shown.to_csv(index=True, lineterminator="\n"),
    }
    display(bundle, raw=True, metadata={TABLE_MIME: {"caption": caption}})


def figure_html(figure, alt: str, caption: str | None = None) -> str:
    """A matplotlib figure as an ``<img>`` with alt text (PNG as a data URI), in a
    ``<figure>`` with an optional caption. Alt text says what the figure shows for a reader
    who cannot see it; a figure without one is refused."""
    import base64
    import io

    if not alt or not alt.strip():
        raise ValueError("a report figure needs alt text")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    text = f'<figure class="dyadlab-figure"><img src="data:image/png;base64,{data}" '
    text += f'alt="{html.escape(" ".join(alt.split()), quote=True)}">'
    if caption:
        text += f"<figcaption>{html.escape(caption)}</figcaption>"
    return text + "</figure>"


def show_figure(figure, alt: str, caption: str | None = None) -> None:
    """Display :func:`figure_html` and close the figure (so it is not shown twice)."""
    import matplotlib.pyplot as plt

    display({"text/html": figure_html(figure, alt, caption)}, raw=True)
    plt.close(figure)
