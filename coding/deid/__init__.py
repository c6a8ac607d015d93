"""De-identification of interview transcripts (HIPAA Safe Harbor identifiers)."""

from coding.deid._redact import (
    SPAN_COLUMNS,
    TYPES,
    Redaction,
    Roster,
    Span,
    find_identifiers,
    redact,
)

__all__ = [
    "Redaction",
    "Roster",
    "SPAN_COLUMNS",
    "Span",
    "TYPES",
    "find_identifiers",
    "redact",
]
