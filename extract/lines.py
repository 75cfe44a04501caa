"""Words to lines: words sharing a baseline grouped, footnote markers folded
in, a line's text, box, size and boldness worked out once."""

from __future__ import annotations

import itertools
import statistics

from .text import DETACHED_HYPHEN, FOOTNOTE_MARK, is_bold, normalise_text


def words_to_lines(words: list[dict], small_ratio: float = 0.85) -> list[dict]:
    """Group words sharing a line into line dicts, top to bottom, left to right.

    Lines are first built from the words of ordinary size; a smaller word whose
    middle lies within such a line (a raised footnote marker) then joins it,
    and the remaining small words (footnotes, captions) make lines of their own.
    """
    if not words:
        return []
    body_size = statistics.median(w["size"] for w in words)
    big = [w for w in words if w["size"] >= small_ratio * body_size]
    small = [w for w in words if w["size"] < small_ratio * body_size]
    lines = cluster_by_middle(big, [])
    lines = cluster_by_middle(small, lines)
    lines.sort(key=lambda ws: min(w["top"] for w in ws))
    return [line_record(sorted(ws, key=lambda w: w["x0"])) for ws in lines]


def cluster_by_middle(words: list[dict], lines: list[list[dict]]) -> list[list[dict]]:
    """Add each word to the first line whose vertical span holds its middle.

    Words are taken top first. A line whose bottom is above the middle of every
    word still to come can take no more words (its span only grows when it
    takes one), so it leaves the search: a long page no longer tests every
    word against every line above it.
    """
    spans = [[min(w["top"] for w in ws), max(w["bottom"] for w in ws)] for ws in lines]
    fixed = len(lines)
    lines = [list(ws) for ws in lines]
    ordered = sorted(words, key=lambda w: (w["top"], w["x0"]))
    middles = [(word["top"] + word["bottom"]) / 2 for word in ordered]
    open_lines = list(range(len(lines)))  # indexes in order, so the first still wins
    for word, middle, lowest_to_come in zip(
        ordered, middles, suffix_minima(middles), strict=True
    ):
        open_lines = [i for i in open_lines if spans[i][1] >= lowest_to_come]
        for index in open_lines:
            top, bottom = spans[index]
            if top <= middle <= bottom:
                lines[index].append(word)
                # Words come top first, so a new line's top is its first word's:
                # only its bottom can grow.
                if index >= fixed and word["bottom"] > bottom:
                    spans[index][1] = word["bottom"]
                break
        else:
            open_lines.append(len(lines))
            lines.append([word])
            spans.append([word["top"], word["bottom"]])
    return lines


def suffix_minima(values: list[float]) -> list[float]:
    """For each position, the smallest value from there to the end."""
    return list(itertools.accumulate(reversed(values), min))[::-1]


def line_record(words: list[dict]) -> dict:
    """A line dict: its words, text, box and the size and font of most of its text."""
    body = line_body(words)
    sizes = [w["size"] for w in body] or [words[0]["size"]]
    size = statistics.median(sizes)
    return {
        "words": body,
        "text": line_text(body),
        "x0": min(w["x0"] for w in words),
        "x1": max(w["x1"] for w in words),
        "top": min(w["top"] for w in body or words),
        "bottom": max(w["bottom"] for w in body or words),
        "size": size,
        "lead_marker": bool(words) and words[0] not in body,
        "soft_hyphen": ends_with_inserted_hyphen(body),
        "run_in": opens_with_run_in(body),
        "all_bold": bool(body) and all(is_bold(w["fontname"]) for w in body),
        "bold": sum(len(w["text"]) for w in body if is_bold(w["fontname"]))
        > 0.6 * sum(len(w["text"]) for w in body),
    }


RUN_IN_ENDS = (":", "–", "—")


def opens_with_run_in(words: list[dict], most: int = 5) -> bool:
    """True when the line opens with a bold run-in heading ending in a colon
    ("Recommendation: The force should …", "Area for improvement 2: …") and
    goes on in another weight: a new paragraph starts there, however the
    line before it ended. The colon may be set in the text's weight
    ("**Recommendation 12**: …"), a word of its own after the bold run."""
    lead = list(itertools.takewhile(lambda w: is_bold(w["fontname"]), words[:most]))
    if not 0 < len(lead) < len(words) or is_bold(words[len(lead)]["fontname"]):
        return False
    after = words[len(lead)]["text"]
    return lead[-1]["text"].endswith(RUN_IN_ENDS) or (
        after in RUN_IN_ENDS and len(words) > len(lead) + 1
    )


def ends_with_inserted_hyphen(words: list[dict]) -> bool:
    """True when the line ends with a hyphen the typesetter put in to break a
    word: a soft hyphen (U+00AD) or the hyphen glyph U+2010, which producers
    print for such a break (a hyphen typed in a word is U+002D)."""
    return bool(words) and words[-1]["text"].endswith(("\u00ad", "\u2010"))


def line_text(words: list[dict]) -> str:
    """The words of a line as text (words that touch are one word: a font change
    mid-word splits pdfplumber's words); a soft hyphen (U+00AD) or a detached hyphen
    ending the line becomes a plain line-end hyphen, for join_lines to judge."""
    text = ""
    gaps = [b["x0"] - a["x1"] for a, b in itertools.pairwise(words)]
    usual = statistics.median(gaps) if len(gaps) >= 3 else None
    for index, word in enumerate(words):
        gap = gaps[index - 1] if index else 0.0
        touching = index and (
            gap < 0.3 or is_ligature_split(words[index - 1], word, gap, usual)
        )
        text += ("" if touching or not text else " ") + normalise_text(word["text"])
    if words and words[-1]["text"].endswith("\u00ad"):
        text += "-"
    return DETACHED_HYPHEN.sub("-", text).strip()


def is_ligature_split(left: dict, right: dict, gap: float, usual: float | None) -> bool:
    """True when a gap inside a word is a ligature's glyphs set apart ("staf f",
    "of fi cers"): the left part ends in f, the right starts with the f, i or
    l a ligature joins it to, and the gap is well under the line's own word
    spacing."""
    return (
        usual is not None
        and left["text"][-1:] == "f"
        and right["text"][:1] in ("f", "i", "l")
        and gap < 0.6 * usual
    )


def line_body(words: list[dict]) -> list[dict]:
    """The line's words without its footnote markers.

    The line's largest size and lowest bottom are worked out once here, not
    once per word: a long line made that quadratic."""
    largest = max(w["size"] for w in words)
    lowest = max(w["bottom"] for w in words)
    return [w for w in words if not is_superscript_marker(w, words, largest, lowest)]


def is_superscript_marker(
    word: dict, line_words: list[dict], largest: float, lowest: float, gap: float = 3.0
) -> bool:
    """A footnote marker: a small raised number or symbol printed right after a
    word of larger text ("force.¹²"), not a small label's number in the margin.

    `largest` and `lowest` are the line's largest size and lowest bottom. The
    cheap tests on the word itself come first: most words fail one, and then
    the words before it need not be searched."""
    if not (
        word["size"] < 0.85 * largest
        and FOOTNOTE_MARK.match(word["text"].strip(".,;:")) is not None
        and word["bottom"] < lowest - 0.5
    ):
        return False
    before = [w for w in line_words if w["x1"] <= word["x0"] + 0.5 and w is not word]
    return bool(before) and (
        word["x0"] - max(w["x1"] for w in before) <= gap
        and max(before, key=lambda w: w["x1"])["size"] >= 0.85 * largest
    )


def tag_lines(lines: list[dict], **tags) -> list[dict]:
    """New line dicts with the given keys set."""
    return [{**line, **tags} for line in lines]


def body_font_size(lines: list[dict]) -> float:
    """The size of most of the report's text, by characters."""
    weights: dict[float, int] = {}
    for line in lines:
        weights[round(line["size"], 1)] = weights.get(round(line["size"], 1), 0) + len(
            line["text"]
        )
    return max(weights, key=weights.get) if weights else 10.0
