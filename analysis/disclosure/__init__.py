"""Disclosure control for tables that leave the research team.

Small counts are hidden (primary suppression), enough others are hidden with them that no
hidden count can be worked back from the margins (complementary suppression, audited by
linear programming), a ledger checks every count of a report together with every count the
study released before (the release ledger), and counts that would otherwise have to be hidden
to protect earlier releases are shown rounded, their rounding intervals entering the audit.
The threat model is docs/disclosure.md.
"""

from analysis.disclosure._check import COUNTS_CLASS, count_table_html, scan_html
from analysis.disclosure._km import round_km, roundmid
from analysis.disclosure._ledger import DisclosureLedger, round_count, rounding_interval
from analysis.disclosure._release import ReleaseLedger
from analysis.disclosure._suppress import (
    ROUNDED_MARK,
    SUPPRESSED,
    SUPPRESSED_MEANING,
    TOTAL_LABELS,
    DisclosureError,
    audit_table,
    coarsen_counts,
    format_suppressed,
    suppress,
    suppress_rates,
    suppressed_symbol,
    suppression_mask,
)

__all__ = [
    "COUNTS_CLASS",
    "ROUNDED_MARK",
    "SUPPRESSED",
    "SUPPRESSED_MEANING",
    "TOTAL_LABELS",
    "DisclosureError",
    "DisclosureLedger",
    "ReleaseLedger",
    "audit_table",
    "coarsen_counts",
    "count_table_html",
    "format_suppressed",
    "scan_html",
    "suppress",
    "round_count",
    "round_km",
    "roundmid",
    "rounding_interval",
    "suppress_rates",
    "suppressed_symbol",
    "suppression_mask",
]
