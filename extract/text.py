"""Characters, words and line texts: ligatures, bullet glyphs, list markers,
bold fonts, and joining two lines across a line-end hyphen.

Shared by every layout step; it knows nothing of positions.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}

# Ligatures, non-breaking hyphens, soft hyphens and no-break spaces, for normalise_text
PLAIN_CHARACTERS = str.maketrans(
    {**LIGATURES, "\u2010": "-", "\u2011": "-", "\u00ad": "", "\u00a0": " "}
)

BULLET_GLYPHS = set("•●▪■□◦○‣⁃–—-*·►▸➢➤✓✔❖◆◇")

CID = re.compile(r"^\(cid:\d+\)$")

LIST_MARKER = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,3}){0,2}\.?|\(?[ivx]{1,5}\)|[ivx]{1,5}\.|\(?[a-z]\)|[a-z]\."
    r"|\(\d{1,2}\)|\d{1,2}\))$"
)

PAGE_NUMBER = re.compile(r"^(?:page\s+)?[0-9ivxlc]{1,4}(?:\s+(?:of|/)\s+\d+)?$", re.I)

FOOTNOTE_MARK = re.compile(r"^(?:\d{1,3}|[*†‡§])$")

DETACHED_HYPHEN = re.compile(r"(?<=\w) -$")  # "recom -" at a line end

SENTENCE_END = tuple('.:;?!"”’)')

# Prefixes after which a line-end hyphen is a real hyphen ("ex-partners"), unless
# the joined word is seen elsewhere in the report.
HYPHEN_PREFIXES = {
    "ex", "co", "non", "self", "multi", "cross", "anti", "pre", "post", "semi",
    "well", "long", "short", "high", "low", "full", "part", "inter", "re", "sub",
    "over", "under", "out", "one", "two", "three", "four", "six", "in", "on", "up",
    "mid", "cyber", "pro", "counter", "e", "x", "first", "second", "third", "half",
}  # fmt: skip

# Second parts of compounds ("booking-in", "follow-up"): a syllable split never
# leaves these whole words after the hyphen.
HYPHEN_SUFFIXES = {
    "in", "up", "out", "on", "off", "by", "to", "based", "led", "related", "level",
    "wide", "term", "making", "free", "owned", "run", "time", "focused", "facing",
    "specific", "sensitive", "informed", "centred", "down", "over", "back",
}  # fmt: skip


def normalise_text(text: str) -> str:
    """Replace ligatures and odd spaces by plain characters.

    Called for every word: plain ASCII text, most words, has none of these
    characters and is returned as it is, and the rest is mapped in one pass.
    """
    if text.isascii():
        return text
    return text.translate(PLAIN_CHARACTERS)


def is_bullet_glyph(text: str) -> bool:
    """True for a bullet glyph: •, –, a Symbol/Wingdings private-use char, (cid:NN)."""
    if CID.match(text):
        return True
    return bool(text) and all(
        ch in BULLET_GLYPHS or 0xE000 <= ord(ch) <= 0xF8FF or ch == "\ufffd"
        for ch in text
    )


@functools.lru_cache(maxsize=4096)
def is_bold(fontname: str) -> bool:
    """True when the font name says bold, black, heavy or semibold.

    Called for every word; a report uses a handful of font names, so each
    name is searched once."""
    return bool(re.search(r"bold|black|heavy|semibold|demi", fontname, re.I))


def vocabulary(lines: list[dict]) -> Counter:
    """How often each word of the report is printed, lower case, to decide
    line-end hyphens."""
    return Counter(
        word.strip(".,;:()“”\"'’‘").lower()
        for line in lines
        for word in line["text"].split()
    )


def join_lines(
    first: str, second: str, vocab: Counter, inserted: bool = False, typed: bool = False
) -> str:
    """Join two line texts, mending a word split by a line-end hyphen.

    "recom-" + "mendation" -> "recommendation", but "ex-" + "partners" ->
    "ex-partners": the hyphen stays when the report spells the word with one
    elsewhere, or when the first part is a prefix that takes a hyphen. A
    hyphen the typesetter `inserted` to break the word ("under‐standing")
    goes, unless the report prints the word with a hyphen elsewhere; a hyphen
    known to be `typed` ("well-being") stays.
    """
    if not first:
        return second
    if not (first.endswith("-") and not first.endswith(" -") and second[:1].islower()):
        return f"{first} {second}"
    head = first.rsplit(" ", 1)[-1][:-1]
    tail = second.split(" ", 1)[0]
    bare_tail = tail.strip(".,;:()“”\"'’‘").lower()
    joined = (head + bare_tail).lower().strip("“”\"'’‘(")
    hyphenated = f"{head}-{bare_tail}".lower().strip("“”\"'’‘(")
    if typed:
        keep = True
    elif joined in vocab:
        keep = False
    elif hyphenated in vocab:
        keep = True
    elif inserted:
        keep = False
    else:
        bare_head = head.lower().strip("“”\"'’‘(")
        keep = (
            bare_head in HYPHEN_PREFIXES
            or bare_tail in HYPHEN_SUFFIXES
            or not head.isalpha()
            # the second half is a word the report uses on its own: a compound
            # ("highest-risk"); a syllable split ("recom-mendation") leaves none
            or (min(len(bare_head), len(bare_tail)) >= 4 and vocab[bare_tail] >= 2)
        )
    return first + second if keep else first[:-1] + second
