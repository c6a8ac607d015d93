"""The last line of defence: scan a rendered report for small counts before it is released.

Report notebooks display every count table through :func:`count_table_html`, which marks it
with the CSS class ``dyadlab-counts``. :func:`scan_html` reads the finished HTML page and
reports each marked cell that shows a whole number from 1 to ``min_cell - 1``; the report
runner refuses to write a funder report with any (see ``studies.reports``). The scan reads
the page itself, not the notebook's variables, so it also catches a count someone typed in
by hand or a table built outside the ledger.
"""

from __future__ import annotations

import html as html_lib
import re

import lxml.html
import pandas as pd

from analysis.disclosure._suppress import format_suppressed

COUNTS_CLASS = "dyadlab-counts"
_WHOLE_NUMBER = re.compile(r"^\s*(\d{1,3}(?:,\d{3})*|\d+)\s*$")


def count_table_html(table: pd.DataFrame, min_cell: int = 11, caption: str | None = None) -> str:
    """HTML for a suppressed count table, marked for :func:`scan_html`."""
    shown = format_suppressed(table, min_cell)
    html = shown.to_html(classes=COUNTS_CLASS, border=0, escape=True)
    if caption:
        html = html.replace(">", f"><caption>{html_lib.escape(caption)}</caption>", 1)
    return html


def scan_html(html: str, min_cell: int = 11) -> pd.DataFrame:
    """Every small count shown in a marked table: ``table, row, column, text``.

    ``table`` is the 1-based position of the marked table in the page; ``row`` and
    ``column`` are the header labels of the cell. Empty means no violation.
    """
    if not html.strip():
        return pd.DataFrame(columns=["table", "row", "column", "text"])
    document = lxml.html.fromstring(html)
    problems = []
    for number, table in enumerate(
        document.xpath(f'//table[contains(@class, "{COUNTS_CLASS}")]'), 1
    ):
        headers = [th.text_content().strip() for th in table.xpath("./thead/tr[1]/th")]
        for tr in table.xpath("./tbody/tr"):
            cells = tr.xpath("./th|./td")
            label = cells[0].text_content().strip() if cells else ""
            for position, cell in enumerate(cells):
                if cell.tag != "td":
                    continue
                text = cell.text_content().strip()
                match = _WHOLE_NUMBER.match(text)
                if match and 1 <= int(match.group(1).replace(",", "")) < min_cell:
                    column = headers[position] if position < len(headers) else str(position)
                    problems.append((number, label, column, text))
    return pd.DataFrame(problems, columns=["table", "row", "column", "text"])
