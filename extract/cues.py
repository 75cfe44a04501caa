"""What both readers of items share: the cues the span_ruler finds, the items
they become, the context a reader keeps while walking a report's blocks, and
the small helpers over cues (a label at a block's start, an addressee, a
status sentence, an item's text cleaned).

extract/items.py (the walk, inspection reports) and extract/tracker.py
(committee trackers) both import this module at their top; items.py then
imports tracker.py like any other step, and no import goes round in a circle.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Literal

from .blocks import Block
from .nlp import roles, text_spans
from .status import STATUS_ALONE, STATUS_WORDS

KINDS = ("recommendation", "area_for_improvement", "cause_of_concern")


@dataclass(frozen=True)
class Cue:
    """One span the span_ruler found in a block's text."""

    label: str
    rule: str
    start: int  # character offsets in the block text
    end: int
    text: str
    role: str = "cue"  # the pattern's role: "label", "section", "lead-in" or "cue"


@dataclass(frozen=True)
class Item:
    """An item as the report prints it (contract §1), with the rule that found it."""

    kind: str
    number: str | None
    text: str
    page: int
    source_report: str | None = None
    status: str | None = None
    parent: int | None = None
    rule: str = ""
    confidence: int = 1  # 3 label, 2 section or lead-in, 1 default
    block: int = -1  # index of the block it starts in


@dataclass(frozen=True)
class Pending:
    """A label read on its own line ("Area for improvement 3"), waiting for
    the paragraph it labels."""

    kind: str
    number: str | None
    rule: str


@dataclass(frozen=True)
class Opening:
    """What opens an item in a block: its kind, number, first text, the rule
    that saw it, and the cue's strength (3 label, 2 section or lead-in, 1 place)."""

    kind: str
    number: str | None
    text: str
    rule: str
    strength: int


ParagraphMode = Literal["", "concern", "all", "separate"]
"""Which plain paragraphs carry an item on: none; those not addressed to
anyone (a cause of concern's explanation); all (a tracker's titled item);
and "separate", where each item of an introduced list is one item."""


@dataclass
class Context:
    """What a reader remembers while reading: section, waiting label, open concern."""

    section: str | None = None
    section_size: float = 0.0  # the size of the heading that opened the section
    pending: Pending | None = None
    concern: int | None = None  # index in items of the open cause of concern
    # "Recommendations 1 and 2 ... address this cause of concern": (numbers,
    # index of that concern or None, ordinal of "the first/second..." or None)
    concern_links: list = field(default_factory=list)
    source_report: str | None = None
    quoted_kind: str | None = None  # the kind the sentence quoting the report names
    # the kinds a tracker's sentence before its quotations names, in order
    intro_kinds: list = field(default_factory=list)
    # whether that sentence ended in a colon: only then does a list follow it
    intro_lists: bool = False
    default_status: str | None = None  # "… two of which remain open": this report's
    heading_status: str | None = (
        None  # "Recommendations assessed as Red": the heading's
    )
    tracker: bool = False
    table_header: dict | None = None
    history: float | None = None  # the size of the heading over earlier recommendations
    contents_page: int | None = None  # a table of contents lists headings, not items
    items: list = field(default_factory=list)
    trace: dict | None = None  # block index -> what became of it, for --explain
    at: int = 0  # the index of the block being read

    def introduce(self, kinds: list, text: str) -> None:
        """A sentence introduces quotations (or, ending in a colon, a list)
        of these kinds."""
        self.intro_kinds = kinds
        self.intro_lists = text.rstrip().endswith((":", ":-"))

    def note(self, index: int, what: str) -> None:
        """Say what became of block `index`, when explaining."""
        if self.trace is not None:
            self.trace.setdefault(index, []).append(what)


def blocks_to_cues(blocks: list[Block]) -> list[list[Cue]]:
    """The cue spans of every block, in block order."""
    return blocks_to_cues_of_texts([block.text for block in blocks])


def cue_at_start(cues: list[Cue], labels: tuple, max_start: int = 0) -> Cue | None:
    """The first cue with one of `labels` starting within the first characters."""
    return next((c for c in cues if c.label in labels and c.start <= max_start), None)


def label_number(cue: Cue) -> str | None:
    """The number printed in a label cue ("Area for improvement 3:" -> "3")."""
    tokens = cue.text.rstrip(":–-—. ").split()
    last = tokens[-1] if tokens else ""
    return last if re.search(r"\d|^\(?[ivx]+\)?$", last) and len(tokens) > 1 else None


def label_only(block: Block, cues: list[Cue]) -> Cue | None:
    """The label cue when the block is nothing but a label ("Recommendation 4")."""
    cue = cue_at_start(cues, KINDS)
    if cue is None or cue.role not in ("label", "section"):
        return None
    rest = block.text[cue.end :].strip(" :–-—.")
    return cue if not rest else None


def heading_section(block: Block, cues: list[Cue]) -> str | None:
    """The kind a section heading announces ("Areas for improvement"), or "mixed".

    The cue must open the heading or close it ("Annex A – Summary of
    recommendations"): "Outstanding recommendations assessed as Red" is no section.
    """
    end = len(block.text.rstrip(" :.–-"))
    kinds = {
        c.label
        for c in cues
        if c.label in KINDS
        and (
            (
                c.role == "section"
                and (
                    c.end >= end
                    or (c.start <= 2 and len(block.text[c.end :].split()) <= 3)
                )
            )
            # "A remaining area for improvement": a label's words closing a heading
            or (c.role == "label" and c.end >= end and c.start > 0)
        )
    }
    if not kinds:
        return None
    text = block.text.lower()
    if len(kinds) > 1 or ("recommendation" in text and "concern" in text):
        return "mixed"
    return kinds.pop()


def lead_in_start(cues: list[Cue]) -> int | None:
    """Where a recommendation lead-in ("We recommend that", "To address this
    cause of concern,") starts, or None. The lead-in is part of the item's
    text (contract §1 Text)."""
    lead_ins = [c for c in cues if c.rule in ("rec-lead-in-we", "rec-lead-in-coc")]
    if not lead_ins:
        return None
    return min(c.start for c in lead_ins)


def is_not_item(cues: list[Cue]) -> bool:
    """True when a block only narrates (a past recommendation, a committee's own)."""
    return any(c.label == "not_item" for c in cues)


def addressee(cues: list[Cue], max_start: int = 40) -> Cue | None:
    """The addressee cue near the start of a block ("The force should"), else
    a subject that must act ("Custody personnel should") at its very start."""
    return cue_at_start(cues, ("addressee",), max_start) or cue_at_start(
        cues, ("subject",), 0
    )


def status_from(cues: list[Cue], text: str) -> str | None:
    """The status a tracker sentence gives ("... has been addressed and archived",
    "Status: Complete", "Progress: on-going – target date …")."""
    if not any(c.label == "status" for c in cues):
        alone = STATUS_ALONE.match(text)
        return alone.group(1).lower() if alone else None
    label = next(
        (
            c
            for c in cues
            if c.rule == "status-label"
            and re.fullmatch(
                r"\s*(?:(?:current|latest|overall|force)\s+)?", text[: c.start], re.I
            )
        ),
        None,
    )
    if label:
        printed = printed_status(text[label.end :])
        if 0 < len(printed.split()) <= 5:
            return printed
    found = STATUS_WORDS.search(text)
    return found.group(1).lower() if found else None


def printed_status(text: str) -> str:
    """The status words after a "Status:" label: "Closed – superseded" from
    "Closed – superseded by the national package.", "On-going" from
    "On-going (amber). Training …" or "on-going – target date March 2020"."""
    printed = re.split(r"[.;,(]", text, maxsplit=1)[0]
    parts = re.split(r"\s+[–—-]\s+", printed)
    kept = parts[:1] + list(
        itertools.takewhile(lambda part: STATUS_WORDS.match(part), parts[1:])
    )
    printed = " – ".join(kept)
    return re.split(
        r"\s+(?:by|with|as|on|from|following|because|due|until|pending)\b", printed
    )[0].strip()


def blocks_to_cues_of_texts(texts: list[str]) -> list[list[Cue]]:
    """The cue spans of each text, as blocks_to_cues finds them for blocks."""
    role_of = roles()
    return [
        [
            Cue(s.label_, s.id_, s.start_char, s.end_char, s.text, role_of[s.id_])
            for s in spans
        ]
        for spans in text_spans(texts)
    ]


def clean_text(text: str) -> str:
    """White space collapsed; the unmatched quote marks of a quoted item removed."""
    text = re.sub(r"\s+", " ", text).strip()
    if text[:1] == "“" and text[-1:] == "”" and text.count("“") == 1 == text.count("”"):
        text = text[1:-1].strip()
    if text[:1] == "“" and "”" not in text:
        text = text[1:].lstrip()
    if text[:1] == '"' and text.count('"') == 1:
        text = text[1:].lstrip()
    if text[-1:] == "”" and text.count("“") < text.count("”"):
        text = text[:-1].rstrip()
    if text[-1:] == '"' and text.count('"') % 2 == 1:
        text = text[:-1].rstrip()
    return text
