"""Small text helpers shared by readers and stages."""

from __future__ import annotations

import re
from datetime import datetime

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_TIME = (
    r"(?:[,\s]+(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*(?:[A-Z]{2,4}|GMT[+-]\d+|UTC[+-]?\d*))?)?"
)
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
DATELINE = re.compile(
    rf"""^\W*(?:published|updated|posted|last\s+updated)?\s*:?\s*{_WEEKDAY}(?:
        (?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}{_TIME}
      | \d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+\d{{4}}{_TIME}
      | \d{{4}}-\d{{2}}-\d{{2}}(?:[T\s]\d{{2}}:\d{{2}}(?::\d{{2}})?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)


def parse_dateline(line: str) -> str | None:
    """ISO-8601 timestamp of a line that is only a date (and time), else None.

    "September 5, 2016 6:00 pm" -> "2016-09-05T18:00"; a date without a time
    gives the date alone ("2016-09-05").
    """
    if len(line) > 80 or not DATELINE.match(line):
        return None
    from dateutil import parser as dateparser

    cleaned = re.sub(r"^\W*(?:published|updated|posted|last\s+updated)\s*:?", "", line, flags=re.I)
    cleaned = re.sub(r"\b(\d{1,2})\.(\d{2})\b", r"\1:\2", cleaned).replace(" at ", " ")
    try:
        value = dateparser.parse(cleaned, fuzzy=True, default=datetime(1, 1, 1, 0, 0, 0, 1))
    except (ValueError, OverflowError):
        return None
    has_time = bool(re.search(r"\d{1,2}[:.]\d{2}", line))
    if not has_time:
        return value.date().isoformat()
    iso = value.replace(microsecond=0).isoformat(timespec="minutes" if value.second == 0 else "seconds")
    return iso


def find_dateline(lines: list[str], within: int = 6) -> tuple[int, str] | None:
    """Index and ISO value of the first dateline among the first ``within`` non-empty lines."""
    seen = 0
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        value = parse_dateline(line.strip())
        if value is not None:
            return index, value
        seen += 1
        if seen >= within:
            break
    return None


# Cardinal number words, shared by the dates and counts stages.
CARDINALS: dict[str, int] = {
    word: value
    for value, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
CARDINALS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90})


def normalize_space(text: str) -> str:
    return " ".join(text.split())


_ISO_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)?)?")


def valid_iso_date(value: str) -> bool:
    """Whether ``value`` is an ISO-8601 date or date-time that exists ("2016-02-30" does not)."""
    value = value.strip()
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        if len(value) == 4:
            return int(value) >= 1
        if len(value) == 7:
            return 1 <= int(value[5:7]) <= 12
        if len(value) == 10:
            datetime.fromisoformat(value)
            return True
        datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
        return True
    except ValueError:
        return False
