"""When an item is due, read from its own words: text (+ publication date) in, date out.

HMIC and HMICFRS print a deadline in a handful of forms, and the register
needs one ISO date from each so that it can say what is overdue:

- a date: "By 31 March 2024, the force should …", "by 30 September 2022";
- a month or a year, due at its end: "by March 2015", "By the end of March
  2025", "by the end of 2025";
- a period counted from publication: "Within six months", "within 12 months",
  "Within three months of the publication of this report", "in the next
  three months";
- "immediately" or "immediate steps": due on publication.

Only cue words are found here ("by", "within", "immediately"); the words after
a cue are read as a date by python-dateutil's parser, or as a number and a unit
counted on with `relativedelta`. A period in hours ("within 24 hours of
receipt") is how fast the force must work, not when the item is due, and is not
read. This module knows nothing of the register; pipeline/ calls it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta

# Two defaults that differ in day, month and year: a field the text does not
# print comes out differently under the two, so we know which ones it gave.
_DEFAULTS = (datetime(2000, 1, 1), datetime(2004, 12, 28))
_PARSER_INFO = date_parser.parserinfo(dayfirst=True)
_WORDS_AFTER_CUE = 4  # "31st of March 2024" is the longest date printed

_CUE = re.compile(
    r"\b(?:(?P<by>by|before|no later than)(?P<end>\s+the\s+end\s+of)?"
    r"|(?P<within>within|in\s+the\s+next)"
    r"|(?P<now>immediately|immediate\s+(?:steps|action)))\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "fifteen": 15, "eighteen": 18, "twenty": 20,
    "twenty-four": 24, "thirty": 30, "twenty-eight": 28,
}  # fmt: skip
_UNITS = {"day": "days", "week": "weeks", "month": "months", "year": "years"}


@dataclass(frozen=True)
class Deadline:
    """A deadline as printed ("By 31 March 2024") and the day it falls due.

    `due` is None when the text counts from publication and the publication
    date is unknown.
    """

    text: str
    due: date | None


def text_to_deadline(text: str, published: date | str | None = None) -> Deadline | None:
    """The first deadline the item prints, or None when it prints none.

    `published` (the report's publication date, ISO string or date) is where
    "Within six months" and "immediately" count from.

    >>> text_to_deadline("By 31 March 2024, the force should act.")
    Deadline(text='By 31 March 2024', due=datetime.date(2024, 3, 31))
    >>> text_to_deadline("Within six months, the force should act.", "2017-03-02")
    Deadline(text='Within six months', due=datetime.date(2017, 9, 2))
    """
    start = _to_date(published)
    for cue in _CUE.finditer(text):
        words = text[cue.end() :].split()[:_WORDS_AFTER_CUE]
        if cue.group("now"):
            return Deadline(cue.group(0), start)
        if cue.group("within"):
            found = words_to_period(words)
            if found:
                period, used = found
                due = start + period if start else None
                return Deadline(_printed(text, cue, used), due)
        else:
            found = words_to_date(words, start)
            if found:
                due, used = found
                return Deadline(_printed(text, cue, used), due)
    return None


def words_to_date(
    words: list[str], after: date | None = None
) -> tuple[date, int] | None:
    """The date that the first words print, as its last day; (date, words used).

    "31 March 2024" is that day; "March 2015" the month's last day; "2025"
    the year's. A month without a year is the first one on or after `after`.
    The words must name a month or a year: "by people" and "by 5" are not
    dates.

    >>> words_to_date(["March", "2015,", "a", "plan"])
    (datetime.date(2015, 3, 31), 2)
    """
    for count in range(len(words), 0, -1):
        phrase = " ".join(words[:count]).strip(" ,.;:()")
        if not _names_month_or_year(phrase.split()):
            continue
        try:
            low, high = (
                date_parser.parse(phrase, default=d, parserinfo=_PARSER_INFO)
                for d in _DEFAULTS
            )
        except (ValueError, OverflowError):
            continue
        return _last_day(low, high, after), count
    return None


def _names_month_or_year(words: list[str]) -> bool:
    names = any(_PARSER_INFO.month(w) or _is_year(w) for w in words)
    return names and all(
        _PARSER_INFO.month(w) or _is_date_number(w) or _is_filler(w) for w in words
    )


def _is_year(word: str) -> bool:
    # "by 1000 more officers" is not a year; reports date from 1990 on.
    return word.isdigit() and 1990 <= int(word) <= 2099


def _is_date_number(word: str) -> bool:
    digits = word.rstrip("stndrh") if word[:1].isdigit() else word
    return (digits.isdigit() and len(digits) <= 2) or _is_year(word)


def _is_filler(word: str) -> bool:
    return word.lower() in ("of", "the")


def _last_day(low: datetime, high: datetime, after: date | None) -> date:
    """The day the text means: the end of any month or year it leaves open."""
    year = low.year if low.year == high.year else None
    if year is None:
        year = after.year if after else date.today().year
    if low.month != high.month:  # only a year printed: its last day
        return date(year, 12, 31)
    due = date(year, low.month, low.day)
    if low.day != high.day:  # no day printed: the month's last day
        due = date(year, low.month, 1) + relativedelta(months=1, days=-1)
    if low.year != high.year and after and due < after:
        due = due + relativedelta(years=1)
    return due


def words_to_period(words: list[str]) -> tuple[relativedelta, int] | None:
    """The period the first words count ("six months", "12 months", "a year").

    >>> words_to_period(["three", "months", "of", "this", "report"])
    (relativedelta(months=+3), 2)
    """
    if len(words) < 2:
        return None
    number, unit = words[0].lower(), words[1].lower().strip(" ,.;:()")
    count = int(number) if number.isdigit() else _NUMBER_WORDS.get(number)
    name = _UNITS.get(unit.removesuffix("s"))
    if count is None or name is None:
        return None
    return relativedelta(**{name: count}), 2


def _printed(text: str, cue: re.Match, words_used: int) -> str:
    """The deadline's words as printed, from the cue to the last word read."""
    rest = text[cue.end() :]
    spans = list(re.finditer(r"\S+", rest))[:words_used]
    end = cue.end() + spans[-1].end() if spans else cue.end()
    return text[cue.start() : end].rstrip(" ,.;:")


def _to_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
