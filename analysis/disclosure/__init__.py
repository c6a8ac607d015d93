"""Disclosure control for tables that leave the research team.

Small counts are hidden (primary suppression), enough others are hidden with them that no
hidden count can be worked back from the margins (complementary suppression, audited by
linear programming), and a ledger checks every table of a report together.
"""

from analysis.disclosure._check import COUNTS_CLASS, count_table_html, scan_html
from analysis.disclosure._ledger import DisclosureLedger
from analysis.disclosure._suppress import (
    SUPPRESSED,
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
    "SUPPRESSED",
    "TOTAL_LABELS",
    "DisclosureError",
    "DisclosureLedger",
    "audit_table",
    "coarsen_counts",
    "count_table_html",
    "format_suppressed",
    "scan_html",
    "suppress",
    "suppress_rates",
    "suppressed_symbol",
    "suppression_mask",
]
