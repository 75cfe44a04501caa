"""Two-column pages: the gutter between the columns, and lines in reading
order (each band between full-width lines, left column first)."""

from __future__ import annotations

import itertools
import statistics

from .lines import tag_lines, words_to_lines


def running_words(
    words: list[dict], height: float | None, share: float = 0.08
) -> set[int]:
    """The ids of words printed smaller than the page's text in its top and
    bottom `share`: running headers and footers, which span both columns
    whatever gaps they have. None known without the page's `height`."""
    if height is None or not words:
        return set()
    top, bottom = height * share, height * (1 - share)
    body_size = statistics.median(w["size"] for w in words)
    return {
        id(w)
        for w in words
        if (w["top"] < top or w["bottom"] > bottom) and w["size"] < body_size - 0.5
    }


def find_gutter(
    words: list[dict],
    width: float,
    min_gap: float = 6.0,
    height: float | None = None,
    running_share: float = 0.08,
) -> float | None:
    """The x of a vertical gap between two text columns, or None for one column.

    A gutter is a run of at least `min_gap` points in the middle of the page
    that no word crosses, with many lines of text on both sides of it. With
    the page's `height`, words smaller than the text in its top and bottom
    `running_share` (a running header across both columns) are not counted
    as crossing.
    """
    if len(words) < 40:
        return None
    lo, hi = int(width * 0.3), int(width * 0.7)
    running = running_words(words, height, running_share)
    counted = [w for w in words if id(w) not in running]
    crossing = crossing_counts(counted, lo, hi)
    # Full-width lines (a heading, a box, footnotes) cross the gutter: allow a few.
    allowed = len(words) // 100
    best, run_start = None, None
    for i, count in enumerate(crossing + [allowed + 1]):
        if count <= allowed and run_start is None:
            run_start = i
        elif count > allowed and run_start is not None:
            if i - run_start >= min_gap and (
                best is None or i - run_start > best[1] - best[0]
            ):
                best = (run_start, i)
            run_start = None
    if best is None:
        return None
    gutter = lo + (best[0] + best[1]) / 2
    if best[1] - best[0] > 0.3 * width:
        return None  # a wide empty band: ragged text or a narrow page, not a gutter
    left = [w for w in words if w["x1"] <= gutter]
    right = [w for w in words if w["x0"] >= gutter]
    if min(len(left), len(right)) < 0.15 * len(words):
        return None
    overlap = min(
        max(w["bottom"] for w in left), max(w["bottom"] for w in right)
    ) - max(min(w["top"] for w in left), min(w["top"] for w in right))
    return gutter if overlap > 100 else None


def crossing_counts(words: list[dict], lo: int, hi: int) -> list[int]:
    """For each whole x from lo to hi - 1, how many words cross it (x0 < x < x1,
    x0 and x1 cut to whole points).

    Each word marks where its run starts and ends and a running sum counts
    them, rather than adding one to every x a word covers: a page of long
    lines covered a hundred x per word.
    """
    changes = [0] * (hi - lo + 1)
    for w in words:
        start, end = max(lo, int(w["x0"]) + 1), min(hi, int(w["x1"]))
        if start < end:
            changes[start - lo] += 1
            changes[end - lo] -= 1
    return list(itertools.accumulate(changes[:-1]))


def column_lines(
    words: list[dict], gutter: float | None, height: float | None = None
) -> list[dict]:
    """Lines in reading order: one column top to bottom, or, on a two-column
    page split at `gutter` (find_gutter's answer), each band between
    full-width lines left column first."""
    if gutter is None:
        return tag_lines(words_to_lines(words), column=0)
    running = running_words(words, height)
    crossing = [w for w in words if w["x0"] < gutter < w["x1"] or id(w) in running]
    spanning = words_to_lines(crossing)
    spans = [(line["top"], line["bottom"]) for line in spanning]
    in_span = [
        w
        for w in words
        if w not in crossing
        and any(t <= (w["top"] + w["bottom"]) / 2 <= b for t, b in spans)
    ]
    spanning = tag_lines(words_to_lines(crossing + in_span), column=0)
    rest = [w for w in words if w not in crossing and w not in in_span]
    left = tag_lines(words_to_lines([w for w in rest if w["x1"] <= gutter]), column=1)
    right = tag_lines(words_to_lines([w for w in rest if w["x0"] >= gutter]), column=2)
    ordered, previous = [], float("-inf")
    for span in sorted(spanning, key=lambda ln: ln["top"]) + [None]:
        limit = span["top"] if span else float("inf")
        for side in (left, right):
            ordered += [ln for ln in side if previous <= ln["top"] < limit]
        if span:
            ordered.append(span)
            previous = span["top"]
    return ordered
