"""Accounts of the coding web app: users and roles, argon2id passwords with bounded
concurrent hashing, login sessions, and login throttling. They live in the coding database
beside the store's tables but are no part of :mod:`coding.store`: a qualitative-analysis
library used from a notebook carries no login concerns.

>>> from coding.store import CodingStore
>>> accounts = Accounts(CodingStore("sqlite:///coding.sqlite"))
>>> accounts.add_user("ana", "coder", "a long password")
User(name='ana', role='coder', disabled=False)
"""

from coding.web.accounts._accounts import ROLES, Accounts, SessionInfo, User
from coding.web.accounts._passwords import PasswordHashing
from coding.web.accounts._throttle import LoginThrottle, Reservation

__all__ = [
    "ROLES",
    "Accounts",
    "LoginThrottle",
    "PasswordHashing",
    "Reservation",
    "SessionInfo",
    "User",
]
