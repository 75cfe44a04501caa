"""Who an item asks to act, read from its words: "the force", "Chief
constables", "the Home Office". Reading an item's words is extraction; the
register stores what this gives (contract §1 `addressee`)."""

from __future__ import annotations

import re

from .deadline import text_to_deadline

_LEAD_IN = re.compile(
    r"^(?:to address (?:this|these) (?:causes? of concern|concerns?),?\s*)?"
    r"(?:(?:we|hmic(?:frs)?|the inspectorates?) (?:also |further )?"
    r"recommends?(?: that)?,?\s*)?",
    re.IGNORECASE,
)
_ADDRESSEE = re.compile(
    r"^(?P<who>[\w'’ ,-]{3,160}?)\s+"
    r"(?:should|must|to|immediately|undertakes?|ensures?|takes?|engages?)\b",
    re.IGNORECASE,
)
# Partners named beside the body asked to act: "the Home Office, working with
# the NPCC lead and the CPS, should" asks the Home Office.
_PARTNERS = re.compile(
    r",?\s*\b(?:working|together|jointly|in (?:consultation|partnership|"
    r"conjunction)|with the support of|supported by)\b[^,]*(?:,|$)",
    re.IGNORECASE,
)
ADDRESSEE_MAX_WORDS = 12


def text_to_addressee(text: str, published: str | None = None) -> str | None:
    """Who an item asks to act: "the force", "Chief constables", or None.

    A lead-in ("We recommend that", "HMIC recommends that"), a deadline
    before the addressee, as extract/deadline.py reads it ("Within six
    months,", "By 31 October 2023,"), and partners named beside it
    ("working with the NPCC and the CPS") are not the addressee.

    >>> text_to_addressee("Every force in England and Wales should publish a plan.")
    'Every force in England and Wales'
    >>> text_to_addressee("Within six months, the Home Office, working with the "
    ...                   "NPCC lead and the CPS, should develop a definition.")
    'the Home Office'
    """
    rest = _LEAD_IN.sub("", text.strip(), count=1)
    deadline = text_to_deadline(rest[:120], published)
    if deadline and rest.lower().startswith(deadline.text.lower()):
        rest = _LEAD_IN.sub("", rest[len(deadline.text) :].lstrip(" ,"), count=1)
    match = _ADDRESSEE.match(rest)
    if not match:
        return None
    who = _PARTNERS.sub(" ", match.group("who")).strip(" ,")
    who = " ".join(who.split())
    return who if who and len(who.split()) <= ADDRESSEE_MAX_WORDS else None
