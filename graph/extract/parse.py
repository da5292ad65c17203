"""Parsers for Danish dates, times and amounts of money. They never raise on any text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..danish import MONTHS as MONTH_NAMES
from ..lexicon import lexicon

# a month's name or its abbreviation -> its number
MONTHS = {name: number for number, name in enumerate(MONTH_NAMES, start=1)} | {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "okt": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))

DATE_RE = re.compile(
    rf"(?<![\d/.-])(?P<d>[0-3]?\d)\.?\s*(?P<m>{_MONTH_ALT})\.?(?:\s+(?P<y>(?:19|20)\d\d))?(?!\w)"
    r"|(?<![\d/.-])(?P<d2>[0-3]?\d)[-/.](?P<m2>[01]?\d)[-/. ]\s?(?P<y2>(?:19|20)\d\d)(?![\d])"
    r"|(?<![\d/.-])(?P<y3>(?:19|20)\d\d)-(?P<m3>[01]\d)-(?P<d3>[0-3]\d)(?![\d])",
    re.IGNORECASE,
)
TIME_RE = re.compile(r"\bkl\.?\s*(?P<h>[0-2]?\d)(?:[.:](?P<min>[0-5]\d))?", re.IGNORECASE)


@dataclass(frozen=True)
class DateMatch:
    value: date | None  # None when the year is unknown
    day: int
    month: int
    year: int | None
    start: int
    end: int

    def iso(self, default_year: int | None = None) -> str | None:
        year = self.year or default_year
        if year is None:
            return None
        try:
            return date(year, self.month, self.day).isoformat()
        except ValueError:
            return None


def find_dates(text: str) -> list[DateMatch]:
    found = []
    for m in DATE_RE.finditer(text or ""):
        try:
            if m["m"]:
                day, month, year = int(m["d"]), MONTHS[m["m"].lower()], int(m["y"]) if m["y"] else None
            elif m["m2"]:
                day, month, year = int(m["d2"]), int(m["m2"]), int(m["y2"])
            else:
                day, month, year = int(m["d3"]), int(m["m3"]), int(m["y3"])
            value = date(year, month, day) if year else None
            if not year:
                date(2000, month, day)  # validates day/month (2000 is a leap year)
        except (ValueError, KeyError):
            continue
        found.append(DateMatch(value, day, month, year, m.start(), m.end()))
    return found


def parse_date(text: str) -> str | None:
    """The first complete date in `text` as YYYY-MM-DD, or None."""
    for match in find_dates(text):
        if match.value:
            return match.value.isoformat()
    return None


def parse_time(text: str) -> str | None:
    m = TIME_RE.search(text or "")
    if not m:
        return None
    hour = int(m["h"])
    minute = int(m["min"]) if m["min"] else 0
    if hour > 23:
        return None
    return f"{hour:02d}:{minute:02d}"


# --------------------------------------------------------------------------- money

_NUMBER = r"(?P<num>-?\d{1,3}(?:\.\d{3})+(?:,\d+)?|-?\d+(?:,\d+)?)"
_SCALE = r"(?P<scale>mio\.?|millioner|million|mia\.?|milliarder|milliard|t\.?\s?kr\.?|tusinde?)"
_CURRENCY = r"(?P<cur>kr\.?|kroner|dkk)"
MONEY_RE = re.compile(
    rf"(?<![\w.,]){_NUMBER}(?:\s*-\s*(?P<upper>\d+(?:,\d+)?))?\s*(?:{_SCALE}\s*(?:kr\.?|kroner|dkk)?|{_CURRENCY})(?![a-zæøå])"
    rf"|(?<![\w.,])\(?(?P<num2>\d+(?:,\d+)?)\.?\s*(?P<scale2>mio)\b"
    # the currency first: "kr. 500.000", "DKK 250.000,00" (a scale after it is taken by the first form)
    rf"|(?<![\w])(?:kr\.|dkk)\s*(?P<num3>\d{{1,3}}(?:\.\d{{3}})+(?:,\d+)?|\d+,\d+|\d+)(?![\d,.]*\s*(?:mio|mia|t\.?\s?kr|tkr))(?!\w)",
    re.IGNORECASE,
)
# A bare number with thousands separators ("750.000") is money only in a money context.
BARE_RE = re.compile(r"(?<![\w.,/-])(?P<num>-?\d{1,3}(?:\.\d{3})+)(?![\w,.]\d)")
MONEY_CONTEXT_RE = re.compile(
    r"\b(?:kr|kroner|midler|midlerne|klyngemidler|budget\w*|beløb\w*|overskud\w*|underskud|honorering|bevilling\w*"
    r"|pulje\w*|udgift\w*|disponere\w*|finansier\w*|omfordel\w*|restmidler|balance|i alt|lønmidler|tilskud"
    r"|tildel\w*)\b",
    re.IGNORECASE,
)


# what before a number word makes it the end of a longer number or of a range
_PART_OF_A_NUMBER_RE = re.compile(
    r"(?:\b(?:og|til|à|en|et|to|tre|fire|fem|seks|syv|otte|ni|ti|elleve|tolv|tretten|fjorten|femten|seksten|sytten"
    r"|atten|nitten|tyve|tredive|fyrre|halvtreds|tres|halvfjerds|firs|halvfems|hundrede|tusind)|\d|-)\s*$",
    re.IGNORECASE,
)


def parse_number(text: str) -> float | None:
    """Danish notation: '42.881,00' -> 42881.0; '4,3' -> 4.3."""
    text = (text or "").strip().replace(" ", "")
    if not re.fullmatch(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?|-?\d+(?:,\d+)?", text):
        return None
    return float(text.replace(".", "").replace(",", "."))


def _scale_factor(scale: str | None) -> float:
    if not scale:
        return 1.0
    s = scale.lower().replace(" ", "")
    if s.startswith(("mio", "million")):
        return 1e6
    if s.startswith(("mia", "milliard")):
        return 1e9
    if s.startswith(("t", "tusind")):
        return 1e3
    return 1.0


@dataclass(frozen=True)
class MoneyMatch:
    dkk: float
    text: str
    start: int
    end: int


def find_money(text: str, bare_in_context: bool = True) -> list[MoneyMatch]:
    """Amounts of money in Danish notation, normalised to DKK.

    '4,3 mio. kr.' -> 4300000; '42.881,00 kr.' -> 42881; '91.494kr.' -> 91494;
    a range '2-3 mio. kr.' gives its lower bound; with `bare_in_context`, a number with thousands
    separators ('750.000') counts when its sentence speaks of money."""
    text = text or ""
    found: list[MoneyMatch] = []
    taken: list[tuple[int, int]] = []
    for m in MONEY_RE.finditer(text):
        number = m["num"] or m["num2"] or m["num3"]
        value = parse_number(number)
        if value is None:
            continue
        scale = _scale_factor(m["scale"] or m["scale2"])
        if scale > 1 and abs(value) >= 1000:  # '1.022.190 mio.' is a slip for kroner
            scale = 1.0
        if m["num2"] and not re.search(r"kr|midl|mio\.", text[max(0, m.start() - 80) : m.end() + 40], re.I):
            continue
        found.append(MoneyMatch(round(value * scale, 2), m.group().strip(" ("), m.start(), m.end()))
        taken.append((m.start(), m.end()))
    words = lexicon()["money.word_amount"]
    for m in words.regex.finditer(text):
        value = words.extra["values"].get(m["word"].lower())
        if _PART_OF_A_NUMBER_RE.search(text, max(0, m.start() - 20), m.start()):
            continue  # 'tre og en halv mio.', 'hundrede og tyve mio.', 'fem til seks mio.': not read in part
        if value is not None and not any(a < m.end() and m.start() < b for a, b in taken):
            found.append(MoneyMatch(value * _scale_factor(m["scale"]), m.group().strip(), m.start(), m.end()))
            taken.append((m.start(), m.end()))
    if bare_in_context:
        for m in BARE_RE.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            sentence = _sentence_around(text, m.start(), m.end())
            if not MONEY_CONTEXT_RE.search(sentence) or re.search(
                r"\b(?:borgere|deltagere|patienter|timer)\b", text[m.end() : m.end() + 15]
            ):
                continue
            value = parse_number(m["num"])
            if value is None:
                continue
            found.append(MoneyMatch(value, m["num"], m.start(), m.end()))
    return sorted(found, key=lambda x: x.start)


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    right = min(right_candidates) if right_candidates else len(text)
    return text[left + 1 : right]
