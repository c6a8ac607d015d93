"""Checks across tables: foreign keys and date order (events not before their delivery).

The dictionaries declare them (``foreignKeys`` and the dyadlab ``dateOrder`` extension);
:func:`check_relations` applies every one whose tables are present. Joins are vectorised
(``isin`` and ``merge``), so millions of dispensing rows are checked in seconds.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from data_dictionary.errors import ValidationError
from data_dictionary.problems import combine_problems, problems_frame, show_value
from data_dictionary.schema import load_schema


def check_relations(tables: dict[str, pd.DataFrame], *, file: str | Path | None = None) -> None:
    """Check foreign keys and date order between ``tables`` (name → validated frame).

    ``tables`` maps table names (``deliveries``, ``dispensing``, ``events``, ``participants``,
    ``transcripts``, ``codings``) to frames as returned by :func:`data_dictionary.validate`.
    Relations to a table that is not given are skipped. Raises
    :class:`~data_dictionary.errors.ValidationError` with every problem, e.g.
    ``row 4 (line 5), column event_date: expected a date on or after the delivery_date of
    delivery_id 'D0007' (2021-03-02), got 2021-02-27``.

    The demo study's tables agree; an event moved to before its delivery does not:

    >>> check_relations({"deliveries": deliveries, "events": events})
    >>> delivered = deliveries.set_index("delivery_id")["delivery_date"]
    >>> events.loc[0, "event_date"] = delivered[events.loc[0, "delivery_id"]] - pd.Timedelta(days=3)
    >>> check_relations({"deliveries": deliveries, "events": events}, file="events.csv")
    Traceback (most recent call last):
    ...
    data_dictionary.errors.ValidationError: events.csv: 1 problem in table events:
      row 1 (line 2), column event_date: expected a date on or after the delivery_date of ...
    """
    problems = relation_problems(tables)
    if len(problems):
        raise ValidationError(problems, file=file)


def relation_problems(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every cross-table problem as a problems frame (see :func:`check_relations`)."""
    records = []
    for name, frame in tables.items():
        schema = load_schema(name)
        data = frame.reset_index(drop=True)
        for key in schema.foreign_keys:
            if key.resource not in tables or len(key.fields) != 1:
                continue
            column, target = key.fields[0], key.reference_fields[0]
            reference = tables[key.resource]
            if column not in data.columns or target not in reference.columns:
                continue
            values = data[column]
            unknown = values.notna() & ~values.isin(reference[target].dropna().unique())
            rows = unknown[unknown].index.to_numpy()
            if len(rows):
                shown = values.to_numpy()[rows]
                records.append(
                    pd.DataFrame(
                        {
                            "table": name,
                            "row": rows + 1,
                            "column": column,
                            "check": f"foreign_key:{key.resource}.{target}",
                            "value": shown,
                            "message": [
                                f"expected a {target} that occurs in {key.resource}, "
                                f"got {show_value(v)}"
                                for v in shown
                            ],
                        }
                    )
                )
        for order in schema.date_orders:
            if order.resource not in tables:
                continue
            reference = tables[order.resource][[order.via, order.reference_field]]
            reference = reference.drop_duplicates(order.via)
            joined = data[[order.via, order.field]].merge(
                reference.rename(columns={order.reference_field: "_reference_date"}),
                on=order.via,
                how="left",
            )
            before = joined[order.field] < joined["_reference_date"]
            rows = before[before.fillna(False)].index.to_numpy()
            if len(rows):
                sub = joined.iloc[rows]
                records.append(
                    pd.DataFrame(
                        {
                            "table": name,
                            "row": rows + 1,
                            "column": order.field,
                            "check": f"not_before:{order.resource}.{order.reference_field}",
                            "value": [show_value(v) for v in sub[order.field]],
                            "message": [
                                f"expected a date on or after the {order.reference_field} of "
                                f"{order.via} {show_value(k)} ({show_value(r)}), "
                                f"got {show_value(v)}"
                                for k, r, v in zip(
                                    sub[order.via],
                                    sub["_reference_date"],
                                    sub[order.field],
                                    strict=True,
                                )
                            ],
                        }
                    )
                )
    return combine_problems(records) if records else problems_frame()
