"""extract/deadline.py: every printed form of a deadline, read to the day it is due.

Each expected date is worked out by hand from the printed words and the
publication date (a month's or year's deadline is its last day; a period is
counted from publication; "immediately" is the publication date).
"""

from __future__ import annotations

from datetime import date

import pytest

from extract.deadline import text_to_deadline

PUBLISHED = "2023-09-14"  # PEEL 2023 Kent


@pytest.mark.parametrize(
    ("text", "printed", "due"),
    [
        ("By 31 March 2024, the force should make sure that", "By 31 March 2024",
         date(2024, 3, 31)),
        ("The College of Policing should, by 31 March 2022, review", "by 31 March 2022",
         date(2022, 3, 31)),
        ("By the end of March 2025, chief constables should",
         "By the end of March 2025", date(2025, 3, 31)),
        ("The College of Policing and the ACPO lead should agree, by March 2015, a set",
         "by March 2015", date(2015, 3, 31)),
        ("By September 2014, chief constables should", "By September 2014",
         date(2014, 9, 30)),
        ("By February 2024, the force should", "By February 2024", date(2024, 2, 29)),
        ("By the end of 2025, every force should", "By the end of 2025",
         date(2025, 12, 31)),
        ("The Home Office should, within 12 months, consider", "within 12 months",
         date(2024, 9, 14)),
        ("Within three months of the publication of this report, the force should",
         "Within three months", date(2023, 12, 14)),
        ("Within six months, chief constables should", "Within six months",
         date(2024, 3, 14)),
        ("The force should, in the next two weeks, publish", "in the next two weeks",
         date(2023, 9, 28)),
        ("West Midlands Police immediately ensures that", "immediately",
         date(2023, 9, 14)),
        ("The force takes immediate steps to ensure that", "immediate steps",
         date(2023, 9, 14)),
    ],
)  # fmt: skip
def test_printed_deadlines_are_read(text, printed, due):
    deadline = text_to_deadline(text, PUBLISHED)
    assert deadline is not None
    assert (deadline.text, deadline.due) == (printed, due)


@pytest.mark.parametrize(
    "text",
    [
        "The force should ensure that referrals are reviewed within 24 hours of "
        "receipt.",
        "The force should make sure crimes reported by people with a disability are "
        "recorded.",
        "The force should record any outcomes at the end of police involvement.",
        "The force should recruit by 1000 more officers.",
        "Offenders managed by 5 teams should be visited.",
    ],
)
def test_words_that_are_not_deadlines_give_none(text):
    assert text_to_deadline(text, PUBLISHED) is None


def test_the_first_deadline_printed_wins():
    text = "Within three months, the force should plan, and by 31 March 2025 act."
    assert text_to_deadline(text, "2024-01-10").due == date(2024, 4, 10)


def test_a_period_without_a_publication_date_has_no_day():
    deadline = text_to_deadline("Within six months, the force should act.", None)
    assert deadline is not None
    assert (deadline.text, deadline.due) == ("Within six months", None)


def test_a_month_without_a_year_is_the_next_one_after_publication():
    # Published in September 2023: "by March" is March 2024.
    assert text_to_deadline("By March, the force should", PUBLISHED).due == date(
        2024, 3, 31
    )
