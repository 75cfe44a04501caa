"""The tracker reader: committee progress papers (report kind "tracker").

A tracker quotes items from earlier inspection reports and says how far each
has got. This module reads what only trackers print: the source report's title
(a heading naming it, or “Title” was published …), the status sentence after a
quoted item, the kind a tracker sentence names, and tracker tables, whose
columns are found by their header names and whose rows may run on over a page
break.

The data classes and cue helpers it shares with extract/items.py come from
extract/cues.py; items.py imports this module at its top, as a step of the walk.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .blocks import Block
from .cues import (
    KINDS,
    Context,
    Item,
    blocks_to_cues_of_texts,
    clean_text,
    label_number,
    status_from,
)
from .deadline import text_to_deadline

# --- statuses and kinds -----------------------------------------------------------


def take_status(blocks, cues, index: int, ctx: Context) -> int:
    """Read a tracker's status sentence after an item; return the next index."""
    if ctx.tracker and index < len(blocks) and ctx.items:
        status = status_from(cues[index], blocks[index].text)
        if status:
            item = ctx.items[-1]
            named = (
                kind_named(blocks[index].text) if item.rule == "tracker-quote" else None
            )
            ctx.items[-1] = replace(item, status=status, kind=named or item.kind)
            ctx.note(index, f"status of item {len(ctx.items) - 1}: {status}")
            return index + 1
    return index


def kind_named(text: str) -> str | None:
    """The one kind a tracker sentence names ("made the following
    recommendations", "This area for improvement is now closed"), else None."""
    afi = re.search(r"\bareas? for improvement\b|\bAFIs?\b", text, re.I)
    rec = re.search(r"\brecommendations?\b", text, re.I)
    if afi and not rec:
        return "area_for_improvement"
    if rec and not afi:
        return "recommendation"
    return None


def quoted_kind(text: str) -> str:
    """A tracker's quoted item: "The force should …" with no deadline is how
    PEEL words an area for improvement; anything else is a recommendation."""
    plain = text.lstrip('“"‘ ')
    if re.match(r"^The (force|service|constabulary) should\b", plain) and (
        text_to_deadline(plain) is None
    ):
        return "area_for_improvement"
    return "recommendation"


# --- source reports ----------------------------------------------------------------


MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)"
)
# "(published 22 March 2018)", "(national report, published 5 July 2017)",
# "(January 2020)" after a report's name
PUBLISHED = re.compile(
    r"\s*\((?:(?:[^()]*?,\s*)?(?:published|dated|issued)\b[^()]*"
    r"|(?:\d{1,2}\s+)?" + MONTH + r"\s+\d{4})\)",
    re.I,
)
# "Report: PEEL 2023–25 …", "Inspection: …": the label before a report's name
NAME_LABEL = re.compile(r"^(?:source\s+)?(?:report|inspection|review)\s*:\s*", re.I)


def is_report_name(heading: str) -> bool:
    """A tracker heading that names a report ("PEEL: Police legitimacy 2017"),
    not the paper's own date ("8th June 2017") or section ("Recommendations").
    A "(published 22 March 2018)" after the name is not part of it."""
    name = PUBLISHED.sub("", heading).strip()
    return bool(
        (re.search(r"\b(19|20)\d\d\b|\bPEEL\b", name) or NAME_LABEL.match(name))
        and len(name.split()) <= 14
        and not name.endswith((".", ":", ";"))
        and not re.search(
            r"\b(recommendations?|update|committee|tracker)\b", name, re.I
        )
        and not DAY_MONTH.search(name)
    )


DAY_MONTH = re.compile(
    r"\b\d{1,2}(st|nd|rd|th)?\s+(January|February|March|April|May|June|July|August|"
    r"September|October|November|December)\b",
    re.I,
)
PEEL_PILLAR = re.compile(
    r"\bPEEL\b.*?\b(effectiveness|efficiency|legitimacy|leadership)\b.*?"
    r"\b((?:19|20)\d\d(?:/\d\d)?)\b",
    re.I,
)


def report_name(name: str) -> str:
    """The name a tracker gives a report, tidied: the "(published …)" after it
    dropped, and a PEEL pillar report named as the inspectorate titles it
    ("PEEL Effectiveness Report in 2015" -> "PEEL: Police effectiveness 2015")."""
    name = NAME_LABEL.sub("", PUBLISHED.sub("", name)).strip(" ,.:–-")
    if name[:1] in '“"' and name[-1:] in '”"':
        name = name[1:-1].strip()
    pillar = PEEL_PILLAR.search(name)
    if pillar and not re.search(r"\bPolice\s+" + pillar.group(1), name, re.I):
        return f"PEEL: Police {pillar.group(1).lower()} {pillar.group(2)}"
    return name


def titled_block(text: str) -> str | None:
    """The report a tracker block opens with, named and dated:
    "Crime Data Integrity inspection 2017 (published 27 July 2017) …"."""
    published = PUBLISHED.search(text)
    if published is None or published.start() > 160:
        return None
    name = text[: published.start()].strip()
    if not name or len(name.split()) > 20 or re.search(r"[.:;]", name[-1]):
        return None
    return report_name(name)


def quoted_title(text: str) -> str | None:
    """The report a tracker paragraph introduces: “Title” was published / report,
    or "There was a National Child Protection Inspection of West Midlands Police"."""
    quoted = re.search(
        r"(?:^\s*|\bIn\s+|\bpublished\s+)[“\"]([^”\"]{8,200})[”\"],?\s+"
        r"(was|is|were|published|for|in|on)\b",
        text,
    )
    if quoted:
        return report_name(quoted.group(1).strip())
    for named in re.finditer(r"[“\"]([^”\"]{8,200})[”\"]", text):
        # “Durham Constabulary: Crime data integrity inspection 2018”, found …
        title = named.group(1)
        if re.search(r"\b(19|20)\d\d\b|\bPEEL\b", title) and not re.search(
            r"\b(should|must)\b", title
        ):
            return report_name(title.strip())
    named = re.search(
        r"\b(?:There was an?|from the|of the)\s+((?:[A-Z][\w’']*\s*){2,8}"
        r"(?:Report|Inspection|report|inspection)"
        r"(?:\s+(?:of|into|on)\s+(?:[A-Z][\w’'&]*\s*){1,6})?(?:\s+in\s+\d{4})?)",
        text,
    )
    return report_name(named.group(1).strip()) if named else None


def kinds_named(text: str) -> list[str]:
    """The kinds a tracker sentence names, in the order it names them ("one
    cause of concern with two recommendations" -> concern, recommendation)."""
    found = {}
    for kind, pattern in (
        ("cause_of_concern", r"\bcauses? (?:of|for) concern\b"),
        ("area_for_improvement", r"\bareas? for improvement\b|\bAFIs?\b"),
        ("recommendation", r"\brecommendations?\b"),
    ):
        for match in re.finditer(pattern, text, re.I):
            if not NEGATED.search(text[max(0, match.start() - 40) : match.start()]):
                found[kind] = match.start()
                break
    return sorted(found, key=found.get)


# "did not identify any causes of concern", "no recommendations": a kind named
# only to say there were none
NEGATED = re.compile(
    r"(?:no|not\s+(?:\w+\s+){0,2}any|nor|without)\s+(?:\w+\s+)?$", re.I
)


def inline_quote(text: str) -> int | None:
    """Where a quotation opens inside a tracker's sentence that introduces it
    ("The first open AFI is that “The force should …”"), or None. The words
    before it are few and end as an introduction does (that, is, reads, a
    colon)."""
    at = next((i for i, ch in enumerate(text) if ch in '“"'), None)
    if at is None or at == 0:
        return None
    before = text[:at].rstrip()
    if len(before.split()) > 14 or not re.search(
        r"(?:\bthat|\bis|\bwas|\breads|\bstates|\bsays|:)$", before, re.I
    ):
        return None
    return at


# --- what a tracker says after an item ------------------------------------------

# A sentence in which the tracker reports what the force did: "The force has
# recently conducted a large audit …", "Training has been delivered …".
COMMENTARY = re.compile(
    r"^(?:The|This|Our|Its|A|An)?\s*(?:[A-Za-z’'-]+\s+){0,3}?"
    r"(?:has|have|had|was|were|is being|are being)\s+"
    r"(?:recently\s+|now\s+|already\s+|also\s+)?"
    r"(?:been\s+)?[a-z]+(?:ed|en|un|ne|de)\b"
)


def split_commentary(text: str) -> tuple[str, str | None]:
    """An item's text without the tracker's words after it, and the status
    they give. A status sentence ("This recommendation has been addressed and
    archived.") or a sentence of the force's progress, printed straight after
    the item in the same paragraph, ends the item."""
    closing = quotation_end(text)
    if closing is not None:
        # “The constabulary should …” Work on this has not yet started.
        rest = text[closing:].strip()
        cues = blocks_to_cues_of_texts([rest])[0]
        return text[:closing].rstrip(), status_from(cues, rest)
    ends = [m.end() for m in re.finditer(r"[.!?][”\"’]?\s+(?=[A-Z“\"])", text)]
    if not ends:
        return text, None
    sentences = [
        text[start:end] for start, end in zip(ends, ends[1:] + [len(text)], strict=True)
    ]
    for start, sentence, cues in zip(
        ends, sentences, blocks_to_cues_of_texts(sentences), strict=True
    ):
        status = status_from(cues, sentence)
        if status or (COMMENTARY.match(sentence) and "should" not in sentence):
            return text[:start].rstrip(), status
    return text, None


def quotation_end(text: str) -> int | None:
    """Where a quoted item's closing quotation mark ends, when words follow it
    (the tracker's own); None when the text is no quotation or ends with it."""
    if text[:1] not in ("“", '"'):
        return None
    close = "”" if text[0] == "“" else '"'
    end = text.find(close, 1)
    if end == -1 or not text[end + 1 :].strip():
        return None
    return end + 1


# --- tracker tables -----------------------------------------------------------------

COLUMN_ROLES = {
    "text": (
        "recommendation",
        "area for improvement",
        "description",
        "finding",
        "action",
        "detail",
        "wording",
    ),
    "report": ("report", "source", "inspection"),
    "status": ("status", "progress", "update"),
    "rag": ("rag", "grade", "rating"),
    "type": ("type", "kind", "category"),
}


def column_roles(header: dict[int, str]) -> dict[str, int]:
    """Which column holds the item text, its report, status, RAG and type."""
    roles: dict[str, int] = {}
    for role, words in COLUMN_ROLES.items():
        for col, name in sorted(header.items()):
            if col not in roles.values() and any(w in name.lower() for w in words):
                roles.setdefault(role, col)
    return roles


def table_rows(blocks: list[Block], index: int) -> tuple[list[dict[int, tuple]], int]:
    """The rows of the table starting at `index` as {column: (cell Block, index of
    its first block)}, and the index after the table."""
    table = blocks[index].table
    rows: dict[int, dict[int, tuple]] = {}
    while index < len(blocks) and blocks[index].table == table:
        block = blocks[index]
        cells = rows.setdefault(block.row, {})
        if block.col in cells:  # a second paragraph in one cell
            first, at = cells[block.col]
            cells[block.col] = (replace(first, text=f"{first.text} {block.text}"), at)
        else:
            cells[block.col] = (block, index)
        index += 1
    return [rows[r] for r in sorted(rows)], index


def table_items(blocks, cues, index: int, ctx: Context) -> int:
    """Items of a tracker table (one a row); other tables are passed over.

    A table with no header of its own continues the last tracker table when it
    has as many columns (a row cut by a page break goes on at its top); a
    table of counts ("Total 6 2 10") is neither."""
    rows, after = table_rows(blocks, index)
    header = {col: cell.text for col, (cell, _) in rows[0].items()} if rows else {}
    roles = column_roles(header)
    if "text" not in roles or not ({"status", "report", "rag"} & roles.keys()):
        roles = column_roles(ctx.table_header or {})
        if "text" not in roles or width(rows) != width([ctx.table_header or {}]):
            ctx.note(
                index, "no item: a table with no item-text column (not a tracker table)"
            )
            return after
        header, body = ctx.table_header, rows  # a table continued from the last page
    else:
        ctx.table_header = header
        body = rows[1:]
    for number, row in enumerate(body):
        texts = {col: cell.text for col, (cell, _) in row.items()}
        if roles["text"] not in row or texts == header:
            continue  # an empty row, or the header repeated on a new page
        cell, at = row[roles["text"]]
        ctx.at = at
        follows_row = ctx.items and ctx.items[-1].rule == "tracker-table-row"
        if number == 0 and follows_row and is_row_tail(texts, roles):
            # a row cut by the page break: its text goes on at the top of this page
            last = ctx.items[-1]
            ctx.items[-1] = replace(last, text=clean_text(f"{last.text} {cell.text}"))
            ctx.note(
                at, f"the rest of item {len(ctx.items) - 1}, cut by the page break"
            )
            continue
        if not is_item_text(cell.text):
            ctx.note(at, "no item: the text column holds a count or a reference")
            continue
        for item in row_to_items(cell, cues[at], texts, roles, header):
            add_row_item(ctx, replace(item, block=at))
            ctx.note(
                at, f"item {len(ctx.items) - 1} starts: {item.kind} (tracker table row)"
            )
    return after


def add_row_item(ctx: Context, item: Item) -> None:
    """Append a table row's item; a recommendation after a cause of concern of
    the same report (the next row, or the same cell) answers it."""
    concern = ctx.concern
    if (
        item.kind == "recommendation"
        and concern is not None
        and ctx.items[concern].source_report == item.source_report
    ):
        item = replace(item, parent=concern)
    ctx.items.append(item)
    if item.kind == "cause_of_concern":
        ctx.concern = len(ctx.items) - 1


def width(rows: list[dict]) -> int:
    """The number of columns of a table's rows."""
    return max((max(row, default=-1) + 1 for row in rows), default=0)


def is_item_text(text: str) -> bool:
    """True for text that can be an item: words, not a count or a reference."""
    return len(re.findall(r"[A-Za-z]{2,}", text)) >= 4


def is_row_tail(texts: dict, roles: dict) -> bool:
    """True for a row holding only item text, as the rest of a row cut by a page
    break does (its report, status and type cells are empty)."""
    others = [
        texts.get(col, "").strip() for role, col in roles.items() if role != "text"
    ]
    return not any(others)


def row_to_items(
    cell: Block, cell_cues, texts: dict, roles: dict, header: dict
) -> list[Item]:
    """One tracker table row as Items: text, report, status (or RAG), kind.
    A cell holding "Cause of concern: … Recommendation: …" is two items, the
    recommendation answering the concern."""
    labels = [c for c in cell_cues if c.label in KINDS and c.role == "label"]
    starts = [c for c in labels if c.start == 0 or cell.text[c.start - 1] in " \n"]
    if len(starts) < 2 or starts[0].start > 2:
        starts = starts[:1] if starts and starts[0].start <= 2 else []
    report = texts.get(roles.get("report"))
    status = texts.get(roles.get("status")) or texts.get(roles.get("rag"))
    status = cell_status(status) if status else None
    kind = row_kind(texts.get(roles.get("type")), header.get(roles["text"], ""))
    pieces = []
    for n, label in enumerate(starts):
        end = starts[n + 1].start if n + 1 < len(starts) else len(cell.text)
        text = cell.text[label.end : end].lstrip(" :–-—.")
        pieces.append(
            (label.label if len(starts) > 1 else None, label_number(label), text)
        )
    if not starts:
        pieces = [(None, None, cell.text)]
    return [
        Item(
            kind=label_kind or kind or quoted_kind(text),
            number=number,
            text=clean_text(text),
            page=cell.page,
            source_report=report,
            status=status,
            rule="tracker-table-row",
            confidence=2,
        )
        for label_kind, number, text in pieces
    ]


def cell_status(text: str) -> str:
    """A status cell's words without the reference or reason after them:
    "Closed – superseded by C22-04" -> "Closed – superseded"; "Open – at risk"
    stays whole (a table cell holds only the status)."""
    return (
        re.split(r"[.;(]|\s+(?:by|following|pending|until|because)\b", text)[0].strip()
        or text
    )


def row_kind(type_text: str | None, header: str) -> str | None:
    """A table row's kind from its type column ("AFI", "Rec", "CoC"), else from
    the text column's name ("Area for improvement"); None when neither says."""
    text = (type_text or header).lower()
    words = set(re.findall(r"[a-z]+", text))
    if "area" in text or "afi" in words or "afis" in words:
        return "area_for_improvement"
    if "concern" in text or words & {"coc", "cfc"}:
        return "cause_of_concern"
    if type_text and ("recommend" in text or words & {"rec", "recs"}):
        return "recommendation"
    return None
