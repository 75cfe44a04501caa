"""Running text dropped: headers, footers and page numbers printed in the
margins of many pages, and footnotes at the foot of a page."""

from __future__ import annotations

import re

from .lines import body_font_size
from .text import FOOTNOTE_MARK, PAGE_NUMBER


def margin_key(line: dict) -> str:
    """The line's text with digits blanked, to spot a header that numbers pages."""
    return re.sub(r"\d+", "#", line["text"].lower()).strip()


def is_in_margin(line: dict, share: float = 0.1) -> bool:
    """True for a line in the top or bottom `share` of its page."""
    height = line["page_height"]
    return line["bottom"] < height * share or line["top"] > height * (1 - share)


def margin_position(line: dict) -> float:
    """Where a margin line stands: its distance from the top of the page for a
    header, from the bottom for a footer (pages of another height keep it)."""
    if line["top"] < line["page_height"] / 2:
        return line["top"]
    return line["page_height"] - line["bottom"]


def drop_running_text(
    lines: list[dict], page_count: int, share: float = 0.12, slack: float = 2.5
) -> list[dict]:
    """Lines without running headers, footers and page numbers.

    A line in the top or bottom `share` of its page is running text when its
    digit-blanked text is printed at the same place (within `slack` points)
    in the margins of at least two pages and a quarter of them, or when it is
    a bare page number. Running text is set by the page template, so it keeps
    its place; a section heading that happens to open several pages
    ("Areas for improvement") stands wherever the text before it ended.
    """
    places: dict[str, list[tuple[int, float]]] = {}
    for line in lines:
        if is_in_margin(line, share) and line.get("table") is None:
            places.setdefault(margin_key(line), []).append(
                (line["page"], margin_position(line))
            )
    threshold = max(2, page_count // 4)

    def is_running(line: dict) -> bool:
        where = margin_position(line)
        pages = {
            page
            for page, at in places.get(margin_key(line), ())
            if abs(at - where) <= slack
        }
        return len(pages) >= threshold or bool(PAGE_NUMBER.match(line["text"].strip()))

    outside = outside_the_text(lines)
    return [
        line
        for line in lines
        if not (
            is_in_margin(line, share)
            and line.get("table") is None  # a table's header row repeated on each page
            and (is_running(line) or id(line) in outside)
        )
    ]


def outside_the_text(lines: list[dict], slack: float = 6.0) -> set[int]:
    """The ids of small-type lines printed above where the text starts, or
    below where it ends, on every other page: a header or footer that a
    document of few pages prints once ("different first page").

    The page template sets where body text may stand; a line smaller than
    the body type that stands outside that area on one page is the template's
    too, though nothing repeats it."""
    body = body_font_size(lines) - 0.5
    spans: dict[int, tuple[float, float]] = {}
    for line in lines:
        if line["size"] >= body and line.get("table") is None:
            top, bottom = spans.get(line["page"], (line["top"], line["bottom"]))
            spans[line["page"]] = (min(top, line["top"]), max(bottom, line["bottom"]))
    if len(spans) < 2:
        return set()
    # where the text starts and ends on the pages other than each one
    area = {
        page: (
            min(top for other, (top, _) in spans.items() if other != page),
            max(bottom for other, (_, bottom) in spans.items() if other != page),
        )
        for page in {line["page"] for line in lines}
    }
    return {
        id(line)
        for line in lines
        if line["size"] < body
        and (
            line["bottom"] < area[line["page"]][0] - slack
            or line["top"] > area[line["page"]][1] + slack
        )
    }


def drop_footnotes(lines: list[dict], body_size: float) -> list[dict]:
    """Lines without footnotes: from a small-type line at the foot of a page that
    starts with a footnote number, to the end of that page."""
    result, skipping_page = [], None
    for line in lines:
        if line["page"] == skipping_page and line["size"] < body_size - 0.5:
            continue
        skipping_page = None
        first = line["words"][0]["text"] if line["words"] else ""
        if (
            line["size"] < body_size - 0.9
            and line["top"] > line["page_height"] * 0.55
            and line.get("table") is None
            and (FOOTNOTE_MARK.match(first) or line["lead_marker"])
        ):
            skipping_page = line["page"]
            continue
        result.append(line)
    return result
