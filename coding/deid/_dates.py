"""Dates and ages: every element of a date except the year, and ages over 89.

45 CFR 164.514(b)(2)(i)(C): "all elements of dates (except year) for dates directly related
to an individual" and "all ages over 89". Spoken forms count ("the 21st", "christmas eve",
"ninety-one"); years alone, weekdays and relative times ("two weeks postpartum") are kept.
Tested in tests/coding/deid/test_redact.py.
"""

from __future__ import annotations

import re

from coding.deid._lexicon import MONTHS
from coding.deid._spans import Span

_HOLIDAYS = (
    r"Christmas(?: Eve| Day)?|Xmas(?: Eve)?|Thanksgiving(?: Day)?|Easter(?: Sunday)?|"
    r"Halloween|New Year['’]?s(?: Eve| Day)?|Valentine['’]?s(?: Day)?|Fourth of July|"
    r"4th of July|Independence Day|Mother['’]?s Day|Father['’]?s Day|Memorial Day|Labor Day|"
    r"Veterans['’]? Day|Presidents['’]? Day|(?:Martin Luther King|MLK)(?: Jr\.?)? Day|"
    r"Juneteenth|Columbus Day|Indigenous Peoples['’]? Day|St\.? Patrick['’]?s Day|"
    r"Saint Patrick['’]?s Day|April Fool['’]?s(?: Day)?|Good Friday|Black Friday|"
    r"Cinco de Mayo|D[ií]a de (?:los )?Muertos|D[ií]a de la Virgen(?: de Guadalupe)?|"
    r"Pi Day|Groundhog Day|Mardi Gras|Super Bowl Sunday"
)


def dates(text: str) -> list[Span]:
    """Every date element except the year: full dates, month and day, months, holidays."""
    ordinal = r"\d{1,2}(?:st|nd|rd|th)?"
    patterns = [
        r"\b\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})\b",  # 3/14/2022, 03-14-22
        r"\b\d{4}-\d{2}-\d{2}\b",  # 2022-03-14
        rf"\b(?:{MONTHS})\.?\s+{ordinal}\b(?:,?\s+\d{{4}})?",  # March 14th, 2022
        rf"\b{ordinal}\s+(?:of\s+)?(?:{MONTHS})\b(?:,?\s+\d{{4}})?",  # 14th of March
        rf"\b(?:{MONTHS})(?=\s+(?:19|20)\d{{2}}\b)",  # March (2022): the year is kept
        rf"\b(?i:{MONTHS})(?=\s+of\s+(?:(?:19|20)\d{{2}}|['’]\d{{2}})\b)",  # April of 2020
        rf"\b(?i:{MONTHS})\.?\s+{ordinal}(?<=\d(?:st|nd|rd|th))\b",  # feb 14th, typed
        r"\b\d{1,2}\s+de\s+(?i:enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
        r"septiembre|setiembre|octubre|noviembre|diciembre)\b",  # el 12 de diciembre
        r"\b(?:0?[1-9]|1[0-2])[/-](?:0?[1-9]|[12]\d|3[01])\b(?![/-]|\s*(?:a|an|of|mg|"
        r"milligrams?|tabs?|pills?|strips?|doses?|cups?|minutes?|mins?|hours?|hrs?|days?|weeks?|"
        r"months?|years?|times|people|pounds|lbs|percent|%)\b)",  # 10/12, 7-15
        rf"\b(?i:{_HOLIDAYS})\b(?:,?[ \t]+(?:19|20)\d\d\b)?",  # "Christmas Eve 2021"
        r"(?<=\bthe )\d{1,2}(?:st|nd|rd|th)\b(?!\s+(?:century|time|floor|grade|week|percent|"
        r"place|birthday|day|of (?:the|my|her|his|every|each)))",
    ]
    # A second day of the month in a list or range: "the 21st and 22nd", "the 3rd to 5th".
    patterns.append(
        r"(?<=\d(?:st|nd|rd|th) )(?:and|or|to|through|thru|till?) (\d{1,2}(?:st|nd|rd|th))\b"
    )
    spans = []
    for index, pattern in enumerate(patterns):
        for m in re.finditer(pattern, text):
            if index == 8 and re.fullmatch(r"\d/\d", m.group()):
                before = text[max(0, m.start() - 20) : m.start()].lower()
                if not re.search(
                    r"(?:\b(?:on|since|by|until|born|due|date|from|til|mon|tue|tues|wed|thu|"
                    r"thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|"
                    r"sunday)|[—–]|--)\s*$",
                    before,
                ):
                    continue  # "1/2" alone is more often a fraction than a date
            group = 1 if m.re.groups else 0  # the list pattern: the day after "and"
            spans.append(Span(m.start(group), m.end(group), "DATE", m.group(group).rstrip()))
    # A month on its own after a time preposition ("in March", "last May").
    lone = re.compile(
        rf"\b(?i:in|on|since|until|till|by|last|this|next|early|late|mid|around|from|of|"
        rf"through|during|before|after)\s+(?:(?:early|late|mid)[- ])?(?P<m>{MONTHS})\b(?!\s*\d)"
        rf"|\b(?i:early|late|mid)-(?P<m2>{MONTHS})\b"
    )
    for m in lone.finditer(text):
        group = "m" if m.group("m") else "m2"
        spans.append(Span(m.start(group), m.end(group), "DATE", m.group(group)))
    return spans


def ages(text: str) -> list[Span]:
    """Ages over 89 (Safe Harbor keeps younger ages)."""
    old = r"(?:9\d|1[0-1]\d)"
    patterns = [
        rf"\b{old}(?=[\s-]*(?:years?|yrs?)[\s-]*old\b|\s*y/?o\b)",
        rf"(?<=\bage )\b{old}\b|(?<=\baged )\b{old}\b",
        rf"(?<=\bturned )\b{old}\b|(?<=\bturning )\b{old}\b",
        rf"(?<=\bis )\b{old}\b(?=\s*(?:now|this year|years|\.|,|$))",
        rf"(?:(?<=\bshe's )|(?<=\bhe's )|(?<=\bi'm )|(?<=\bi am )|(?<=\bwho's )|(?<=\bshe is )"
        rf"|(?<=\bhe is ))\b{old}\b(?!\s*(?:%|percent|mg|milligrams|pounds|lbs|weeks|days|"
        rf"minutes|hours|dollars|bucks))",
        r"(?:(?<=\bturned )|(?<=\bturning )|(?<=\bturns )|(?<=\bage )|(?<=\bis )|(?<=\bbe )"
        r"|(?<=\bshe's )|(?<=\bhe's )"
        r"|(?<=\bi'm )|(?<=\bi am )|(?<=\bwho's )|(?<=\bshe is )|(?<=\bhe is )|(?<=\baged ))"
        r"\b(?:ninety(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|a hundred"
        r"(?: and \w+)?|one hundred(?: and \w+)?)\b",
    ]
    spelled = (
        r"\b(?:ninety(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|a hundred"
        r"(?: and \w+)?|one hundred(?: and \w+)?)(?=[\s-]*(?:years?|yrs?)[\s-]*old\b)"
    )
    spans = []
    for pattern in [*patterns, spelled]:
        for m in re.finditer(pattern, text, re.IGNORECASE):
            spans.append(Span(m.start(), m.end(), "AGE", m.group()))
    # An old person's age in other phrasings: "grandpa is 94 and", "passed at 101", "died at
    # 97", "she's like ninety-one", "my grandmother's ninety-four" — a number over 89 after
    # "is/'s/at/like/about" with an elder or a death named just before it.
    number = (
        rf"{old}|ninety(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
        r"|(?:a|one) hundred(?: and (?:one|two|three|four|five|six|seven|eight|nine|ten))?"
    )
    for m in re.finditer(
        rf"(?i:\b(?:is|was|['’]s|at|like|about|almost|nearly|over)[ \t]+(?:like[ \t]+)?)"
        rf"(?P<age>(?i:{number}))\b(?![ \t]*(?:%|percent|mg|milligrams|pounds|lbs|weeks|days|"
        r"minutes|hours|dollars|bucks|miles|degrees|times|people|families|moms|patients))",
        text,
    ):
        before = text[max(0, m.start() - 60) : m.start()].lower()
        if re.search(
            r"\b(?:grand\w*|great[- ]\w+|nana|granny|mamaw|papaw|pawpaw|memaw|pop-?pop|aunt\w*|"
            r"mama|mom|mother|dad|father|"
            r"uncle|elder|passed|died|old|age|lived to|made it to)\b|['’]s$",
            before,
        ):
            spans.append(Span(m.start("age"), m.end("age"), "AGE", m.group("age")))
    # The same age said again ("a hundred and two. A hundred and two!").
    for said in {s.original.lower() for s in spans if not s.original.isdigit()}:
        for m in re.finditer(rf"\b{re.escape(said)}\b", text, re.IGNORECASE):
            spans.append(Span(m.start(), m.end(), "AGE", m.group()))
    return spans
