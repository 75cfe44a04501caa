"""Build the corpus: `corpus/src/<stem>.hmic` -> `corpus/<stem>.pdf` + golden JSON.

    python -m corpus.build [--golden-only] [STEM ...]

Each source (format: corpus/FORMAT.md) is parsed once into a `Source`: the front
matter, the layout `blocks` the producers render, and the `marks` (items) the
golden file is written from. The golden text comes from the source; only the
page of each item is read back from the built PDF, by finding its first words.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CORPUS_DIR = Path(__file__).resolve().parent
SRC_DIR = CORPUS_DIR / "src"
GOLDEN_DIR = CORPUS_DIR.parent / "tests" / "golden"
MANIFEST = CORPUS_DIR / "manifest.tsv"
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


class ItemNotFound(RuntimeError):
    """An item's first words could not be found in the built PDF."""


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


# --------------------------------------------------------------------------
# The golden file


def normalise_token(token: str) -> str:
    return re.sub(r"[\W_]+", "", token).lower()


def page_texts_to_tokens(page_texts: list[str]) -> list[tuple[str, int]]:
    """Page texts -> [(token, page_number)], line-end hyphens joined.

    Tokens are lower-case letters and digits only, so 'ex-' + 'partners'
    and 'ex-partners' both become 'expartners', and bullet glyphs vanish.
    """
    tokens = []
    for page_number, text in enumerate(page_texts, start=1):
        # Chromium prints a soft hyphen it breaks at as U+00AD then U+2010.
        text = re.sub(r"[-\u00ad\u2010]+\s*\n\s*", "-", text)
        for raw in text.split():
            token = normalise_token(raw)
            if token:
                tokens.append((token, page_number))
    return tokens


def find_probe(
    tokens: list[tuple[str, int]], probe: str, start: int, max_gap: int = 14
):
    """Index in tokens where the probe's words start (at or after start), or None.

    First an exact run of tokens; then the words in order with at most
    `max_gap` other tokens between them (table cells interleave lines).
    """
    words = [w for w in (normalise_token(t) for t in probe.split()) if w]
    if not words:
        return None
    texts = [t for t, _ in tokens]
    for index in range(start, len(texts) - len(words) + 1):
        if texts[index : index + len(words)] == words:
            return index
    for index in range(start, len(texts)):
        if texts[index] != words[0]:
            continue
        position, ok = index, True
        for word in words[1:]:
            window = texts[position + 1 : position + 2 + max_gap]
            if word not in window:
                ok = False
                break
            position += 1 + window.index(word)
        if ok:
            return index
    return None


def marks_to_items(marks, tokens, name: str) -> list[dict]:
    """Marks (source order) + PDF tokens -> contract §1 items, `same` ones dropped."""
    items: list[dict] = []
    index_of: dict[str, int] = {}
    cursor = 0
    for mark in marks:
        attrs = mark.attrs
        if "same" in attrs:
            if "id" in attrs:
                index_of[attrs["id"]] = index_of[attrs["same"]]
            continue
        found = find_probe(tokens, mark.probe, cursor)
        if found is None:
            found = find_probe(tokens, mark.probe, 0)
        if found is None:
            raise ItemNotFound(
                f"{name}: line {mark.line}: the item's first words "
                f"{mark.probe!r} are not in the PDF text"
            )
        cursor = found + 1
        if "id" in attrs:
            index_of[attrs["id"]] = len(items)
        parent = attrs.get("parent")
        items.append(
            {
                "kind": attrs["kind"],
                "number": attrs.get("number"),
                "text": mark.text,
                "page": tokens[found][1],
                "source_report": attrs.get("source_report"),
                "status": attrs.get("status"),
                "parent": index_of[parent] if parent else None,
            }
        )
    return items


def meta_to_report(meta: dict) -> dict:
    published = meta.get("published")
    return {
        "title": meta["title"],
        "published": str(published) if published else None,
        "inspectorates": list(meta.get("inspectorates") or []),
        "force": meta.get("force"),
        "kind": meta.get("kind", "inspection"),
    }


def golden_document(
    source: Source, page_texts: list[str], sha256: str, pdf_name: str | None = None
) -> dict:
    """Source + the built PDF's page texts and hash -> the golden document.

    `pdf_name` is the PDF's path from the repository root (default
    corpus/<stem>.pdf; a layout variant's is under tests/variants/)."""
    tokens = page_texts_to_tokens(page_texts)
    return {
        "source": {
            "path": pdf_name or f"corpus/{source.stem}.pdf",
            "sha256": sha256,
            "pages": len(page_texts),
        },
        "report": meta_to_report(source.meta),
        "items": marks_to_items(source.marks, tokens, f"corpus/src/{source.stem}.hmic"),
    }


def dump_golden(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def pdf_to_page_texts(pdf_path: Path) -> list[str]:
    """PDF -> one text per page (poppler's pdftotext, reading order)."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    pages = result.stdout.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return pages


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------
# Building


def render(source: Source, pdf_path: Path) -> None:
    """Render the source with its producer to pdf_path."""
    producer = source.meta.get("producer")
    if producer == "reportlab":
        from corpus.render_reportlab import render_pdf
    elif producer == "docx":
        from corpus.render_docx import render_pdf
    elif producer == "html":
        from corpus.render_html import render_pdf
    else:
        raise SourceError(
            f"{source.stem}: producer={producer!r}; use one of {PRODUCERS}"
        )
    render_pdf(source, pdf_path)


FILLER_RE = re.compile(r"^(\s*\[filler )(\d+)\]", re.MULTILINE)


def read_source(path: Path, max_filler: int | None = None) -> Source:
    """corpus/src/<stem>.hmic -> Source; `max_filler` caps each [filler N]
    (layout variants print less narrative, so the tests read fewer pages)."""
    text = path.read_text(encoding="utf-8")
    if max_filler is not None:
        text = FILLER_RE.sub(lambda m: f"{m[1]}{min(int(m[2]), max_filler)}]", text)
    source = parse_source(text, f"corpus/src/{path.name}")
    if source.stem != path.stem:
        raise SourceError(f"{path}: stem {source.stem!r} differs from the file name")
    return source


def build_one(path: Path, golden_only: bool) -> dict:
    """One source file -> PDF (unless golden_only) + golden; returns a manifest row."""
    source = read_source(path)
    pdf_path = CORPUS_DIR / f"{source.stem}.pdf"
    if not golden_only:
        render(source, pdf_path)
    if not pdf_path.exists():
        raise FileNotFoundError(f"{pdf_path}: not built yet; run without --golden-only")
    page_texts = pdf_to_page_texts(pdf_path)
    document = golden_document(source, page_texts, sha256_of(pdf_path))
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    (GOLDEN_DIR / f"{source.stem}.json").write_text(dump_golden(document), "utf-8")
    return {
        "file": f"corpus/{source.stem}.pdf",
        "producer": source.meta["producer"],
        "pages": str(len(page_texts)),
        "sha256": document["source"]["sha256"],
        "source": f"corpus/src/{path.name}",
        "published": str(source.meta.get("published") or ""),
    }


def build_variant(path: Path, layout, golden_only: bool) -> None:
    """One source in one layout variant -> tests/variants/<stem>--<name>.pdf and
    its golden, from the same marks (corpus/render_variants.py)."""
    from corpus.render_variants import (
        VARIANT_GOLDEN_DIR,
        VARIANT_MAX_FILLER,
        VARIANT_PDF_DIR,
        render_variant,
        variant_name,
    )

    source = read_source(path, max_filler=VARIANT_MAX_FILLER)
    name = variant_name(source.stem, layout)
    pdf_path = VARIANT_PDF_DIR / f"{name}.pdf"
    if not golden_only:
        VARIANT_PDF_DIR.mkdir(parents=True, exist_ok=True)
        render_variant(source, layout, pdf_path)
    if not pdf_path.exists():
        raise FileNotFoundError(f"{pdf_path}: not built yet; run without --golden-only")
    document = golden_document(
        source,
        pdf_to_page_texts(pdf_path),
        sha256_of(pdf_path),
        str(pdf_path.relative_to(CORPUS_DIR.parent)),
    )
    VARIANT_GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    (VARIANT_GOLDEN_DIR / f"{name}.json").write_text(dump_golden(document), "utf-8")


def write_manifest(rows: list[dict]) -> None:
    """Merge rows into corpus/manifest.tsv (one row per file, sorted)."""
    # `published` is the date the inspectorate's web page gives; covers often
    # print only the month, and ingest falls back on this column.
    columns = ("file", "producer", "pages", "sha256", "source", "published")
    existing = {}
    if MANIFEST.exists():
        lines = MANIFEST.read_text("utf-8").splitlines()
        for line in lines[1:]:
            values = line.split("\t")
            if len(values) == len(columns):
                existing[values[0]] = dict(zip(columns, values, strict=True))
    for row in rows:
        existing[row["file"]] = row
    live = {f"corpus/{p.stem}.pdf" for p in SRC_DIR.glob("*.hmic")}
    body = [
        "\t".join(existing[f][c] for c in columns)
        for f in sorted(existing)
        if f in live
    ]
    MANIFEST.write_text("\n".join(["\t".join(columns), *body]) + "\n", "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m corpus.build", description=__doc__)
    parser.add_argument(
        "--golden-only",
        action="store_true",
        help="rewrite goldens from sources + committed PDFs",
    )
    parser.add_argument(
        "--no-variants", action="store_true", help="skip the layout variants"
    )
    parser.add_argument(
        "--variants-only", action="store_true", help="build only the layout variants"
    )
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME",
        help="only this layout variant (repeatable; see corpus/render_variants.py)",
    )
    parser.add_argument("stems", nargs="*", metavar="STEM")
    args = parser.parse_args(argv)
    paths = sorted(SRC_DIR.glob("*.hmic"))
    if args.stems:
        paths = [p for p in paths if p.stem in set(args.stems)]
        missing = set(args.stems) - {p.stem for p in paths}
        if missing:
            parser.error(
                f"no source corpus/src/<stem>.hmic for: {', '.join(sorted(missing))}"
            )
    rows, failures = [], 0
    errors = (
        SourceError,
        ItemNotFound,
        FileNotFoundError,
        subprocess.CalledProcessError,
    )
    for path in paths if not args.variants_only else ():
        try:
            rows.append(build_one(path, args.golden_only))
            print(f"built {path.stem}", file=sys.stderr)
        except errors as error:
            failures += 1
            print(f"error: {error}", file=sys.stderr)
    if not args.variants_only:
        write_manifest(rows)
    if not args.no_variants:
        failures += build_variants(paths, args.variant, args.golden_only, errors)
    return 1 if failures else 0


def build_variants(paths: list[Path], names: list[str], golden_only, errors) -> int:
    """Every source in every layout variant (or those named); returns failures."""
    from corpus.render_variants import VARIANTS

    layouts = [v for v in VARIANTS if not names or v.name in names]
    unknown = set(names) - {v.name for v in VARIANTS}
    if unknown:
        raise SystemExit(f"no layout variant {', '.join(sorted(unknown))}")
    failures = 0
    for layout in layouts:
        for path in paths:
            try:
                build_variant(path, layout, golden_only)
                print(f"built {path.stem}--{layout.name}", file=sys.stderr)
            except errors as error:
                failures += 1
                print(f"error: {layout.name}: {error}", file=sys.stderr)
    return failures


if __name__ == "__main__":
    sys.exit(main())
