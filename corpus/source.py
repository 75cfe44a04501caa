"""The corpus source model and the `.hmic` parser (format: corpus/FORMAT.md).

A source is parsed once into a `Source`: the front matter (`meta`), the layout
`blocks` the producers render, and the `marks` (items) the golden file is
written from. The inline markup helpers (`inline_runs`, `runs_to_tags`) are
what every producer uses to print a block's text. Nothing here renders or
reads a PDF: corpus/render_*.py print a Source, corpus/golden.py writes its
golden file, corpus/build.py runs both.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

import yaml

PRODUCERS = ("reportlab", "docx", "html")
ITEM_KINDS = ("recommendation", "area_for_improvement", "cause_of_concern")

# "1." "2.14" "(ii)" "(a)" "a)" "ii)" — a bare "25" is not a marker ("25 per cent").
MARKER = r"(?:\d+\.(?:\d+\.?)*|\([ivxlcdm]+\)|\([a-z0-9]\)|[a-z]\)|[ivxlcdm]+\))"
NUMBERED_RE = re.compile(rf"^( *)({MARKER})\s+(.*)$")
BULLET_RE = re.compile(r"^( *)- (.*)$")
HEADING_RE = re.compile(r"^(#{1,3}) (.*)$")
ITEM_OPEN_RE = re.compile(r"^\s*<item\b(.*)>\s*$")
ITEM_CLOSE_RE = re.compile(r"^\s*</item>\s*$")
INLINE_ITEM_RE = re.compile(r"<item\b([^>]*)>(.*?)</item>")
ATTR_RE = re.compile(r"""(\w+)=(?:"([^"]*)"|'([^']*)'|(\S+))""")
NOT_TEXT_RE = re.compile(r"\{\{(.*?)\}\}")
FOOTNOTE_MARK_RE = re.compile(r"\^(\d+|[*†‡])")
LABEL_WORDS = r"(?:Recommendation|Area for improvement|Cause of concern|Rec|AFI)"
# `{{Recommendation 3 – }}`, `**{{Area for improvement}}**` at a line's start.
BRACED_LABEL_RE = re.compile(
    rf"^(\*\*)?\{{\{{\s*({LABEL_WORDS}(?:\s+\d+(?:\.\d+)*)?)\s*[:–—-]?\s*\}}\}}(\*\*)?"
)


class SourceError(ValueError):
    """A corpus source that breaks corpus/FORMAT.md (names the file and line)."""


@dataclass(frozen=True)
class Block:
    """One layout block: heading, paragraph, bullet, numbered, table, box, ..."""

    kind: str  # heading|paragraph|bullet|numbered|table|box|pagebreak|footnote
    text: str = ""  # inline markup kept: **b**, *i*, ^1, ~, {{…}} braces removed
    level: int = 0  # heading 1-3; indent level for bullets/numbered/paragraphs
    marker: str = ""  # numbered: the marker as printed
    rows: tuple = ()  # table: tuple of tuples of cell texts, first row the header
    children: tuple = ()  # box: the blocks inside it
    # The item label the line opens with, when it is marked not-text
    # (`{{Recommendation 3: }}…`, `### {{Area for improvement}}`): layout
    # variants move it (corpus/render_variants.py); the producers ignore it.
    label: str = ""


@dataclass(frozen=True)
class Mark:
    """One `<item>` of the source: its attributes and its text."""

    attrs: dict
    text: str  # golden text: printed words minus {{…}}, markers, markup
    probe: str  # the first printed words, used to find the item's page
    line: int  # 1-based source line of the opening mark


@dataclass(frozen=True)
class Source:
    meta: dict
    blocks: tuple
    marks: tuple = field(default_factory=tuple)

    @property
    def stem(self) -> str:
        return self.meta["stem"]


# --------------------------------------------------------------------------
# Parsing


def split_front_matter(text: str) -> tuple[dict, list[str], int]:
    """Source text -> (front matter dict, body lines, line number of body start)."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise SourceError("line 1: the front matter must open with '---'")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise SourceError("the front matter is not closed with '---'") from None
    meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    return meta, lines[end + 1 :], end + 2


def parse_attrs(text: str) -> dict:
    """'kind=recommendation id=r1 status="on-going"' -> {"kind": ..., ...}."""
    return {
        name: next((v for v in values if v), "")
        for name, *values in ATTR_RE.findall(text)
    }


def strip_inline(text: str) -> str:
    """Inline markup -> plain words: **b**, *i*, ^1 and ~ removed, {{…}} dropped."""
    text = NOT_TEXT_RE.sub("", text)
    text = FOOTNOTE_MARK_RE.sub("", text)
    text = text.replace("**", "").replace("*", "").replace("~", "")
    return text


def printed(text: str) -> str:
    """Inline markup with {{…}} braces removed (the words are printed)."""
    return NOT_TEXT_RE.sub(lambda m: m.group(1), text)


INLINE_TOKEN_RE = re.compile(r"(\*\*|\*|\^(?:\d+|[*†‡]))")


def inline_runs(text: str) -> list[tuple[str, bool, bool, bool]]:
    """Printed inline markup -> [(text, bold, italic, superscript)] for producers.

    `-~` becomes a plain hyphen (a break point every producer honours) and a
    bare `~` a soft hyphen U+00AD, printed only when the line breaks there.

    >>> inline_runs("a **b**^1")
    [('a ', False, False, False), ('b', True, False, False), ('1', False, False, True)]
    """
    runs, bold, italic = [], False, False
    for piece in INLINE_TOKEN_RE.split(text):
        if piece == "**":
            bold = not bold
        elif piece == "*":
            italic = not italic
        elif piece.startswith("^") and len(piece) > 1:
            runs.append((piece[1:], bold, italic, True))
        elif piece:
            runs.append(
                (piece.replace("-~", "-").replace("~", "\u00ad"), bold, italic, False)
            )
    return runs


def runs_to_tags(text: str, escape, superscript: str = "sup") -> str:
    """Inline source markup -> <b>/<i>/<superscript> tagged text, each run's
    words passed through `escape` (HTML and ReportLab markup share the tags)."""
    parts = []
    for words, bold, italic, sup in inline_runs(text):
        piece = escape(words)
        if sup:
            piece = f"<{superscript}>{piece}</{superscript}>"
        if italic:
            piece = f"<i>{piece}</i>"
        if bold:
            piece = f"<b>{piece}</b>"
        parts.append(piece)
    return "".join(parts)


def line_to_words(line: str) -> str:
    """One body line -> the words it adds to an enclosing item (may be '')."""
    stripped = line.strip()
    if not stripped or stripped.startswith("[") and _directive(stripped):
        return ""
    heading = HEADING_RE.match(stripped)
    if heading:
        return heading[2]
    bullet = BULLET_RE.match(line)
    if bullet:
        return bullet[2]
    numbered = NUMBERED_RE.match(line)
    if numbered:
        return numbered[3]
    if " | " in stripped:
        return " ".join(INLINE_ITEM_RE.sub(r"\2", c) for c in stripped.split(" | "))
    return stripped


def _directive(stripped: str) -> str | None:
    match = re.match(r"^\[(/?box|/?table|pagebreak|footnote|filler)\b", stripped)
    return match[1] if match else None


def collapse(text: str) -> str:
    return " ".join(text.split())


def words_to_mark(attrs: dict, pieces: list[str], line: int) -> Mark:
    """Raw item pieces (markup kept) -> Mark with golden text and probe."""
    raw = " ".join(pieces)
    text = collapse(strip_inline(raw))
    before_note = FOOTNOTE_MARK_RE.split(NOT_TEXT_RE.sub(" ", raw))[0]
    probe_words = collapse(strip_inline(before_note)).split()
    probe = " ".join(probe_words[:8]) or " ".join(text.split()[:8])
    return Mark(attrs=attrs, text=text, probe=probe, line=line)


def lines_to_marks(lines: list[str], first_line: int) -> tuple[list[Mark], list[str]]:
    """Body lines -> (item marks in order, layout lines without the item lines)."""
    marks: list[Mark] = []
    layout: list[str] = []
    open_attrs, open_line, pieces = None, 0, []
    for offset, line in enumerate(lines):
        number = first_line + offset
        opening = ITEM_OPEN_RE.match(line)
        if opening and not INLINE_ITEM_RE.search(line):
            if open_attrs is not None:
                raise SourceError(
                    f"line {number}: <item> inside the item of line "
                    f"{open_line}; close it with </item> first"
                )
            open_attrs, open_line, pieces = parse_attrs(opening[1]), number, []
            continue
        if ITEM_CLOSE_RE.match(line):
            if open_attrs is None:
                raise SourceError(f"line {number}: </item> without an <item>")
            marks.append(words_to_mark(open_attrs, pieces, open_line))
            open_attrs = None
            continue
        for attrs, cell in INLINE_ITEM_RE.findall(line):
            marks.append(words_to_mark(parse_attrs(attrs), [cell], number))
        if open_attrs is not None:
            pieces.append(line_to_words(line))
        layout.append(INLINE_ITEM_RE.sub(r"\2", line))
    if open_attrs is not None:
        raise SourceError(f"line {open_line}: <item> is never closed")
    return marks, layout


FILLER_SUBJECTS = (
    "The force",
    "Neighbourhood teams",
    "The control room",
    "Senior leaders",
    "The public protection unit",
    "Local partners",
    "Response officers",
    "Analysts in the force",
    "The chief officer team",
    "Supervisors",
    "The professional standards department",
    "Call handlers",
)
FILLER_VERBS = (
    "worked closely with",
    "regularly reviewed",
    "developed",
    "continued to use",
    "met every month with",
    "published information about",
    "invested in",
    "kept a record of",
    "shared information with",
    "restructured",
)
FILLER_OBJECTS = (
    "local community groups",
    "its demand data",
    "the daily management meeting",
    "neighbourhood priorities",
    "its approach to call handling",
    "the performance framework",
    "information from partner agencies",
    "the training programme for new recruits",
    "its estate and fleet",
    "the local policing plan",
    "volunteers and special constables",
    "the force management statement",
    "its digital services",
    "the rota for response shifts",
    "the work of the local criminal justice board",
    "the results of its public satisfaction survey",
    "independent advisory groups",
    "the wellbeing programme for its workforce",
    "the design of its new command structure",
    "the use of body-worn video",
)
FILLER_TAILS = (
    " across the force area",
    " each month",
    " in each local policing unit",
    " during the period of the inspection",
    "",
    " with a clear plan",
    " through its intranet",
    " with the police and crime commissioner",
    " in line with national guidance",
    " at a local level",
)
FILLER_OPENERS = (
    "During the inspection, we found that",
    "In interviews, staff told us that",
    "We were told that",
    "Data supplied by the force shows that",
    "Since the last inspection,",
    "In the focus groups we held,",
)


def filler_paragraphs(count: int, seed: str) -> list[str]:
    """N neutral narrative paragraphs, the same for the same seed.

    No items and none of the words an extractor keys on ("recommend",
    "should", "improve", "concern", "must").
    """
    rng = random.Random(seed)
    paragraphs = []
    for _ in range(count):
        sentences = []
        for _ in range(rng.randint(4, 7)):
            subject = rng.choice(FILLER_SUBJECTS)
            if rng.random() < 0.35:
                opener = rng.choice(FILLER_OPENERS)
                subject = f"{opener} {subject[0].lower()}{subject[1:]}"
            sentences.append(
                f"{subject} {rng.choice(FILLER_VERBS)} {rng.choice(FILLER_OBJECTS)}"
                f"{rng.choice(FILLER_TAILS)}."
            )
        paragraphs.append(" ".join(sentences))
    return paragraphs


def lines_to_blocks(lines: list[str], seed: str) -> tuple[Block, ...]:
    """Layout lines (no item marks) -> blocks; boxes nest their own blocks."""
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        line = lines[index].rstrip()
        stripped = line.strip()
        index += 1
        if not stripped:
            continue
        directive = _directive(stripped)
        if directive == "box":
            inner, index = _until(lines, index, "[/box]")
            blocks.append(Block("box", children=lines_to_blocks(inner, seed + "b")))
        elif directive == "table":
            inner, index = _until(lines, index, "[/table]")
            rows = tuple(
                tuple(printed(c.strip()) for c in row.strip().split(" | "))
                for row in inner
                if row.strip()
            )
            blocks.append(Block("table", rows=rows))
        elif directive == "pagebreak":
            blocks.append(Block("pagebreak"))
        elif directive == "footnote":
            text = stripped[len("[footnote]") :].strip()
            blocks.append(Block("footnote", text=printed(text)))
        elif directive == "filler":
            count = int(re.findall(r"\d+", stripped)[0])
            for text in filler_paragraphs(count, f"{seed}:{index}"):
                blocks.append(Block("paragraph", text=text))
        else:
            blocks.append(line_to_block(line))
    return tuple(blocks)


def _until(lines: list[str], index: int, closer: str) -> tuple[list[str], int]:
    for end in range(index, len(lines)):
        if lines[end].strip() == closer:
            return lines[index:end], end + 1
    raise SourceError(
        f"{closer[1:-1]} is never closed (opened before {lines[index : index + 1]})"
    )


def braced_label(text: str) -> str:
    """The item label a line opens with in not-text braces, or ''.

    >>> braced_label("{{Recommendation 9 – }}The Home Office should")
    'Recommendation 9'
    >>> braced_label("{{1. Force progress review}}")
    ''
    """
    match = BRACED_LABEL_RE.match(text.strip())
    if not match or bool(match[1]) != bool(match[3]):
        return ""
    return match[2]


def line_to_block(line: str) -> Block:
    """A text line -> heading, bullet, numbered or paragraph block."""
    heading = HEADING_RE.match(line.strip())
    if heading:
        return Block(
            "heading",
            text=printed(heading[2]),
            level=len(heading[1]),
            label=braced_label(heading[2]),
        )
    bullet = BULLET_RE.match(line)
    if bullet:
        return Block("bullet", text=printed(bullet[2]), level=len(bullet[1]) // 2)
    numbered = NUMBERED_RE.match(line)
    if numbered:
        return Block(
            "numbered",
            text=printed(numbered[3]),
            level=len(numbered[1]) // 2,
            marker=numbered[2],
        )
    indent = len(line) - len(line.lstrip(" "))
    return Block(
        "paragraph",
        text=printed(line.strip()),
        level=indent // 2,
        label=braced_label(line),
    )


def parse_source(text: str, name: str = "<source>") -> Source:
    """Source text -> Source(meta, blocks, marks); raises SourceError naming `name`."""
    try:
        meta, body, first_line = split_front_matter(text)
        marks, layout = lines_to_marks(body, first_line)
        blocks = lines_to_blocks(layout, str(meta.get("stem", name)))
        check_marks(marks)
    except SourceError as error:
        raise SourceError(f"{name}: {error}") from None
    meta.setdefault("columns", 1)
    return Source(meta=meta, blocks=blocks, marks=tuple(marks))


def check_marks(marks: list[Mark]) -> None:
    """Kinds known, ids unique, parent/same pointing at earlier ids."""
    seen: set[str] = set()
    for mark in marks:
        kind = mark.attrs.get("kind")
        if kind not in ITEM_KINDS:
            raise SourceError(
                f"line {mark.line}: kind={kind!r}; use one of {ITEM_KINDS}"
            )
        if not mark.text:
            raise SourceError(f"line {mark.line}: the item has no text")
        for ref in ("parent", "same"):
            if ref in mark.attrs and mark.attrs[ref] not in seen:
                raise SourceError(
                    f"line {mark.line}: {ref}={mark.attrs[ref]!r} "
                    "names no earlier item id"
                )
        item_id = mark.attrs.get("id")
        if item_id in seen:
            raise SourceError(f"line {mark.line}: id={item_id!r} is used twice")
        if item_id:
            seen.add(item_id)
