"""The coding store: every coder's spans, accounts, assignments and an append-only audit log."""

from coding.store._store import (
    AUTO,
    CONSENSUS,
    Coding,
    CodingStore,
    NotFoundError,
    StaleEditError,
    StoreError,
    User,
)

__all__ = [
    "AUTO",
    "CONSENSUS",
    "Coding",
    "CodingStore",
    "NotFoundError",
    "StaleEditError",
    "StoreError",
    "User",
]
