"""Synthetic study data, accounts and login helpers shared by the web app tests."""

from __future__ import annotations

from types import SimpleNamespace

from coding.store import CodingStore
from coding.web.accounts import Accounts
from coding.web.data import StudyData, from_objects
from tests.coding.store.helpers import FAST_HASHER

PASSWORDS = {
    "lead1": "lead password 1",
    "coder_a": "coder a password",
    "coder_b": "coder b password",
}
XSS = (
    '<script>alert("x")</script> <img src=x onerror=alert(1)> <a href="javascript:alert(2)">go</a>'
)


def _transcript(tid: str, turns: list[tuple[str, str]]) -> SimpleNamespace:
    """Build text and turn offsets the way docs/architecture.md defines them."""
    parts, spans, at = [], [], 0
    for speaker, said in turns:
        label = f"{speaker}: "
        start = at + len(label)
        spans.append({"speaker": speaker, "start": start, "end": start + len(said)})
        parts.append(label + said)
        at += len(label) + len(said) + 2
    return SimpleNamespace(id=tid, text="\n\n".join(parts), turns=spans, participant_id=None)


TRANSCRIPTS = [
    _transcript(
        "T01",
        [
            ("INTERVIEWER", "How was the birth?"),
            ("P01", "Hard. They judged me for the methadone."),
            ("INTERVIEWER", "Who helped you?"),
            ("P01", "My peer coach helped me keep going with the baby."),
        ],
    ),
    _transcript(
        "T02",
        [
            ("INTERVIEWER", "Tell me about the NICU."),
            ("P02", "Nobody explained withdrawal to me. I felt guilty."),
        ],
    ),
    _transcript("T03", [("INTERVIEWER", "Anything else?"), ("P03", XSS)]),
]
CODES = [
    {"id": "barriers", "name": "Barriers", "color": "#D55E00"},
    {
        "id": "stigma",
        "name": "Stigma",
        "parent": "barriers",
        "color": "#D55E00",
        "definition": "Being judged for OUD or MOUD.",
        "include": "judged, looked down on",
        "exclude": "self-blame (use nows_guilt)",
    },
    {"id": "nows_guilt", "name": "NOWS guilt", "parent": "barriers", "color": "#CC79A7"},
    {"id": "recovery_network", "name": "Recovery network", "color": "#009E73"},
    {"id": "delivery_pain", "name": "Delivery pain", "color": "#E69F00"},
    {"id": "evil", "name": "<img src=x onerror=alert(3)>", "color": "red;background:url(x)"},
]


def study_data() -> StudyData:
    return from_objects(TRANSCRIPTS, CODES, name="web test study")


def fast_accounts(store: CodingStore) -> Accounts:
    """The store's accounts with cheap argon2 parameters (tests only)."""
    return Accounts(store, FAST_HASHER)


def seeded_store(url: str) -> CodingStore:
    """A store with the transcripts, three accounts; T01 and T02 assigned to both coders."""
    store = CodingStore(url)
    store.register_transcripts({t.id: t.text for t in TRANSCRIPTS})
    accounts = fast_accounts(store)
    accounts.add_user("lead1", "lead", PASSWORDS["lead1"])
    for coder in ("coder_a", "coder_b"):
        accounts.add_user(coder, "coder", PASSWORDS[coder])
        for tid in ("T01", "T02", "T03"):
            store.assign(tid, coder)
    return store


def span(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)
