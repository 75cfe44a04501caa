"""Printed tracker wording -> the register's status vocabulary and RAG grade.

Forces write statuses in their own words ("This recommendation has been
addressed and archived", "HMIC have found that this recommendation has been
achieved", "on-going", a Red grading). The register keeps the wording as
printed and maps it onto one vocabulary so Datasette can facet on it; the
wording itself is extraction's (extract/status.py, extract/data/statuses.json).
"""

from __future__ import annotations

import re

from extract.status import printed_to_status

from .vocabulary import RAGS, STATUSES

RAG_PHRASES: list[tuple[str, str]] = [
    (r"\bred\b", "red"),
    (r"\bamber\b", "amber"),
    (r"\bgreen\b", "green"),
]


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
