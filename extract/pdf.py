"""The only module that imports pdfplumber: a PDF path in, plain page records out.

Each page is read once: words (with font name and size, so a superscript
footnote marker or a bold label is a word of its own) and filled rectangles
(shaded boxes, table cells); then the page is closed, which keeps memory flat.

pdfminer is a parser of untrusted input: besides its own exceptions it lets
TypeError, KeyError, RecursionError, struct.error... escape on damaged files.
Those are the file's fault, so every call into pdfplumber is wrapped and its
failure becomes one of the ExtractError reasons. Nothing is dropped silently:
a page that cannot be read, a page tree that declares more pages than were
found, or text that is mostly undecodable glyphs is an error, and smaller
doubts are ExtractWarnings (collected into the report's "warnings").

It is long because it is the one door to the PDF libraries (issue 17): the
fast page reader and the content-stream tokenizer it drives (both built on
pdfminer's own types), the pdfplumber reference reader they are proven equal
to (tests/test_pagerecords.py), and the checks on damaged files all touch
pdfminer, and splitting them would put those imports in a second module.
"""

from __future__ import annotations

import functools
import logging
import re
import types
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path

import pdfplumber
from pdfminer import settings
from pdfminer.converter import PDFLayoutAnalyzer
from pdfminer.layout import LTChar
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfminer.pdfinterp import (
    PDFContentParser,
    PDFInterpreterError,
    PDFPageInterpreter,
)
from pdfminer.pdftypes import resolve1, stream_value
from pdfminer.psparser import (
    ESC_STRING,
    HEX_PAIR,
    KEYWORD_ARRAY_BEGIN,
    KEYWORD_ARRAY_END,
    KEYWORD_DICT_BEGIN,
    KEYWORD_DICT_END,
    KWD,
    LIT,
    PSKeyword,
    keyword_name,
    literal_name,
)
from pdfplumber.page import (
    ALL_ATTRS,
    Page,
    PDFPageAggregatorWithMarkedContent,
    fix_fontname_bytes,
)
from pdfplumber.utils import resolve_all, resolve_and_decode
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.text import WordExtractor

from .errors import (
    DamagedPdf,
    EncryptedPdf,
    ExtractWarning,
    IncompletePdf,
    NoPages,
    NotAPdf,
    NoTextLayer,
    UndecodableText,
)
from .words import chars_to_words

WORD_KEYS = ("text", "x0", "x1", "top", "bottom", "doctop", "fontname", "size")
RECT_KEYS = ("x0", "x1", "top", "bottom", "fill", "non_stroking_color")
MAX_EXAMPLES = 5
device_log = logging.getLogger("pdfminer.pdfdevice")
interp_log = logging.getLogger("pdfminer.pdfinterp")


def cause_of(exc: BaseException) -> BaseException:
    """The pdfminer exception that pdfplumber wrapped in PdfminerException."""
    if isinstance(exc, PdfminerException) and exc.args:
        inner = exc.args[0]
        if isinstance(inner, BaseException):
            return inner
    return exc


def describe(exc: BaseException) -> str:
    """'KeyError: 12' - the exception type first, since the message is often empty."""
    cause = cause_of(exc)
    text = str(cause).strip()
    return f"{type(cause).__name__}: {text}" if text else type(cause).__name__


def is_undecodable(text: str) -> bool:
    """True for a glyph pdfminer could not map to a character.

    "(cid:53)" for a font without a ToUnicode map, private-use code points,
    U+FFFD and control characters.
    """
    if text.startswith("(cid:"):
        return True
    return any(
        ch == "\ufffd"
        or unicodedata.category(ch) in ("Co", "Cc")
        and ch not in "\t\n\r"
        for ch in text
    )


def is_off_page(word: dict, width: float, height: float, slack: float = 1.0) -> bool:
    """True for a word outside the page box (pdfplumber's malformed-from-issue-932)."""
    return (
        word["x1"] < -slack
        or word["x0"] > width + slack
        or word["bottom"] < -slack
        or word["top"] > height + slack
    )


def list_examples(values: list, limit: int = MAX_EXAMPLES) -> str:
    """'1, 2, 3' or '1, 2, 3, 4, 5 and 7 more'."""
    shown = ", ".join(str(v) for v in values[:limit])
    rest = len(values) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown


def has_annotation_text(page) -> bool:
    """True if an annotation (a comment, a text box) on the page holds text.

    Only a hint for the no-text error, so a broken annotation counts as none.
    Not page.annots, which resolves every reference and recurses without end
    on pdfplumber's federal-register-2020-17221.pdf (/P -> page -> /Parent...).
    """
    try:
        refs = resolve1(page.page_obj.attrs.get("Annots")) or []
        return any(
            isinstance(annot := resolve1(ref), dict) and bool(annot.get("Contents"))
            for ref in refs
        )
    except Exception:
        return False


def small_marks(page, largest: float = 8.0) -> list[tuple]:
    """Bounding boxes of small drawn shapes: bullets printed as graphics, not text."""
    return [
        (o["x0"], o["top"], o["x1"], o["bottom"])
        for o in page.curves + page.rects
        if 1.0 < o["x1"] - o["x0"] <= largest
        and 1.0 < o["bottom"] - o["top"] <= largest
    ]


def table_cells(page, min_edges: int = 8) -> list[dict]:
    """Ruled tables as {"bbox", "rows": [[cell bbox or None, ...], ...]}.

    Only pages with enough ruling edges pay for pdfplumber's table finder.
    """
    if len(page.rects) + len(page.lines) < min_edges:
        return []
    return [
        {"bbox": table.bbox, "rows": [list(row.cells) for row in table.rows]}
        for table in page.find_tables()
        if len(table.rows) > 1 and max(len(row.cells) for row in table.rows) > 1
    ]


SCALAR_SET = frozenset({float, int, str, bool, type(None)})


def is_plain(value) -> bool:
    """True for a value resolve_all would copy unchanged: a scalar, or a tuple
    of scalars (a character's matrix). Checked in C (map, not a generator),
    since it runs for every attribute of every character."""
    kind = type(value)
    return kind in SCALAR_SET or (
        kind is tuple and all(map(SCALAR_SET.__contains__, map(type, value)))
    )


@functools.lru_cache(maxsize=256)
def decoded_name(name):
    """resolve_and_decode of a colour-space name: a pure function of the name,
    asked for once per character, so worth remembering."""
    return resolve_and_decode(name)


def fast_process_object(page, obj) -> dict:
    """pdfplumber's Page.process_object, with a fast path for characters.

    Characters are nine in ten layout objects, and their attributes are plain
    numbers, strings and tuples of numbers, so resolving each through
    `resolve_all` (which looks for PDF object references) is needless. The
    dict built is the very same as pdfplumber 0.11.10's (tests/test_fastchars.py
    compares every character of every corpus page); other objects go the stock way.
    """
    if type(obj) is not LTChar:
        return Page.process_object(page, obj)
    attr = {}
    for key, value in obj.__dict__.items():
        if key in ALL_ATTRS:
            if type(value) in SCALAR_SET or is_plain(value):
                attr[key] = value
            else:
                attr[key] = resolve_all(value)
    attr["object_type"] = "char"
    attr["page_number"] = page.page_number
    if hasattr(obj, "ncs"):
        name = obj.ncs.name
        attr["ncs"] = (
            decoded_name(name) if type(name) is str else resolve_and_decode(name)
        )
    text = obj.get_text()
    norm = page.pdf.unicode_norm
    attr["text"] = unicodedata.normalize(norm, text) if norm is not None else text
    state = obj.graphicstate
    scolor, ncolor = state.scolor, state.ncolor
    attr["stroking_color"] = scolor if isinstance(scolor, tuple) else (scolor,)
    attr["non_stroking_color"] = ncolor if isinstance(ncolor, tuple) else (ncolor,)
    if isinstance(attr["fontname"], bytes):
        return Page.process_object(page, obj)
    mb_x0, mb_top = page.mediabox[:2]
    if "y0" in attr:
        attr["top"] = (page.height - attr["y1"]) + mb_top
        attr["bottom"] = (page.height - attr["y0"]) + mb_top
        attr["doctop"] = page.initial_doctop + attr["top"]
    if "x0" in attr and mb_x0 != 0:
        attr["x0"] = attr["x0"] + mb_x0
        attr["x1"] = attr["x1"] + mb_x0
    return attr


def use_fast_chars(page) -> None:
    """Bind the fast char path to this page only; pdfplumber stays stock."""
    page.process_object = types.MethodType(fast_process_object, page)


WORD_OPTIONS = {
    "keep_blank_chars": False,
    "use_text_flow": False,
    "extra_attrs": ["fontname", "size"],
}
WORDS = WordExtractor(**WORD_OPTIONS)


def plumber_words(page) -> list[dict]:
    """pdfplumber's own words of the page."""
    return page.extract_words(**WORD_OPTIONS)


def grouped_words(page) -> list[dict]:
    """The same words, grouped by extract/words.py (pdfplumber for rotated runs)."""
    return chars_to_words(page.chars, WORDS.extract_words)


def read_page(page, words=plumber_words) -> dict:
    """Every call into pdfplumber for one page, so only these failures are the PDF's."""
    return {
        "width": float(page.width),
        "height": float(page.height),
        "words": words(page),
        "rects": page.rects,
        "marks": small_marks(page),
        "tables": table_cells(page),
        "chars": page.chars,
        "images": page.images,
        "annotation_text": has_annotation_text(page),
    }


# --------------------------------------------------------------------------
# The fast page reader: the same page records, fewer objects on the way.
#
# Today's path (read_page_reference) lets pdfminer build an LTChar per glyph
# and pdfplumber turn each into a dict of some twenty keys, of which words
# read nine. The fast path renders glyphs straight into those nine keys, with
# pdfminer's and pdfplumber's own arithmetic in the same order (so the floats
# are the same), and leaves every other object (rects, lines, curves, images)
# to the stock code. tests/test_pagerecords.py holds the two paths equal.

CHAR_KEYS = (
    "text",
    "x0",
    "x1",
    "top",
    "bottom",
    "doctop",
    "upright",
    "fontname",
    "size",
)


def char_fontname(font) -> str:
    """A font's name as pdfplumber puts it in a char dict."""
    name = font.fontname
    if type(name) is str:
        return name
    name = resolve_all(name)
    return fix_fontname_bytes(name) if isinstance(name, bytes) else name


class CharRecorder(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's own device, except that a glyph becomes a small char dict
    (CHAR_KEYS, in page coordinates, as pdfplumber computes them) appended to
    `chars`, instead of an LTChar in the layout tree. Paths, images and
    figures go into the tree as before."""

    def __init__(self, page) -> None:
        super().__init__(page.pdf.rsrcmgr, pageno=page.page_number, laparams=None)
        self.chars: list[dict] = []
        self.page_height = page.height
        self.mb_x0, self.mb_top = page.mediabox[:2]
        self.initial_doctop = page.initial_doctop
        self.unicode_norm = page.pdf.unicode_norm
        self.glyphs: dict = {}  # font -> {cid: (text, width)}

    def glyph(self, font, cid: int) -> tuple[str, float]:
        """(text, width) of a glyph, as render_char finds them; remembered."""
        known = self.glyphs.setdefault(font, {})
        if cid not in known:
            try:
                text = font.to_unichr(cid)
                assert isinstance(text, str), str(type(text))
            except PDFUnicodeNotDefined:
                text = self.handle_undefined_char(font, cid)
            if self.unicode_norm is not None:
                text = unicodedata.normalize(self.unicode_norm, text)
            known[cid] = (text, font.char_width(cid))
        return known[cid]

    def render_string_horizontal(
        self,
        seq,
        matrix,
        pos,
        font,
        fontsize,
        scaling,
        charspace,
        wordspace,
        rise,
        dxscale,
        ncs,
        graphicstate,
    ):
        """PDFTextDevice.render_string_horizontal with LTChar.__init__ and
        Page.process_object inlined: the same sums in the same order."""
        if type(ncs.name) is not str:
            resolve_and_decode(ncs.name)  # raises where process_object would
        fontname = char_fontname(font)
        a, b, c, d, e, f = matrix
        upright = a * d * scaling > 0 and b * c <= 0
        descent = font.get_descent() * fontsize
        low, high = descent + rise, descent + rise + fontsize
        height, mb_x0, mb_top = self.page_height, self.mb_x0, self.mb_top
        doctop0 = self.initial_doctop
        append, glyph = self.chars.append, self.glyph
        (x, y) = pos
        if b == 0 and c == 0:
            return self.render_unrotated(
                seq, (a, d, e, f), (x, y), font, fontsize, scaling,
                (charspace, wordspace, low, high, dxscale, fontname, upright),
            )  # fmt: skip
        needcharspace = False
        for obj in seq:
            if isinstance(obj, (int, float)):
                x -= obj * dxscale
                needcharspace = True
            elif isinstance(obj, bytes):
                for cid in font.decode(obj):
                    if needcharspace:
                        x += charspace
                    text, textwidth = glyph(font, cid)
                    adv = textwidth * fontsize * scaling
                    # utils.translate_matrix, then utils.apply_matrix_rect of
                    # the glyph box (0, low, adv, high), as LTChar does.
                    te = x * a + y * c + e
                    tf = x * b + y * d + f
                    left1, bottom1 = a * 0 + c * low + te, b * 0 + d * low + tf
                    right1, bottom2 = a * adv + c * low + te, b * adv + d * low + tf
                    right2, top1 = a * adv + c * high + te, b * adv + d * high + tf
                    left2, top2 = a * 0 + c * high + te, b * 0 + d * high + tf
                    x0 = min(left1, left2, right1, right2)
                    y0 = min(bottom1, bottom2, top1, top2)
                    x1 = max(left1, left2, right1, right2)
                    y1 = max(bottom1, bottom2, top1, top2)
                    top = (height - y1) + mb_top
                    if mb_x0 != 0:
                        x0, x1 = x0 + mb_x0, x1 + mb_x0
                    append(
                        {
                            "text": text,
                            "x0": x0,
                            "x1": x1,
                            "top": top,
                            "bottom": (height - y0) + mb_top,
                            "doctop": doctop0 + top,
                            "upright": upright,
                            "fontname": fontname,
                            "size": y1 - y0,
                        }
                    )
                    x += adv
                    if cid == 32 and wordspace:
                        x += wordspace
                    needcharspace = True
            else:
                device_log.warning(
                    "Cannot render horizontal string because "
                    "%r is not a valid int, float or bytes.",
                    obj,
                )
        return (x, y)

    def render_unrotated(self, seq, scale, pos, font, fontsize, scaling, spacing):
        """render_string_horizontal where the text matrix neither rotates nor
        skews (b = c = 0, nearly all text): the terms b and c contribute are
        zeros, so every char of the string has the same top and bottom, and
        its left and right edges are x * a + e and a * adv + that, the very
        sums the general case makes (a zero added changes no float)."""
        a, d, e, f = scale
        charspace, wordspace, low, high, dxscale, fontname, upright = spacing
        (x, y) = pos
        tf = y * d + f
        y0, y1 = sorted((d * low + tf, d * high + tf))
        height, mb_x0, mb_top = self.page_height, self.mb_x0, self.mb_top
        top = (height - y1) + mb_top
        bottom = (height - y0) + mb_top
        doctop = self.initial_doctop + top
        size = y1 - y0
        append, glyph = self.chars.append, self.glyph
        known = self.glyphs.setdefault(font, {})
        needcharspace = False
        for obj in seq:
            if isinstance(obj, (int, float)):
                x -= obj * dxscale
                needcharspace = True
            elif isinstance(obj, bytes):
                for cid in font.decode(obj):
                    if needcharspace:
                        x += charspace
                    text, textwidth = known.get(cid) or glyph(font, cid)
                    adv = textwidth * fontsize * scaling
                    x0 = x * a + e
                    x1 = a * adv + x0
                    if x1 < x0:
                        x0, x1 = x1, x0
                    if mb_x0 != 0:
                        x0, x1 = x0 + mb_x0, x1 + mb_x0
                    append(
                        {
                            "text": text,
                            "x0": x0,
                            "x1": x1,
                            "top": top,
                            "bottom": bottom,
                            "doctop": doctop,
                            "upright": upright,
                            "fontname": fontname,
                            "size": size,
                        }
                    )
                    x += adv
                    if cid == 32 and wordspace:
                        x += wordspace
                    needcharspace = True
            else:
                device_log.warning(
                    "Cannot render horizontal string because "
                    "%r is not a valid int, float or bytes.",
                    obj,
                )
        return (x, y)

    def render_char(self, *args) -> float:
        """Vertical text (rare): pdfminer's LTChar, then pdfplumber's dict of it."""
        adv = PDFLayoutAnalyzer.render_char(self, *args)
        item = self.cur_item._objs.pop()
        self.chars.append(self.char_of(item))
        return adv

    def char_of(self, item: LTChar) -> dict:
        """Page.process_object's char dict, cut to CHAR_KEYS."""
        if hasattr(item, "ncs") and type(item.ncs.name) is not str:
            resolve_and_decode(item.ncs.name)
        text = item.get_text()
        if self.unicode_norm is not None:
            text = unicodedata.normalize(self.unicode_norm, text)
        fontname = resolve_all(item.fontname)
        if isinstance(fontname, bytes):
            fontname = fix_fontname_bytes(fontname)
        x0, x1 = item.x0, item.x1
        if self.mb_x0 != 0:
            x0, x1 = x0 + self.mb_x0, x1 + self.mb_x0
        top = (self.page_height - item.y1) + self.mb_top
        return {
            "text": text,
            "x0": x0,
            "x1": x1,
            "top": top,
            "bottom": (self.page_height - item.y0) + self.mb_top,
            "doctop": self.initial_doctop + top,
            "upright": item.upright,
            "fontname": fontname,
            "size": item.size,
        }


# pdfminer's content-stream tokenizer reads a byte at a time through a state
# machine; on a long report it is most of the time left. FastInterpreter
# tokenizes each content stream with one regular expression into the very
# objects PSStackParser.nextobject would give (numbers, strings, names,
# keywords, arrays, dicts) and dispatches operators as execute() does. What
# it does not reproduce with certainty (inline images, names with # escapes,
# a backslash before a carriage return, procedures, an unbalanced bracket, a
# token cut by the end of a stream) raises UnsureToken, and the page is read
# the reference way.

WHITE = rb"\t\n\x0b\x0c\r "
DELIMS = rb"#/%\[\]()<>{}" + WHITE
CONTENT_TOKEN = re.compile(
    rb"[" + WHITE + rb"\x00]*"  # skipped before each token, as _parse_main does
    rb"(?:(%[^\r\n]*)"  # 1 comment
    rb"|/([^" + DELIMS + rb"]*)(#?)"  # 2 name, 3 a '#' escape follows
    rb"|([-+0-9][0-9]*(?:\.[0-9]*)?|\.[0-9]*)"  # 4 number
    rb"|([A-Za-z][^" + DELIMS + rb"]*)"  # 5 keyword
    rb"|\(([^()\\]*)\)"  # 6 a literal string without escapes or parentheses
    rb"|(\()"  # 7 any other literal string
    rb"|(<<|>>)"  # 8 dict brackets
    rb"|<([" + WHITE + rb"0-9A-Fa-f]*)(>?)"  # 9 hex string, 10 its end
    rb"|(.))?",  # 11 a one-character keyword; nothing at the end of the stream
    re.S,
)
STRING_STOP = re.compile(rb"[()\\]")
OCTAL = re.compile(rb"[0-7]{1,3}")
WHITESPACE = re.compile(rb"[" + WHITE + rb"]")
BUFSIZ = PDFContentParser.BUFSIZ
UNSURE_KEYWORDS = frozenset(KWD(k) for k in (b"BI", b"ID", b"EI", b"{", b"}"))


class UnsureToken(Exception):
    """The fast tokenizer met what only pdfminer's own parser reads exactly."""


def literal_string(data: bytes, start: int) -> tuple[bytes, int]:
    """The string whose '(' is before `start`, and the offset after its ')',
    as PSBaseParser._parse_string and _parse_string_1 read it."""
    parts, depth, i = [], 1, start
    while True:
        stop = STRING_STOP.search(data, i)
        if stop is None:
            raise UnsureToken("a string runs past the end of its stream")
        j = stop.start()
        parts.append(data[i:j])
        char = data[j]
        if char == 0x5C:  # backslash
            # pdfminer reads 4096-byte buffers and loses an escape cut by one.
            if j % BUFSIZ == BUFSIZ - 1:
                raise UnsureToken("an escape cut by pdfminer's buffer")
            octal = OCTAL.match(data, j + 1)
            if octal:
                code = int(octal.group(), 8)
                if code > 255 or octal.end() == len(data):
                    raise UnsureToken("octal escape out of range or at the end")
                if (j + 1) // BUFSIZ != (octal.end() - 1) // BUFSIZ:
                    raise UnsureToken("an octal escape cut by pdfminer's buffer")
                parts.append(bytes((code,)))
                i = octal.end()
                continue
            escaped = data[j + 1 : j + 2]
            if escaped in ESC_STRING:
                parts.append(bytes((ESC_STRING[escaped],)))
            elif escaped in (b"\r", b""):
                raise UnsureToken("backslash before CR or the end")
            i = j + 2  # any other escaped character is dropped, as pdfminer does
        elif char == 0x28:  # (
            depth += 1
            parts.append(b"(")
            i = j + 1
        else:  # )
            depth -= 1
            if not depth:
                return b"".join(parts), j + 1
            parts.append(b")")
            i = j + 1


def hex_string(body: bytes) -> bytes:
    """PSBaseParser._parse_hexstring's value of the digits between < and >."""
    digits = WHITESPACE.sub(b"", body)
    if len(digits) % 2 == 0:
        return bytes.fromhex(digits.decode("ascii"))
    return HEX_PAIR.sub(lambda m: bytes((int(m.group(0), 16),)), digits)


def stream_tokens(data: bytes, tokens: list) -> None:
    """Append the tokens of one content stream, as PSBaseParser.nexttoken
    gives them (values only; positions are not used by the interpreter).
    The commonest tokens (numbers, hex strings, keywords) are tested first."""
    match, append, end = CONTENT_TOKEN.match, tokens.append, len(data)
    fromhex = bytes.fromhex
    pos = 0
    while pos < end:
        m = match(data, pos)
        pos = m.end()
        kind = m.lastindex
        if kind == 4:
            text = m.group(4)
            try:
                append(float(text) if b"." in text else int(text))
            except ValueError:
                pass  # pdfminer drops a lone sign or point the same way
        elif kind == 10:  # a hex string: (>?) is its last group
            if not m.group(10) or data[pos : pos + 1] == b">" or pos == end:
                raise UnsureToken("a hex string not closed by a lone >")
            body = m.group(9)
            try:  # whitespace only between pairs: the digits' bytes
                append(fromhex(body.decode("ascii")))
            except ValueError:
                append(hex_string(body))
        elif kind == 5:
            word = m.group(5)
            append(
                True if word == b"true" else False if word == b"false" else KWD(word)
            )
        elif kind is None or kind == 1:
            continue
        elif kind == 6:
            append(m.group(6))
        elif kind == 3:  # a name: (#?) is its last group
            if m.group(3) or (pos == end and not m.group(2)):
                raise UnsureToken("a name with a # escape, or a bare /")
            raw = m.group(2)
            try:
                name = str(raw, "utf-8")
            except UnicodeDecodeError:
                raise UnsureToken("a name that is not UTF-8") from None
            append(LIT(name))
        elif kind == 7:
            value, pos = literal_string(data, pos)
            append(value)
        elif kind == 8:
            append(KEYWORD_DICT_BEGIN if m.group(8) == b"<<" else KEYWORD_DICT_END)
        else:
            char = m.group(11)
            if char == b">":
                raise UnsureToken("a lone >")
            append(KWD(char))


def tokens_to_objects(tokens: list) -> list:
    """PSStackParser.nextobject's top-level objects: arrays and dicts built."""
    objects: list = []
    stack: list[tuple[PSKeyword, list]] = []
    current = objects
    for token in tokens:
        if token is KEYWORD_ARRAY_BEGIN or token is KEYWORD_DICT_BEGIN:
            stack.append((token, current))
            current = []
        elif token is KEYWORD_ARRAY_END or token is KEYWORD_DICT_END:
            if not stack:
                raise UnsureToken("a closing bracket without an opening one")
            opener, outer = stack.pop()
            if token is KEYWORD_ARRAY_END:
                if opener is not KEYWORD_ARRAY_BEGIN:
                    raise UnsureToken("mismatched brackets")
                outer.append(current)
            else:
                if opener is not KEYWORD_DICT_BEGIN or len(current) % 2:
                    raise UnsureToken("mismatched or odd dictionary")
                outer.append(
                    {
                        literal_name(k): v
                        for k, v in zip(current[::2], current[1::2], strict=True)
                    }
                )
            current = outer
        elif token in UNSURE_KEYWORDS:
            raise UnsureToken(f"{token!r} (inline image or procedure)")
        else:
            current.append(token)
    if stack:
        raise UnsureToken("an array or dict left open")
    return objects


class FastInterpreter(PDFPageInterpreter):
    """PDFPageInterpreter whose execute() reads the streams with stream_tokens."""

    def execute(self, streams) -> None:
        valid_streams = []
        self.stream_ids.clear()
        for obj in streams:  # as PDFPageInterpreter.execute, warnings included
            stream = stream_value(obj)
            if stream.objid is None:
                interp_log.warning(
                    "Execute called on non-indirect object (inline image?) %r", stream
                )
                continue
            if stream.objid in self.parent_stream_ids:
                interp_log.warning(
                    "Refusing to execute circular reference to content stream %d",
                    stream.objid,
                )
            else:
                valid_streams.append(stream)
                self.stream_ids.add(stream.objid)
        tokens: list = []
        for stream in valid_streams:
            stream_tokens(stream.get_data(), tokens)
        operators = self.operators()
        push, pop = self.argstack.append, self.pop
        for obj in tokens_to_objects(tokens):
            if isinstance(obj, PSKeyword):
                func, nargs = operators.get(obj) or self.operator(obj)
                if func is None:
                    continue
                if nargs:
                    args = pop(nargs)
                    if len(args) == nargs:
                        func(*args)
                else:
                    func()
                push = self.argstack.append  # pop() rebinds argstack
            else:
                push(obj)

    def operators(self) -> dict:
        if not hasattr(self, "_operators"):
            self._operators = {}
        return self._operators

    def operator(self, keyword) -> tuple:
        """(bound do_ method or None, its argument count), as execute finds it."""
        name = keyword_name(keyword)
        method = "do_{}".format(
            name.replace("*", "_a").replace('"', "_w").replace("'", "_q")
        )
        func = getattr(self, method, None)
        if func is None and settings.STRICT:
            raise PDFInterpreterError(f"Unknown operator: {name!r}")
        entry = (func, func.__code__.co_argcount - 1) if func else (None, 0)
        self._operators[keyword] = entry
        return entry


def layout_to_objects(page, layout) -> dict[str, list[dict]]:
    """Page.parse_objects of a layout tree: stock dicts by object type."""
    objects: dict[str, list[dict]] = {}
    for obj in page.iter_layout_objects(layout._objs):
        objects.setdefault(obj["object_type"], []).append(obj)
    return objects


def load_objects_fast(page) -> None:
    """Interpret the page with CharRecorder and give pdfplumber's Page the
    result as its objects: chars as CHAR_KEYS dicts, the rest stock."""
    device = CharRecorder(page)
    interpreter = FastInterpreter(page.pdf.rsrcmgr, device)
    interpreter.process_page(page.page_obj)
    layout = device.get_result()
    objects = layout_to_objects(page, layout)
    objects["char"] = device.chars
    page._layout = layout
    page._objects = objects


def read_page_reference(page) -> dict:
    """Today's path, kept to prove the fast one: stock objects, fast char dicts."""
    use_fast_chars(page)
    return read_page(page)


def read_page_fast(page) -> dict:
    """read_page() of objects loaded by CharRecorder: the same objects dict for
    what the records and checks read, at a fraction of the cost.

    Any failure on the way (a damaged stream, or a font the fast path did not
    foresee) is answered by the reference path on a fresh page state, so a
    page fails, or is recovered, exactly as it is there.
    """
    try:
        load_objects_fast(page)
        return read_page(page, words=grouped_words)
    except MemoryError:
        raise
    except Exception:
        page.close()
        return read_page_reference(page)


def objects_to_record(objects: dict, page_number: int) -> dict:
    """read_page()'s objects -> {"page_number", "width", "height", "words", "rects"}."""
    return {
        "page_number": page_number,
        "width": objects["width"],
        "height": objects["height"],
        "words": [
            {k: w[k] for k in WORD_KEYS} | {"upright": w.get("upright", True)}
            for w in objects["words"]
        ],
        "rects": [{k: r.get(k) for k in RECT_KEYS} for r in objects["rects"]],
        "marks": objects["marks"],
        "tables": objects["tables"],
    }


def objects_to_stats(objects: dict, page_number: int) -> dict:
    """What the no-silent-loss checks need from a page: glyph counts and hints.

    Each distinct glyph is judged once (a page has thousands of characters but
    a hundred distinct ones)."""
    counts = Counter(map(itemgetter("text"), objects["chars"]))
    glyphs = {text: n for text, n in counts.items() if not text.isspace()}
    undecodable = sorted(text for text in glyphs if is_undecodable(text))
    return {
        "page_number": page_number,
        "glyphs": sum(glyphs.values()),
        "undecodable": sum(glyphs[text] for text in undecodable),
        "undecodable_examples": undecodable[:MAX_EXAMPLES],
        "images": len(objects["images"]),
        "annotation_text": objects["annotation_text"],
        "words_off_page": sum(
            1
            for w in objects["words"]
            if is_off_page(w, objects["width"], objects["height"])
        ),
    }


def open_pdf(fh):
    """pdfplumber.open on an open binary file, with the failure mapped to a reason.

    pdfminer tries the empty password itself, so an owner-password-only file opens.
    """
    try:
        return pdfplumber.open(fh)
    except MemoryError:
        raise
    except Exception as exc:
        cause = cause_of(exc)
        if isinstance(cause, PDFPasswordIncorrect):
            raise EncryptedPdf("the empty password does not open it") from exc
        if isinstance(cause, PDFEncryptionError):
            raise EncryptedPdf(f"unsupported encryption ({describe(exc)})") from exc
        raise DamagedPdf(f"cannot open it ({describe(exc)})") from exc


def list_pages(pdf) -> list:
    """pdf.pages, with a failure to walk the page tree mapped to DamagedPdf."""
    try:
        return list(pdf.pages)
    except MemoryError:
        raise
    except Exception as exc:
        raise DamagedPdf(f"cannot list its pages ({describe(exc)})") from exc


def count_objects(doc) -> int | None:
    """How many distinct objects the cross-reference tables list, or None."""
    try:
        return len({objid for xref in doc.xrefs for objid in xref.get_objids()})
    except Exception:
        return None


def declared_page_count(doc) -> int | None:
    """The page tree root's /Count, or None when it is not a number.

    Raises DamagedPdf when the catalog has no page tree at all.
    """
    try:
        tree = resolve1(doc.catalog.get("Pages"))
        count = resolve1(tree.get("Count")) if isinstance(tree, dict) else None
    except MemoryError:
        raise
    except Exception as exc:
        raise DamagedPdf(f"cannot read the page tree ({describe(exc)})") from exc
    if not isinstance(tree, dict):
        raise DamagedPdf("the catalog has no page tree (/Root /Pages)")
    if isinstance(count, int) and not isinstance(count, bool):
        return count
    return None


def check_page_count(pages_found: int, declared: int | None, objects: int | None):
    """Raise when fewer pages were found than the page tree declares.

    A /Count larger than the number of objects in the file cannot be true (each
    page is an object), so it is a warning, not lost pages: pdf.js's
    poppler-67295-0.pdf declares 9999999999 pages and has one.
    """
    if declared is None or pages_found >= declared:
        if pages_found == 0:
            raise NoPages("the page tree is empty")
        return
    if objects is not None and declared > objects:
        warnings.warn(
            f"the page tree declares {declared} pages, more than the {objects} "
            f"objects in the file; read the {pages_found} found",
            ExtractWarning,
            stacklevel=2,
        )
        if pages_found == 0:
            raise NoPages("the page tree is empty")
        return
    if pages_found == 0:
        raise DamagedPdf(f"the page tree declares {declared} pages but has none")
    raise IncompletePdf(
        f"found {pages_found} of the {declared} pages the page tree declares"
    )


def check_failed_pages(failures: list[tuple[int, str]], page_count: int):
    """Raise DamagedPdf if no page could be read, IncompletePdf if some could not."""
    if not failures:
        return
    named = list_examples([f"page {n} ({why})" for n, why in failures])
    if len(failures) == page_count:
        raise DamagedPdf(f"no page could be read: {named}")
    raise IncompletePdf(f"{len(failures)} of {page_count} pages unreadable: {named}")


def check_text(stats: list[dict], max_undecodable_share: float = 0.5):
    """Raise when the pages hold no characters or mostly undecodable ones.

    `stats` is one objects_to_stats() per page read. Pages
    that are undecodable, or images without text, in an otherwise good file
    are warnings.
    """
    glyphs = sum(s["glyphs"] for s in stats)
    if glyphs == 0:
        if any(s["annotation_text"] for s in stats):
            raise NoTextLayer("its only text is in annotations (comments)")
        raise NoTextLayer(f"no characters on any of its {len(stats)} pages")
    undecodable = sum(s["undecodable"] for s in stats)
    examples = sorted({e for s in stats for e in s["undecodable_examples"]})
    if undecodable > max_undecodable_share * glyphs:
        raise UndecodableText(
            f"{undecodable} of {glyphs} glyphs unmapped, e.g. {list_examples(examples)}"
        )
    garbled = [
        s["page_number"]
        for s in stats
        if s["glyphs"] and s["undecodable"] > max_undecodable_share * s["glyphs"]
    ]
    if garbled:
        warnings.warn(
            f"text not decodable on page {list_examples(garbled)}",
            ExtractWarning,
            stacklevel=2,
        )
    off_page = [s["page_number"] for s in stats if s["words_off_page"]]
    if off_page:
        warnings.warn(
            f"words outside the page box on page {list_examples(off_page)}",
            ExtractWarning,
            stacklevel=2,
        )
    scanned = [s["page_number"] for s in stats if not s["glyphs"] and s["images"]]
    if scanned:
        warnings.warn(
            f"images but no text (scanned?) on page {list_examples(scanned)}",
            ExtractWarning,
            stacklevel=2,
        )


class _LogToWarnings(logging.Handler):
    """Turns pdfminer's logged complaints into ExtractWarnings, once each."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.seen: set[str] = set()

    def emit(self, record):
        message = record.getMessage()
        if message not in self.seen and len(self.seen) < MAX_EXAMPLES:
            self.seen.add(message)
            warnings.warn(f"pdfminer: {message}", ExtractWarning, stacklevel=2)


@contextmanager
def pdfminer_log_as_warnings():
    """While reading, pdfminer's log ("Data-loss while decompressing...") goes to
    warnings instead of stderr, where it would break the CLI's one-line error."""
    logger = logging.getLogger("pdfminer")
    handler = _LogToWarnings()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def sniff(path: Path):
    """Raise NotAPdf unless the file has a %PDF header in its first kilobyte."""
    with path.open("rb") as fh:
        head = fh.read(1024)
    if not head:
        raise NotAPdf("the file is empty (0 bytes)")
    if b"%PDF" not in head:
        raise NotAPdf(f"starts with {head[:8]!r}")


def iter_pages(path: str | Path, read=read_page_fast) -> Iterator[dict]:
    """Yield one record per page of the PDF at `path`, in order.

    `read` reads one pdfplumber page into read_page()'s objects:
    read_page_fast (the default) or read_page_reference (today's path).

    Raises NotAPdf, EncryptedPdf, DamagedPdf, NoPages, IncompletePdf before the
    first page; DamagedPdf, IncompletePdf, NoTextLayer or UndecodableText after
    the last one, so read to the end. Warns ExtractWarning for doubtful pages.
    """
    path = Path(path)
    sniff(path)
    # Not `with pdf:`: PDF.close() walks the page tree again and would raise
    # on the files that list_pages() just reported; the stream is ours to close.
    with path.open("rb") as fh, pdfminer_log_as_warnings():
        pdf = open_pdf(fh)
        pages = list_pages(pdf)
        declared = declared_page_count(pdf.doc)
        check_page_count(len(pages), declared, count_objects(pdf.doc))
        failures, stats = [], []
        for page_number, page in enumerate(pages, start=1):
            try:
                objects = read(page)
            except MemoryError:
                raise
            except Exception as exc:
                failures.append((page_number, describe(exc)))
                continue
            finally:
                page.close()
            stats.append(objects_to_stats(objects, page_number))
            yield objects_to_record(objects, page_number)
        check_failed_pages(failures, len(pages))
        check_text(stats)
