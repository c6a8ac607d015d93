"""Input checks shared by the coding library: a frame has the columns a function reads.

One rule and one message for every "missing columns" error of :mod:`coding` (codings,
turns, decisions, training units …): the error names the frame, lists every missing column
and the expected ones, and sets ``field`` to the first missing column, so the CLI's one-line
message says what to add. Tested in tests/coding/test_validation.py.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from coding.errors import CodingError


def require_columns(
    frame: object,
    columns: Iterable[str],
    *,
    name: str = "codings",
    error: type[CodingError] = CodingError,
) -> None:
    """Raise ``error`` unless ``frame`` is a DataFrame with every one of ``columns``.

    ``name`` says which input is wrong (``"codings"``, ``"turns"``, ``"decisions"`` …);
    ``error`` is the :class:`~coding.errors.CodingError` subclass of the calling package.

    >>> require_columns(pd.DataFrame({"code_id": []}), ["transcript_id", "code_id", "start"])
    Traceback (most recent call last):
    ...
    coding.errors.CodingError: field 'transcript_id': codings lack column(s) ['transcript_id', 'start']; expected ['transcript_id', 'code_id', 'start']
    """  # noqa: E501
    expected = list(columns)
    if not isinstance(frame, pd.DataFrame):
        raise error(f"{name} must be a pandas DataFrame, got {type(frame).__name__}", field=name)
    missing = [column for column in expected if column not in frame.columns]
    if missing:
        raise error(f"{name} lack column(s) {missing}; expected {expected}", field=missing[0])
