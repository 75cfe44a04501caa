"""Blocks and their cue spans in, typed items (contract §1) out.

The span_ruler (extract/nlp.py) finds cues in each block's text: labels
("Area for improvement 3"), section headings ("Recommendations"), lead-ins
("We recommend that"), addressees ("The force should"), statuses and
non-items. This module walks the blocks in reading order, keeps the context a
reader keeps (which section, which label is waiting for its paragraph, which
cause of concern is open, which report a tracker is quoting) and turns cues
into items whose text runs over lead-in, bullets, sub-bullets and page breaks.

The data classes and cue helpers live in extract/cues.py; what only trackers
print (source-report titles, status sentences, tracker tables) is read by
extract/tracker.py. This module imports both at its top.

It is long because the walk has many cases (labels, lead-ins, bullets and
sub-bullets, history, restatements, page breaks), each a small function over
one shared Context; split further, each part would need the whole Context.
"""

from __future__ import annotations

import re
from dataclasses import asdict, replace

from .addressee import text_to_addressee
from .blocks import Block
from .cues import (
    KINDS,
    Context,
    Cue,
    Item,
    Opening,
    ParagraphMode,
    Pending,
    addressee,
    blocks_to_cues,
    clean_text,
    cue_at_start,
    heading_section,
    is_not_item,
    label_number,
    label_only,
    lead_in_start,
    status_from,
)
from .deadline import text_to_deadline
from .status import STATUS_WORDS
from .tracker import (
    inline_quote,
    is_report_name,
    kind_named,
    kinds_named,
    quoted_kind,
    quoted_title,
    report_name,
    split_commentary,
    table_items,
    take_status,
    titled_block,
)

# --- cues ---------------------------------------------------------------------------


# --- walking the blocks ---------------------------------------------------------------


def is_heading(block: Block) -> bool:
    """A heading: printed as one (bold or large), or a short line with no full stop."""
    return block.kind == "heading"


def continues_item(
    first: Block,
    text: str,
    block: Block,
    cues: list[Cue],
    paragraphs: ParagraphMode = "",
    in_list: bool = False,
) -> bool:
    """True when `block` belongs to the item that starts with `first` and whose
    text so far is `text`: its bullets and sub-bullets after a colon, lettered
    sub-paragraphs, or the rest of an open quotation."""
    if is_heading(block) or block.table != first.table:
        return False
    if block.table and (block.row != first.row):
        return False
    lead = next((c for c in cues if c.role == "lead-in"), None)
    if cue_at_start(cues, KINDS) or (lead and lead.start <= 2):
        return False
    if paragraphs == "separate" and block.kind in ("bullet", "numbered"):
        return block.x0 > first.x0 + 4.0  # each item of an introduced list is one
    if status_from(cues, block.text):
        return False
    open_quote = (text.startswith("“") and text.count("“") > text.count("”")) or (
        text.startswith('"') and text.count('"') % 2 == 1
    )
    if open_quote:
        return True
    if text.startswith("“") and text.rstrip().endswith("”"):
        return False  # a quoted item ends with its quotation
    listing = text.rstrip().endswith((":", ";", ":-")) or text.rstrip().endswith(
        (" and", " or")
    )
    if block.kind == "cell" and block.marker is not None:  # a list in a table cell
        block = replace(
            block, kind="numbered" if block.marker[:1].isalnum() else "bullet"
        )
    if block.kind == "bullet":
        return listing or in_list or block.level > first.level
    if block.kind == "numbered":
        return listing and not same_marker_style(first.marker, block.marker)
    if (
        block.kind == "paragraph"
        and abs(block.size - first.size) <= 1.0
        and re.match(
            r"^(They|It|This|These|That|Such|Each)\b[^.]{0,40}\bshould\b", block.text
        )
    ):
        return True  # "They should then publish …": the item goes on
    return (
        paragraphs not in ("", "separate")
        and block.kind == "paragraph"
        and not is_not_item(cues)
        and (paragraphs == "all" or not addressee(cues, max_start=2))
        and abs(block.size - first.size) <= 1.0
        and (first.box is None or block.box is not None)
    )


def same_marker_style(first: str | None, other: str | None) -> bool:
    """True when two list markers belong to one list ("1" and "2", "(i)" and "(ii)")."""
    if not first or not other:
        return False

    def style(marker: str) -> str:
        if re.match(r"^\d+(\.\d+)+$", marker):
            return "decimal"
        if re.match(r"^\d+\.?\)?$", marker):
            return "number"
        if re.match(r"^\(?[ivx]+[).]?$", marker):
            return "roman"
        return "letter"

    return style(first) == style(other)


def collect(
    blocks, cues, start: int, text: str, paragraphs: ParagraphMode = ""
) -> tuple[str, int]:
    """The item's whole text from block `start` on, and the index after it.

    With `paragraphs`, plain paragraphs carry the item on too (a tracker's
    quoted recommendation under its own heading).
    """
    first = blocks[start]
    index = start + 1
    in_list = False  # the item's own bullet list, after its lead-in
    while index < len(blocks) and continues_item(
        first, text, blocks[index], cues[index], paragraphs, in_list
    ):
        text = f"{text} {blocks[index].text}"
        in_list = blocks[index].kind == "bullet" and first.kind != "bullet"
        index += 1
    return clean_text(text), index


def start_of_item(block: Block, cues: list[Cue], ctx: Context) -> Opening | None:
    """The Opening when `block` opens an item, else None."""
    if any(c.label == "not_item" and c.start <= 2 for c in cues):
        ctx.pending = None  # "RECOMMENDATION" over "The Committee is asked to note"
        return None
    if ctx.intro_kinds == ["history"] and (
        block.kind in ("bullet", "numbered") or block.text[:1] in ("“", '"', "‘")
    ):
        return Opening("history", number_of(block), block.text, "listed-after-intro", 2)
    label = cue_at_start(cues, KINDS)
    if label and label.role == "label" and block.text[label.end :].strip():
        if any(c.label == "not_item" and c.start <= label.end + 3 for c in cues):
            return None  # "RECOMMENDATION: That the Committee notes the report."
        text = block.text[label.end :].lstrip(" :–-—.")
        return Opening(
            label.label, label_number(label) or number_of(block), text, label.rule, 3
        )
    quoted = inline_quote(block.text) if ctx.tracker and not block.table else None
    if quoted is not None and re.search(r"\bshould\b", block.text[quoted:]):
        kind = kinds_named(block.text[:quoted])[:1] or ctx.intro_kinds[:1]
        if kind:  # "The first open AFI is that “The force should …”"
            ctx.pending = None
            return Opening(
                kind[0],
                None,  # the paragraph's number is the tracker's, not the item's
                block.text[quoted:],
                "tracker-inline-quote",
                2,
            )
    if ctx.pending and is_not_item(cues):
        # "RECOMMENDATION" over "It is recommended that the Committee notes …"
        ctx.pending = None
        return None
    if ctx.pending:
        kind, number, rule = ctx.pending.kind, ctx.pending.number, ctx.pending.rule
        titled_without_cue = rule == "titled-item" and not (
            re.search(r"\bshould\b", block.text) or lead_in_start(cues) is not None
        )
        if not titled_without_cue:
            return Opening(kind, number or number_of(block), block.text, rule, 3)
        ctx.pending = None
        if not (ctx.intro_kinds and block.text[:1] in ("“", '"', "‘")):
            return None
        # a quotation a sentence introduced by kind ("one cause of concern")
    lead = lead_in_start(cues)
    if lead is not None and not is_not_item(cues):
        return Opening(
            "recommendation", number_of(block), block.text[lead:], "lead-in", 2
        )
    deadline = cue_at_start(cues, ("recommendation",), 2)
    if deadline and deadline.rule == "rec-lead-in-deadline":
        return Opening("recommendation", number_of(block), block.text, deadline.rule, 2)
    statement = next((c for c in cues if c.rule == "coc-statement"), None)
    if statement and statement.start < 120 and block.kind != "heading":
        return Opening(
            "cause_of_concern", number_of(block), block.text, statement.rule, 2
        )
    if ctx.tracker and ctx.intro_kinds and block.text[:1] in ("“", '"', "‘"):
        kind = ctx.intro_kinds.pop(0)
        return Opening(
            kind, number_of(block), block.text, "tracker-quote-introduced", 2
        )
    if ctx.intro_kinds and ctx.intro_lists and block.kind in ("bullet", "numbered"):
        return Opening(
            ctx.intro_kinds[0], number_of(block), block.text, "listed-after-intro", 2
        )
    if is_not_item(cues) or block.text.rstrip().endswith("?"):
        return None
    return start_in_section(block, cues, ctx)


def start_in_section(block: Block, cues: list[Cue], ctx: Context) -> Opening | None:
    """An item opened by its place: a bullet or numbered paragraph (or a paragraph
    addressed to someone) under a section heading, or a tracker's numbered quote."""

    who = addressee(cues)
    if ctx.section in (*KINDS, "mixed"):
        opened = section_item(block, cues, who, ctx.section)
        if opened:
            return opened
    if ctx.source_report and block.kind == "numbered" and not is_decimal(block.marker):
        kind = ctx.quoted_kind or quoted_kind(block.text)
        return Opening(kind, block.marker, block.text, "tracker-quote", 2)
    if block.kind == "numbered" and who and who.start <= 2:
        return Opening(
            "area_for_improvement", block.marker, block.text, "numbered-should", 1
        )
    return None


def section_item(
    block: Block, cues: list[Cue], who: Cue | None, section: str
) -> Opening | None:
    """The item a block states under a section heading of `section` ("mixed" for
    "Causes of concern and recommendations"), or None for its other text."""
    if len(block.text.split()) < 6 and not block.text.endswith((".", ";", ":")):
        return None  # a sub-heading in a list ("Initial contact")
    kind = section if section in KINDS else "recommendation" if who else None
    if kind == "cause_of_concern" and block.kind in ("paragraph", "numbered"):
        return Opening(
            kind, number_of(block), block.text, "in-section-cause_of_concern", 2
        )
    if block.kind == "numbered" and not (who or re.search(r"\bshould\b", block.text)):
        return None  # a numbered paragraph of findings in the section
    listed = block.kind in ("bullet", "numbered")
    if kind and (who or (listed and kind != "cause_of_concern")):
        return Opening(kind, number_of(block), block.text, f"in-section-{kind}", 2)
    start = sentence_addressee(block, cues) if section in KINDS else None
    if start is not None and block.kind == "paragraph":
        # "Of the 14 crimes … only nine had been recorded. The force should …"
        return Opening(
            section, None, block.text[start:], f"in-section-sentence-{section}", 1
        )
    return None


def sentence_addressee(block: Block, cues: list[Cue]) -> int | None:
    """Where a sentence addressed to someone ("The force should …") starts
    inside a paragraph, after a sentence of findings; None if none does."""
    for cue in cues:
        if cue.label == "addressee" and cue.start > 0:
            before = block.text[: cue.start].rstrip()
            if before.endswith((".", "!", "?", ".”", '."')):
                return cue.start
    return None


def number_of(block: Block) -> str | None:
    """The number printed before a numbered paragraph; bullets have none."""
    return block.marker if block.kind in ("numbered", "heading") else None


def is_decimal(marker: str | None) -> bool:
    """True for a paragraph number like "4.2" (a report's own numbering)."""
    return bool(marker and re.match(r"^\d+\.\d+$", marker))


def update_context(block: Block, cues: list[Cue], ctx: Context) -> str | None:
    """Let a heading, a label line or a tracker's narrative change the context.

    Returns what the block said, when it was context only (no item starts in
    it), for --explain; None otherwise.
    """

    label = label_only(block, cues)
    if label and block.table:
        return "a table's column heading"
    if label and label.role == "label":
        ctx.pending = Pending(
            label.label, label_number(label) or number_of(block), label.rule
        )
        if label.label == "cause_of_concern":
            ctx.concern = None
        return f"label: the next block is a {label.label} ({label.rule})"
    if ctx.contents_page == block.page and not is_heading(block):
        return "a contents page line"
    ctx.contents_page = None
    if re.match(r"^(table of )?contents$", block.text.strip(), re.I):
        ctx.contents_page = block.page
        return "contents page"
    if ctx.tracker and not block.table:
        name = titled_block(block.text)
        if name is None and block.kind == "numbered" and is_report_name(block.text):
            name = report_name(block.text)
        if name:
            ctx.source_report, ctx.quoted_kind = name, None
            ctx.default_status = None  # "… which remain open" was the last report's
            ctx.introduce(introduced_kinds(block, cues, tracker=True), block.text)
            ctx.pending = None
            listed = ", ".join(ctx.intro_kinds)
            return f"names the source report: {name}" + (
                f"; introduces quotations of: {listed}" if listed else ""
            )
    titled = (ctx.tracker and ctx.source_report) or ctx.section == "recommendation"
    if (
        titled
        and is_item_heading(block)
        and heading_section(block, cues) is None
        and not is_report_name(block.text)  # "3. PEEL 2018/19" names a report
    ):
        number = block.marker or re.match(r"^\(?(\w{1,4})[.)]", block.text).group(1)
        ctx.pending = Pending("recommendation", number, "titled-item")
        return "a numbered heading over a quoted item (titled-item)"
    if is_heading(block) or (label and label.role == "section"):
        section = heading_section(block, cues)
        ctx.pending = None
        ctx.intro_kinds = []
        if section is None and ctx.section and block.size < ctx.section_size - 0.5:
            # a smaller heading inside the section ("Causes of concern" >
            # "Responding to the public") keeps it
            update_history(block, ctx)
            return f"sub-heading in section {ctx.section}"
        if section != "recommendation":
            ctx.concern = None if section is None else ctx.concern
        ctx.section, ctx.section_size = section, block.size
        update_history(block, ctx)
        if ctx.history is not None and ctx.history == block.size:
            ctx.section = None  # "Progress against the 2014 recommendations"
        if ctx.tracker:
            red = re.search(r"\bred\b", block.text, re.I)
            ctx.heading_status = "red" if red else None
            ctx.default_status = None
            if is_report_name(block.text):
                ctx.source_report = report_name(block.text)
                ctx.quoted_kind = None  # a new report: the last quote's kind is not its
                ctx.intro_kinds = []
        history = ", history follows" if ctx.history is not None else ""
        return f"heading: section {section or 'none'}{history}"
    said = []
    if ctx.tracker:
        title = quoted_title(block.text)
        if title:
            ctx.pending = None  # a titled item's title is followed by the item
            ctx.source_report, ctx.default_status = title, None
            ctx.quoted_kind = kind_named(block.text)
            ctx.intro_kinds = []
            said.append(f"names the source report: {title}")
        found = STATUS_WORDS.search(block.text)
        if found and re.search(r"\bwhich (are|is|remain)\b", block.text):
            ctx.default_status = found.group(1).lower()
    introduced = introduced_kinds(block, cues, ctx.tracker)
    if not introduced and ctx.tracker and ctx.items and NEXT_OF_KIND.match(block.text):
        introduced = [ctx.items[-1].kind]  # "The second reads:": as the first
    if introduced:
        # "We found two causes of concern:", "… contained one cause of concern
        # with two recommendations:"; "In 2015 we recommended that:" introduces
        # history
        ctx.introduce(introduced, block.text)
        said.append(f"introduces a list or quotation of: {', '.join(introduced)}")
    return "; ".join(said) or None


# A heading over the last inspection's recommendations and how far each got:
# "Appendix II: Progress on recommendations from the last report".
HISTORY_HEADING = re.compile(
    r"\b(?:last|previous|earlier|prior|20\d\d)\s+(?:report|inspection|visit)s?\b"
    r"|\bprogress\s+(?:on|against|made\s+on)\b.{0,30}\b(?:recommendations"
    r"|areas\s+for\s+improvement|causes\s+of\s+concern)\b",
    re.I,
)
# The verdict an inspection prints after an earlier recommendation.
VERDICT = re.compile(
    r"(?:\(\d+(?:\.\d+)*\)\s*)?\b(?:(?:partially|not)\s+)?achieved\.?$", re.I
)


def update_history(block: Block, ctx: Context) -> None:
    """Open or close a section of history: under a heading naming the last
    inspection's recommendations, nothing is a new item until a heading at
    least as large that does not."""
    if HISTORY_HEADING.search(block.text) and not ctx.tracker:
        ctx.history = block.size
    elif ctx.history is not None and block.size >= ctx.history - 0.1:
        ctx.history = None


def is_history(ctx: Context, text: str) -> bool:
    """True for an earlier recommendation an inspection report prints as
    history: under a history heading, or ending with its verdict
    ("(4.41) Partially achieved")."""
    return not ctx.tracker and (ctx.history is not None or bool(VERDICT.search(text)))


# Rules that find an item by its place, not by a word naming its kind: the
# tracker's words after it may name the kind instead.
PLACE_RULES = ("in-section-", "tracker-quote", "titled-item")
# A sentence introducing the next quotation of the kind just quoted.
NEXT_OF_KIND = re.compile(
    r"^(?:the|a|an)\s+(?:second|third|fourth|fifth|next|other|last|final|further)"
    r"(?:\s+one)?\s+(?:reads|is|states|says)\b[^.]{0,40}:$",
    re.I,
)
# A kind named with how many there were: "one cause of concern", "two AFIs".
COUNTED_KIND = re.compile(
    r"\b(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+"
    r"(?:causes?\s+(?:of|for)\s+concern|areas?\s+for\s+improvement|AFIs?"
    r"|recommendations?)\b",
    re.I,
)


def introduced_kinds(block: Block, cues: list[Cue], tracker: bool = False) -> list[str]:
    """The kinds a sentence ending in a colon says follow it, in the order it
    names them, or ["history"] when an inspection report introduces an earlier
    report's ("To address this, we recommended that:"); [] when it is no such
    sentence (a lead-in, an item of its own). A tracker's sentences narrate
    earlier reports by nature: there they introduce quotations, and a
    sentence counting what a report found ("one cause of concern, with a
    recommendation") introduces the quotations after it, colon or not."""

    text = block.text.rstrip()
    if re.search(r"\b(should|must)\b", text):
        return []
    if not text.endswith((":", ":-")):
        # "… found one cause of concern, with a recommendation to address it.
        # These are repeated here …", then the quotations
        return kinds_named(text) if tracker and COUNTED_KIND.search(text) else []
    if not tracker and is_not_item(cues):
        return ["history"]
    if tracker and re.search(r"\brecommended(?:\s+that)?\s*:-?$", text, re.I):
        return ["recommendation"]  # "HMICFRS recommended that:", then the quotation
    if any(c.label == "addressee" or c.role == "lead-in" for c in cues):
        return []
    return kinds_named(text)


def is_item_heading(block: Block) -> bool:
    """A tracker's numbered heading over a quoted item ("2. Force Progress Review")."""
    numbered = block.marker is not None or re.match(r"^\(?\w{1,4}[.)]\s", block.text)
    return bool(
        numbered
        and not is_decimal(block.marker)
        and len(block.text.split()) <= 10
        and not block.text.rstrip().endswith((".", ":", ";"))
        and (block.kind in ("heading", "numbered"))
    )


ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")
# "To address the second cause of concern, we recommend …": which one it answers
ORDINAL_LEAD_IN = re.compile(
    r"^To address the (" + "|".join(ORDINALS) + r") cause (?:of|for) concern", re.I
)
# CDI 2016 (corpus/src/holdout2-cdi-2016-avon.hmic): "Recommendations 1 and 2
# relate to the first cause of concern; recommendations 3 and 4 relate to the
# second." and, after a restated concern, "Recommendations 1 and 2 in the
# summary of this report address this cause of concern."
CONCERN_LINK = re.compile(
    r"\brecommendations?\s+(?P<numbers>\d{1,2}(?:\s*(?:,|and|to|-|–)\s*\d{1,2})*)"
    r"(?:\s+in\s+the\s+summary\s+of\s+this\s+report)?\s+"
    r"(?:relates?\s+to|refers?\s+to|address(?:es)?|responds?\s+to)\s+"
    r"(?:(?:this|that)\s+(?P<this>cause)\s+of\s+concern"
    r"|the\s+(?P<ordinal>" + "|".join(ORDINALS) + r")\b)",
    re.IGNORECASE,
)


def link_numbers(text: str) -> tuple[str, ...]:
    """'1 and 2' -> ('1', '2'); '1 to 3' -> ('1', '2', '3')."""
    numbers: list[int] = []
    for match in re.finditer(r"(\d+)(?:\s*(?:to|-|–)\s*(\d+))?", text):
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        numbers += range(first, max(first, last) + 1)
    return tuple(str(n) for n in numbers)


def concern_links(text: str, concern: int | None) -> list[tuple]:
    """Each sentence of `text` saying which recommendations answer which cause
    of concern, as (numbers, index of "this" concern, ordinal of "the first")."""
    links = []
    for match in CONCERN_LINK.finditer(text):
        numbers = link_numbers(match.group("numbers"))
        if match.group("this") and concern is not None:
            links.append((numbers, concern, None))
        elif match.group("ordinal"):
            links.append(
                (numbers, None, ORDINALS.index(match.group("ordinal").lower()))
            )
    return links


def apply_concern_links(items: list[Item], links: list[tuple]) -> list[Item]:
    """Recommendations re-parented as the report's own sentences say, over the
    default of the latest cause of concern printed before them."""
    concerns = [i for i, item in enumerate(items) if item.kind == "cause_of_concern"]
    distinct = [
        i
        for n, i in enumerate(concerns)
        if not any(is_restatement(items[j], items[i]) for j in concerns[:n])
    ]
    parent_of = {}
    for numbers, concern, ordinal in links:
        if ordinal is not None:
            concern = distinct[ordinal] if ordinal < len(distinct) else None
        if concern is not None:
            parent_of.update(dict.fromkeys(numbers, concern))
    return [
        replace(item, parent=parent_of[item.number])
        if item.kind == "recommendation" and item.number in parent_of
        else item
        for item in items
    ]


def walk(
    blocks: list[Block], cues: list[list[Cue]], tracker: bool, trace=None
) -> list[Item]:
    """Every item the blocks state, in reading order (restatements not yet merged).

    With `trace` (a dict), what became of each block is noted in it, by block
    index, for --explain."""

    ctx = Context(tracker=tracker, trace=trace)
    index = 0
    while index < len(blocks):
        block, block_cues = blocks[index], cues[index]
        ctx.at = index
        ctx.concern_links += concern_links(block.text, ctx.concern)
        if block.table and tracker:
            index = table_items(blocks, cues, index, ctx)
            continue
        said = update_context(block, block_cues, ctx)
        if said:
            ctx.note(index, f"context: {said}")
            index += 1
            continue
        if block.kind not in ("bullet", "numbered") and block.text[:1] not in (
            "“",
            '"',
            "‘",
        ):
            ctx.intro_kinds = []  # the list or quotations a sentence introduced end
        opened = start_of_item(block, block_cues, ctx)
        split = split_concern(block, block_cues, opened)
        if split:
            index = add_concern_and_recommendation(blocks, cues, index, ctx, split)
            continue
        if not opened:
            ctx.note(index, why_no_item(block, block_cues, ctx))
            index += 1
            continue
        kind, number, text, rule = opened.kind, opened.number, opened.text, opened.rule
        if (
            ctx.tracker
            and rule not in ("tracker-quote-introduced", "listed-after-intro")
            and kind in ctx.intro_kinds
        ):
            # a quotation introduced by kind that opened by its own cue (a
            # deadline) still takes its place in the introduced order
            ctx.intro_kinds.remove(kind)
        confidence = opened.strength
        mode = {"titled-item": "all", "listed-after-intro": "separate"}.get(
            rule, "concern" if kind == "cause_of_concern" else ""
        )
        start = index
        text, index = collect(blocks, cues, index, text, mode)
        status = None
        if tracker:
            cut, status = split_commentary(text)
            if cut != text:
                ctx.note(
                    index - 1,
                    "the tracker's words after the item's end are not its text",
                )
                named = kind_named(text[len(cut) :])
                if named and rule.startswith(PLACE_RULES):
                    # "“…” Work on this area for improvement has not yet started."
                    kind = named
            text = cut
        if add_item(ctx, kind, number, text, block.page, rule, confidence):
            number_note = f" {number}" if number else ""
            ctx.note(
                start, f"item {len(ctx.items) - 1} starts: {kind}{number_note} ({rule})"
            )
            for later in range(start + 1, index):
                ctx.note(later, f"continues item {len(ctx.items) - 1}")
            ctx.note(index - 1, f"item {len(ctx.items) - 1} ends")
        if status and ctx.items:
            ctx.items[-1] = replace(ctx.items[-1], status=status)
        else:
            index = take_status(blocks, cues, index, ctx)
    return apply_concern_links(ctx.items, ctx.concern_links)


def why_no_item(block: Block, cues: list[Cue], ctx: Context) -> str:
    """Why a block that is not context opened no item, for --explain."""
    refusal = next((c for c in cues if c.label == "not_item"), None)
    if refusal:
        return f"no item: {refusal.rule} ({refusal.text!r})"
    if block.text.rstrip().endswith("?"):
        return "no item: a question"
    if any(c.label in (*KINDS, "addressee") for c in cues):
        return f"no item: its cues open none here (section {ctx.section or 'none'})"
    return "no item: no cue"


def split_concern(block: Block, cues: list[Cue], opened: Opening | None) -> int | None:
    """Where a recommendation lead-in starts inside a cause-of-concern paragraph."""
    lead = next((c for c in cues if c.rule == "rec-lead-in-coc"), None)
    if lead and lead.start > 20 and opened and opened.kind == "cause_of_concern":
        return lead.start
    return None


def add_concern_and_recommendation(blocks, cues, index, ctx, split) -> int:
    """A paragraph holding a concern and the lead-in of its recommendation."""

    block = blocks[index]
    concern_text = block.text[:split]
    add_item(
        ctx,
        "cause_of_concern",
        number_of(block),
        concern_text,
        block.page,
        "coc-statement",
        2,
    )
    rest = Block(**{**asdict(block), "text": block.text[split:]})
    rest_cues = [
        replace(c, start=c.start - split, end=c.end - split)
        for c in cues[index]
        if c.start >= split
    ]
    text, after = collect(
        [rest] + blocks[index + 1 :], [rest_cues] + cues[index + 1 :], 0, rest.text
    )
    add_item(ctx, "recommendation", None, text, block.page, "lead-in", 2)
    ctx.note(
        index, "a cause of concern, then the lead-in of its recommendation (split)"
    )
    return take_status(blocks, cues, index + after, ctx)


def add_item(ctx: Context, kind, number, text, page, rule, confidence) -> bool:
    """Append an item, linking a recommendation to the open cause of concern.
    Returns False when the text is no item (empty, or history)."""
    text = clean_text(text)
    if not text or kind == "history" or is_history(ctx, text):
        ctx.pending = None
        reason = "the last inspection's, as history" if text else "no text"
        ctx.note(ctx.at, f"rejected: a {kind} ({rule}) but {reason}")
        return False
    parent = ctx.concern if kind == "recommendation" else None
    named = ORDINAL_LEAD_IN.match(text) if kind == "recommendation" else None
    if named:
        concerns = [
            i for i, it in enumerate(ctx.items) if it.kind == "cause_of_concern"
        ]
        ordinal = ORDINALS.index(named.group(1).lower())
        parent = concerns[ordinal] if ordinal < len(concerns) else parent
    ctx.items.append(
        Item(
            kind=kind,
            number=number,
            text=text,
            page=page,
            source_report=ctx.source_report,
            status=ctx.default_status or ctx.heading_status,
            parent=parent,
            rule=rule,
            confidence=confidence,
            block=ctx.at,
        )
    )
    if kind == "cause_of_concern":
        ctx.concern = len(ctx.items) - 1
    ctx.pending = None
    return True


# --- restatements ---------------------------------------------------------------------


# A lead-in is part of an item's text, but a restatement may print it
# differently ("To address this cause of concern, HMIC recommends" in the
# summary, "HMIC recommends" in the chapter).
LEAD_IN = re.compile(
    r"^(?:to address this cause of concern )?"
    r"(?:(?:we|hmic|hmicfrs|hmicfrs|inspectors) (?:also |further |therefore )?"
    r"recommends? (?:that )?)?"
)


def comparable(text: str) -> str:
    """Lower-case letters and digits only, lead-in left out, for spotting a
    restated item."""
    plain = re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
    return LEAD_IN.sub("", plain, count=1)


def is_restatement(a: Item, b: Item) -> bool:
    """True when two items are the same words (a summary or annex restating)."""
    from rapidfuzz import fuzz

    left, right = comparable(a.text), comparable(b.text)
    if not left or not right:
        return False
    if left == right:
        return True
    shorter, longer = sorted((left, right), key=len)
    return len(shorter) > 0.8 * len(longer) and fuzz.ratio(left, right) >= 93


def merge_restatements(items: list[Item], trace: dict | None = None) -> list[Item]:
    """One item per distinct statement, at its first page; kind and number from
    the most explicit statement; parents re-pointed."""
    kept: list[Item] = []
    firsts: list[int] = []  # the walk's index of each kept item's first statement
    new_index: dict[int, int] = {}
    for index, item in enumerate(items):
        match = next(
            (k for k, seen in enumerate(kept) if is_restatement(seen, item)), None
        )
        if match is None:
            new_index[index] = len(kept)
            kept.append(item)
            firsts.append(index)
            continue
        new_index[index] = match
        if trace is not None:
            trace.setdefault(item.block, []).append(
                f"item {index} restates item {firsts[match]}: merged into it"
            )
        seen = kept[match]
        best = item if item.confidence > seen.confidence else seen
        kept[match] = replace(
            seen,
            kind=best.kind,
            number=seen.number,
            page=min(seen.page, item.page),
            parent=seen.parent if seen.parent is not None else item.parent,
            confidence=max(seen.confidence, item.confidence),
        )
    return [
        replace(item, parent=merged_parent(kept, index, item.parent, new_index))
        for index, item in enumerate(kept)
    ]


def merged_parent(kept: list[Item], index: int, parent, new_index: dict) -> int | None:
    """Item `index`'s parent after merging, or None when the merge made it the
    item itself or something other than a cause of concern (a recommendation
    printed with the same words as its concern; found by tests/test_items_fuzz.py)."""
    merged = new_index.get(parent) if parent is not None else None
    if merged is None or merged == index or kept[merged].kind != "cause_of_concern":
        return None
    return merged


# An item's confidence: its cue's strength, less what makes its reading a guess.
CUE_CONFIDENCE = {3: 0.9, 2: 0.75, 1: 0.5}
WEAK_RULES = ("numbered-should", "in-section-sentence", "tracker-quote", "titled-item")


def confidence(item: Item) -> float:
    """How sure the reading is, from 0 to 1: high for a labelled item whose
    text ends a sentence; low for one found by its place or its wording alone,
    cut mid-sentence (a guessed end), or very short. The register puts items
    under 0.5 in front of an analyst."""
    score = CUE_CONFIDENCE.get(item.confidence, 0.5)
    if item.rule.startswith(WEAK_RULES):
        score -= 0.15
    if not item.text.rstrip('”"’)').endswith((".", "!", "?", ";", ":")):
        score -= 0.2
    if len(item.text.split()) < 8:
        score -= 0.2
    return round(min(0.99, max(0.05, score)), 2)


def blocks_to_items(blocks: list[Block], report: dict, trace=None) -> list[dict]:
    """The report's items as contract §1 dicts (plus the optional `rule`,
    `confidence`, `addressee` and `deadline`, the deadline in its printed
    words). With `trace` (a dict), notes what became of each block."""
    cues = blocks_to_cues(blocks)
    found = walk(blocks, cues, report.get("kind") == "tracker", trace)
    items = merge_restatements(found, trace)
    return [
        {
            "kind": i.kind,
            "number": i.number,
            "text": i.text,
            "page": i.page,
            "source_report": i.source_report,
            "status": i.status,
            "parent": i.parent,
            "rule": i.rule,
            "confidence": confidence(i),
            "addressee": text_to_addressee(i.text),
            "deadline": deadline_words(i.text),
        }
        for i in items
    ]


def deadline_words(text: str) -> str | None:
    """The deadline the item prints, in its own words ("By 31 March 2024",
    "Within six months"), or None."""
    found = text_to_deadline(text)
    return found.text if found else None
