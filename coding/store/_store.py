"""The coding store: every coder's spans, transcripts, assignments, suggestions, memos and an
append-only audit log, in one SQL database.

A :class:`CodingStore` wraps one SQL database (SQLite by default, PostgreSQL for a team
server) and is the only writer of coded spans; the web app and the CLI go through it. Every
change is one transaction that also appends its audit entry (who, what, before, after), and a
method returns only after the transaction is committed — with SQLite's ``synchronous=FULL``
an acknowledged coding survives a killed process.

Each concern is a small class in its own module, composed here:

* :mod:`~coding.store._codings` — spans, optimistic versions, soft delete, import;
* :mod:`~coding.store._transcripts` — transcript registration and per-transcript switches;
* :mod:`~coding.store._assignments` — who codes what, and done;
* :mod:`~coding.store._suggestions` — reviewing the autocoder's suggestions;
* :mod:`~coding.store._memos` — transcript memos;
* :mod:`~coding.store._audit` — the append-only log;
* :mod:`~coding.store._base`, ``_engine``, ``_schema``, ``_migrations``, ``_commit`` — the
  database, its tables and versions, and group commit.

Accounts, passwords and login sessions are the web app's business and live in
:mod:`coding.web.accounts`, which keeps its tables in the same database.

>>> store = CodingStore("sqlite:///coding.sqlite")
>>> store.register_transcripts({"T01": "INTERVIEWER: How was the birth?\\n\\nP01: Hard."})
1
>>> c = store.add_coding("T01", "coder_a", "delivery_pain", 38, 43, memo="short answer")
>>> store.update_coding(c.id, c.version, code_id="stigma").version
2
"""

from __future__ import annotations

from coding.store._assignments import Assignments
from coding.store._audit import AuditLog
from coding.store._codings import Codings
from coding.store._memos import Memos
from coding.store._suggestions import Suggestions
from coding.store._transcripts import Transcripts


class CodingStore(Codings, Transcripts, Assignments, Suggestions, Memos, AuditLog):
    """A coding database at a SQLAlchemy ``url`` (created with its tables if missing, and
    migrated when it was made by an older version).

    Parameters
    ----------
    url:
        ``sqlite:///path/coding.sqlite`` (default kind; a new file is created with mode 0600)
        or ``postgresql+psycopg://user:password@host/database``.
    group_commit:
        SQLite only: let concurrent writes of this process share one durable commit
        (:mod:`coding.store._commit`); False commits each write on its own (the benchmark's
        baseline).
    """

    def __enter__(self) -> CodingStore:
        return self
