"""Identifiers written with digits and symbols: e-mail, URLs, IP addresses, SSNs, telephone
and fax numbers, record/plan/account/licence numbers, vehicle plates, any other long number.

Each detector takes the text and returns :class:`~coding.deid._spans.Span` objects; a cue
word before a number decides its type ("MRN 00412345", "fax 555-…"). Tested in
tests/coding/deid/test_redact.py.
"""

from __future__ import annotations

import re

from coding.deid._spans import Span


def _regex(kind: str, pattern: str, flags: int = 0, group: int | str = 0):
    compiled = re.compile(pattern, flags)

    def detect(text: str) -> list[Span]:
        return [
            Span(m.start(group), m.end(group), kind, m.group(group))
            for m in compiled.finditer(text)
            if m.group(group)
        ]

    detect.__name__ = f"detect_{kind.lower()}"
    return detect


def phones(text: str) -> list[Span]:
    pattern = re.compile(
        r"(?<![\w-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?\d{3}[\s.-]?|\d{3}[\s.-]\d{3}[\s.-])\d{4}"
        r"(?:,?\s*(?:ext\.?|extension|x)\s*\d{1,5})?(?![\w-])"
        r"|(?<=[\s:])\d{10}(?!\d)|(?<![\w-])\d{3}[.-]\d{4}(?![\w-])"
    )
    spans = []
    for m in pattern.finditer(text):
        before = text[max(0, m.start() - 25) : m.start()].lower()
        if re.fullmatch(r"\d{3}[.-]\d{4}", m.group()) and not re.search(
            r"(call|phone|number|cell|text|reach|dial)", before
        ):
            continue  # a bare 7-digit number needs a phone cue
        if re.fullmatch(r"\d{10}", m.group()) and not re.search(
            r"(call|phone|number|cell|text|reach|dial|fax)", before
        ):
            continue
        clause = text[max(0, m.start() - 45) : m.start()].lower()
        kind = (
            "FAX"
            if re.search(r"\bfax", clause) and not re.search(r"\b(?:cell|phone)\b", before)
            else "PHONE"
        )
        spans.append(Span(m.start(), m.end(), kind, m.group()))
    return spans


def ip_addresses(text: str) -> list[Span]:
    spans = []
    for m in re.finditer(r"(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{1,4}(?![\w:])", text):
        if "::" in m.group() or m.group().count(":") >= 3:
            spans.append(Span(m.start(), m.end(), "IP", m.group()))
    for m in re.finditer(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\.?\d)", text):
        if all(int(part) <= 255 for part in m.group().split(".")):
            spans.append(Span(m.start(), m.end(), "IP", m.group()))
    return spans


_ID_CUES = [
    (
        "MRN",
        r"(?:mrn|mr ?#|mr number|medical record(?: number| no\.?| #)?|chart(?: number| #)"
        r"|record number)",
    ),
    (
        "ID",
        r"(?:medicaid|medicare|insurance|member|policy|plan|subscriber|beneficiary|"
        r"patient|client|case|wic|ebt|snap)(?: id| number| no\.?| #| card(?: number)?)"
        r"|\bid(?: number| no\.?| #)"
        r"|(?:inmate|booking|docket|offender|mdoc|doc|meeting)(?: id| number| no\.?| #)",
    ),
    ("ACCOUNT", r"(?:account|acct)(?: number| no\.?| #)?"),
    ("LICENSE", r"(?:driver'?s licen[cs]e|licen[cs]e|certificate|dea|npi)(?: number| no\.?| #)?"),
]


def numbered_ids(text: str) -> list[Span]:
    """Record, plan, account and licence numbers: a cue word, then a token with digits."""
    spans = []
    for kind, cue in _ID_CUES:
        pattern = re.compile(
            rf"(?<!\w)(?:{cue})(?!\w)(?:[\s,:#]+(?:is|was|number|of|like|uh|um|it's|its|"
            rf"the|my|her)(?!\w))*[\s,:#]*"
            r"(?P<id>(?:[A-Z]{1,4}[.-])?[A-Z0-9]*\d[A-Z0-9]*(?:[- ][A-Z0-9]*\d[A-Z0-9]*){0,3})",
            re.IGNORECASE,
        )
        for m in pattern.finditer(text):
            token = m.group("id")
            if sum(c.isdigit() for c in token) >= 4:
                spans.append(Span(m.start("id"), m.end("id"), kind, token))
    return spans


_NUMBER_CUES = (
    ("PLATE", r"plate|\btags?\b|\bvin\b"),  # first: "license plate" is a plate
    ("LICENSE", r"licen[cs]e|\bdl\b|dea\b|npi\b|certificate|registration"),
    ("ACCOUNT", r"account|acct|card"),
    ("MRN", r"\bmrn?\b|medical record|chart"),
)


def long_numbers(text: str) -> list[Span]:
    """Any other long identifying number (seven or more digits, maybe grouped, maybe with a
    letter prefix): Safe Harbor's "any other unique identifying number". Typed by the
    nearest cue word before it, else ID. Phone numbers, SSNs and dates win on overlap."""
    spans = []
    pattern = re.compile(r"(?<![\w.,/-])[A-Z]{0,3}[-.]?\d[\d .-]{5,}\d(?![\w/-]|\.\d|,\d)")
    for m in pattern.finditer(text):
        token = m.group().rstrip(" .-")
        if sum(c.isdigit() for c in token) < 7 or re.fullmatch(r"(?:19|20)\d\d(?: \d+)*", token):
            continue
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}|\d{1,2}([-/.])\d{1,2}\1\d{2,4}", token):
            continue  # a date: the date detector types it
        before = text[max(0, m.start() - 40) : m.start()].lower()
        kind = next((k for k, cue in _NUMBER_CUES if re.search(cue, before)), "ID")
        spans.append(Span(m.start(), m.start() + len(token), kind, token))
    return spans


def plates(text: str) -> list[Span]:
    pattern = re.compile(
        r"\b(?:(?:licen[cs]e )?plates?|tags?)(?: number)?(?: is| was| reads| are| says|:|,)?\s+"
        r"(?P<plate>(?:[A-Z]{2}[ ])?[A-Z0-9]{1,4}[- ]?[A-Z0-9]{2,6})\b",
        re.IGNORECASE,
    )
    spans = [
        Span(m.start("plate"), m.end("plate"), "PLATE", m.group("plate"))
        for m in pattern.finditer(text)
        if any(c.isdigit() for c in m.group("plate"))
        and len(m.group("plate")) >= 4
        and (re.search(r"[A-Z]", m.group("plate")) or m.group("plate").isdigit())
    ]
    # Letters and digits in the shape of a plate, with a vehicle word nearby ("GHX 4471").
    for m in re.finditer(r"\b[A-Z]{2,3}[- ]?\d{3,4}\b", text):
        around = text[max(0, m.start() - 60) : m.end() + 30].lower()
        if re.search(r"\b(?:plate|tags?|car|truck|van|suv|vehicle|parked)\b", around):
            spans.append(Span(m.start(), m.end(), "PLATE", m.group()))
    return spans


def lettered_ids(text: str) -> list[Span]:
    """Case, docket, member and inmate numbers that mix letter codes and digits in dashed
    groups ("2021-CW-004417", "CYFD-23-004415", "3347-00918-T"): five digits or more and a
    letter group. Typed by the nearest cue word before them, else ID."""
    spans = []
    pattern = re.compile(
        r"(?<![\w-])(?=[A-Z0-9-]*[A-Z])(?=(?:[A-Z-]*\d){5})[A-Z0-9]+(?:-[A-Z0-9]+){1,4}(?![\w-])"
    )
    for m in pattern.finditer(text):
        if re.fullmatch(r"(?:1-)?8\d\d-[A-Z0-9]{3}-[A-Z0-9]{4}", m.group()):
            continue  # a toll-free number spelled with letters ("1-800-662-HELP"): public
        before = text[max(0, m.start() - 40) : m.start()].lower()
        kind = next((k for k, cue in _NUMBER_CUES if re.search(cue, before)), "ID")
        spans.append(Span(m.start(), m.end(), kind, m.group()))
    return spans


def handles(text: str) -> list[Span]:
    """Social-media and payment handles: "@kayla_b92", "$KaylaB", and a handle after the
    app's name ("my venmo is kayla-b-92", "snap: kaybear22")."""
    spans = []
    for m in re.finditer(r"(?<![\w@.$])[@$][A-Za-z][\w.-]{1,29}(?<![.-])", text):
        spans.append(Span(m.start(), m.end(), "HANDLE", m.group()))
    cue = (
        r"(?i:venmo|cash ?app|cashapp|insta|instagram|ig|snap|snapchat|tiktok|tik tok|twitter|"
        r"threads|fb|facebook)(?i:[ \t]+(?:handle|name|username|is|was|account))*[ \t]*[:=]?[ \t]*"
    )
    for m in re.finditer(rf"\b{cue}(?P<h>[@$]?[A-Za-z0-9][\w.-]*[\w])", text):
        handle = m.group("h")
        if re.search(r"[\d_.]", handle) or handle[0] in "@$":
            spans.append(Span(m.start("h"), m.end("h"), "HANDLE", handle))
    return spans


detect_email = _regex("EMAIL", r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
detect_url = _regex(
    "URL",
    r"\b(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)]"
    r"|\b[\w-]+\.(?:com|org|net|gov|edu|io|info|us|me|co|ly|ee|app|tv|link)"
    r"(?:/[^\s<>\"']*[^\s<>\"'.,;:!?)])?\b",
    re.IGNORECASE,
)
detect_ssn = _regex(
    "SSN",
    r"\b\d{3}-\d{2}-\d{4}\b|(?<=social security number )\d{9}\b|"
    r"(?<=social security number is )[\d -]{9,11}\d|"
    r"(?<=social is )\d{3}[ -]?\d{2}[ -]?\d{4}\b|(?<=ssn is )\d{3}[ -]?\d{2}[ -]?\d{4}\b|"
    r"\b\d{3} \d{2} \d{4}\b",
    re.IGNORECASE,
)

_DIGIT_WORDS = {
    "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_SPOKEN_DIGIT = r"(?:zero|oh|o|one|two|three|four|five|six|seven|eight|nine|\d{1,4})"
_SPOKEN_RUN = re.compile(
    rf"(?<![\w-]){_SPOKEN_DIGIT}(?:(?:[ \t]*[,.-][ \t]*|[ \t]+){_SPOKEN_DIGIT}){{3,}}(?![\w-])",
    re.IGNORECASE,
)


def spoken_numbers(text: str) -> list[Span]:
    """Numbers read out digit by digit ("seven four oh, five five five, oh one nine two",
    "2 9 1, 5 5, 0 8 4 6"): nine digits after a social-security cue are an SSN, seven, ten
    or eleven digits a telephone (fax after "fax") number, other runs of seven or more an ID.
    Runs with no digit word and no separator are left to the other detectors."""
    spans = []
    for m in _SPOKEN_RUN.finditer(text):
        tokens = re.findall(_SPOKEN_DIGIT, m.group(), re.IGNORECASE)
        digits = "".join(_DIGIT_WORDS.get(t.lower(), t) for t in tokens)
        spelled = any(not t.isdigit() for t in tokens)
        if (
            len(digits) < 7
            or tokens[0].lower() in ("oh", "o")
            or not (spelled or all(len(t) == 1 for t in tokens))
        ):
            continue
        before = text[max(0, m.start() - 60) : m.start()].lower()
        if len(digits) == 9 and re.search(r"\bsocial\b|\bssn\b|security", before):
            kind = "SSN"
        elif len(digits) in (7, 10, 11):
            kind = "FAX" if re.search(r"\bfax", before) else "PHONE"
        else:
            kind = "ID"
        spans.append(Span(m.start(), m.end(), kind, m.group()))
    return spans


def spoken_emails(text: str) -> list[Span]:
    """E-mail addresses said aloud: "jessi.r.ramirez at yahoo dot com"."""
    pattern = re.compile(
        r"\b[\w.+-]+[ \t]+at[ \t]+[\w-]+(?:[ \t]+dot[ \t]+[\w-]+)*[ \t]+dot[ \t]+"
        r"(?:com|org|net|edu|gov|us|io)\b",
        re.IGNORECASE,
    )
    return [Span(m.start(), m.end(), "EMAIL", m.group()) for m in pattern.finditer(text)]


def vehicle_ids(text: str) -> list[Span]:
    """Vehicle identification numbers: 17 letters and digits, no I, O or Q (ISO 3779)."""
    return [
        Span(m.start(), m.end(), "PLATE", m.group())
        for m in re.finditer(r"\b[A-HJ-NPR-Z0-9]{17}\b", text)
        if re.search(r"\d", m.group()) and re.search(r"[A-Z]", m.group())
    ]


#: The number detectors, in the order they run (resolution decides overlaps, not order).
NUMBER_DETECTORS = (
    long_numbers,
    detect_email,
    detect_url,
    ip_addresses,
    detect_ssn,
    phones,
    numbered_ids,
    plates,
    spoken_numbers,
    spoken_emails,
    vehicle_ids,
    lettered_ids,
    handles,
)
