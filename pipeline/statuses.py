"""Printed tracker wording -> the register's status vocabulary and RAG grade.

Forces write statuses in their own words ("This recommendation has been
addressed and archived", "HMIC have found that this recommendation has been
achieved", "on-going", a Red grading). The register keeps the wording as
printed and maps it onto one vocabulary so Datasette can facet on it.
"""

from __future__ import annotations

import re

from .vocabulary import RAGS, STATUSES

# Checked in order: the first phrase found wins, so "superseded" beats the
# "addressed" that a longer sentence may also contain.
STATUS_PHRASES: list[tuple[str, str]] = [
    (r"supersed", "superseded"),
    (r"replaced by", "superseded"),
    (
        r"sign[\s-]*off|awaiting (?:hmic|hmicfrs) (?:review|approval)",
        "pending_sign_off",
    ),
    (r"for closure|proposed (?:for )?clos", "pending_sign_off"),
    (r"archived|achieved|discharged|implemented|completed?\b|closed", "closed"),
    (r"\baddressed\b", "closed"),
    (r"on[\s-]*going|in progress|under way|underway|progress(?:ing)?\b", "in_progress"),
    (r"not (?:yet )?started|\bopen\b|outstanding", "open"),
]
RAG_PHRASES: list[tuple[str, str]] = [
    (r"\bred\b", "red"),
    (r"\bamber\b", "amber"),
    (r"\bgreen\b", "green"),
]


def printed_to_status(printed: str | None) -> str | None:
    """Map a tracker's printed status onto STATUSES, or None when it says none.

    >>> printed_to_status("This recommendation has been addressed and archived.")
    'closed'
    >>> printed_to_status("Red") is None
    True
    """
    if not printed:
        return None
    lowered = printed.lower()
    for pattern, status in STATUS_PHRASES:
        if re.search(pattern, lowered):
            return status
    return None


def printed_to_rag(printed: str | None) -> str | None:
    """The RAG grade a printed status names ("Red", "graded as Amber"), or None."""
    if not printed:
        return None
    lowered = printed.lower()
    if printed_to_status(printed) == "superseded":
        # "superseded by the Red recommendation": the grade is the other item's.
        return None
    for pattern, rag in RAG_PHRASES:
        if re.search(pattern, lowered):
            return rag
    return None


def is_status(value: str) -> bool:
    """True when `value` is one of the controlled statuses."""
    return value in STATUSES


class UnknownStatus(ValueError):
    """A word that is neither one of STATUSES nor one of RAGS."""


def word_to_field(word: str) -> tuple[str, str]:
    """The field and value an analyst's word sets: "Closed" → ("status",
    "closed"), "in progress" → ("status", "in_progress"), "Red" → ("rag", "red").

    Case, spaces and hyphens do not matter; anything else is UnknownStatus,
    naming the word and the accepted ones.

    >>> word_to_field("Pending sign-off")
    ('status', 'pending_sign_off')
    """
    key = re.sub(r"[\s_-]+", "_", word.strip().casefold())
    if key in STATUSES:
        return "status", key
    if key in RAGS:
        return "rag", key
    raise UnknownStatus(
        f"{word!r} is not a status or RAG grade; use one of {', '.join(STATUSES)} "
        f"(status) or {', '.join(RAGS)} (RAG)"
    )
