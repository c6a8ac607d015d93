"""The coding store: every coder's spans, transcripts, assignments, suggestions, memos and an
append-only audit log (accounts and logins belong to the web app: :mod:`coding.web.accounts`)."""

from coding.errors import NotFoundError, StaleEditError, StoreError
from coding.store._records import AUTO, CONSENSUS, RESERVED_CODERS, Coding, check_name
from coding.store._store import CodingStore

__all__ = [
    "AUTO",
    "CONSENSUS",
    "RESERVED_CODERS",
    "Coding",
    "CodingStore",
    "NotFoundError",
    "StaleEditError",
    "StoreError",
    "check_name",
]
