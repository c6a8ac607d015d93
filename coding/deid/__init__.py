"""De-identification of interview transcripts (HIPAA Safe Harbor identifiers)."""

from coding.deid._redact import find_identifiers, redact
from coding.deid._spans import SPAN_COLUMNS, TYPES, Redaction, Roster, Span

__all__ = [
    "Redaction",
    "Roster",
    "SPAN_COLUMNS",
    "Span",
    "TYPES",
    "find_identifiers",
    "redact",
]
