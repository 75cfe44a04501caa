"""Status wording, read once from extract/data/statuses.json.

Extraction keeps an item's status as printed (contract §1: "addressed and
archived", "On track"); the register maps it onto its own vocabulary. Both
read the same rows, so a phrase added there is one extraction finds and the
register can name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "statuses.json"


@dataclass(frozen=True)
class StatusPhrase:
    """One row of statuses.json: printed wording and the register status it means."""

    printed: re.Pattern
    status: str | None


@cache
def rows(path: Path = DATA) -> tuple[dict, ...]:
    """The rows of statuses.json as written."""
    return tuple(json.loads(path.read_text(encoding="utf-8"))["statuses"])


@cache
def status_phrases(path: Path = DATA) -> tuple[StatusPhrase, ...]:
    """The rows of statuses.json, compiled, in the file's order (mapping order)."""
    return tuple(
        StatusPhrase(
            re.compile(rf"\b(?:{row['printed']})\b", re.I),
            row.get("status"),
        )
        for row in rows(path)
    )


def word_alternation(path: Path = DATA) -> str:
    """The status words as one regex alternation, longest phrase first."""
    words = [
        w for row in rows(path) if row.get("word") for w in row["printed"].split("|")
    ]
    return "|".join(sorted(words, key=len, reverse=True))


_WORDS = word_alternation()
STATUS_WORDS = re.compile(rf"\b({_WORDS})\b", re.I)
# a status printed on its own after an item: "On track.", "Complete."
STATUS_ALONE = re.compile(rf"\s*({_WORDS})\s*(?:[.;]|$)", re.I)


def printed_to_status(printed: str | None) -> str | None:
    """The register status a printed status means, or None when it names none.

    >>> printed_to_status("This recommendation has been addressed and archived.")
    'closed'
    >>> printed_to_status("Partially achieved")
    'in_progress'
    >>> printed_to_status("Red") is None
    True
    """
    if not printed:
        return None
    return next((p.status for p in status_phrases() if p.printed.search(printed)), None)
