"""Ids, text similarity and the rules that decide when two printings are one item.

Pure functions: values in, values out; register.py does the reading and
writing. Scores are rapidfuzz's 0-100 scale on normalised text:

- `score_repeat` (a later inspection restating an earlier one) is
  `token_sort_ratio`, which forgives reordered clauses and light rewording
  but not a different recommendation on the same topic.
- `score_quote` (a tracker quoting a report) also takes `partial_ratio` when
  one text is much shorter, because trackers quote the operative sentence
  or add the cause of concern in front of it.

The thresholds were measured on the seed committee paper's recommendations
(tests/test_dedupe.py, `test_thresholds_separate_seed_pairs`): distinct
recommendations on the same topic score at most 64, light rewordings (a
word or two changed) at least 88, and a restatement that drops its last
fifth 83-92: that band is linked but left for an analyst to confirm.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import PurePath

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from .vocabulary import RESPONSE_DAYS

SURE = 85.0
"""At or above: the same item, linked without review."""
UNSURE = 70.0
"""From here up to SURE: linked, but listed by `hmic review-links`."""
CROSS_KIND = 97.0
"""Two inspections' items of different kinds link only when this alike (an
escalated AFI, or an extractor's wrong label: peel-effectiveness-2015 a5), and
such a link is always left for review."""
WITHIN_REPORT = 95.0
"""Two items of one report at or above this are one restated item."""
SOURCE_BONUS = 5.0
"""Points a tracker's quotation gains when it names the candidate's report."""
PARTIAL_DISCOUNT = 3.0
"""Points taken off an excerpt's `partial_ratio`, so whole matches rank first."""
PREFILTER_SLACK = 1.0
"""Points added to every bulk upper bound before a candidate is skipped:
room for rounding, so that no candidate is ever skipped wrongly."""

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


@lru_cache(maxsize=200_000)
def normalise_text(text: str) -> str:
    """Lower-case words only: quotes, dashes, punctuation and spacing unified.

    >>> normalise_text("The force’s response —  to “domestic abuse”.")
    "the force's response to domestic abuse"
    """
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    text = re.sub(r"[^\w\s']", " ", text)
    return " ".join(text.split())


def short_hash(*parts: object, length: int = 16) -> str:
    """A stable hex id from the JSON of `parts` (order matters)."""
    payload = json.dumps(parts, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:length]


def report_content_hash(document: dict) -> str:
    """Hash of what a report says (metadata, page count and items), not of its
    file bytes.

    The same report re-saved by another program has other bytes but the same
    content hash, so it is recognised and not loaded twice. A report with no
    items says too little to tell it from another with the same title (a
    one-page file and a 5,000-page one), so its file name is part of its hash:
    two item-less files are one report only when their names agree too.
    """
    source = document.get("source") or {}
    name = None if document["items"] else PurePath(source.get("path") or "").name
    parts = (legacy_content_hash(document), source.get("pages"), name)
    return short_hash(*parts, length=32)


def legacy_content_hash(document: dict) -> str:
    """The content hash of registers loaded before page counts were hashed:
    metadata and items only."""
    report = document["report"]
    items = [
        (item["kind"], item.get("number"), normalise_text(item["text"]))
        for item in document["items"]
    ]
    return short_hash(
        report.get("title"),
        report.get("published"),
        report.get("force"),
        report.get("kind"),
        items,
        length=32,
    )


def item_id(report_id: str, kind: str, text: str) -> str:
    """The stable id of a new item: its first report, its kind and its text."""
    return short_hash("item", report_id, kind, normalise_text(text))


def occurrence_id(report_id: str, position: int, text: str) -> str:
    """Id of one printing of an item in one report."""
    return short_hash("occurrence", report_id, position, normalise_text(text))


def score_repeat(a: str, b: str) -> float:
    """Similarity (0-100) of two items' texts for a repeat across inspections."""
    return fuzz.token_sort_ratio(normalise_text(a), normalise_text(b))


def score_quote(
    quote: str, text: str, *, min_length_ratio: float = 0.3, needed: float = 0.0
) -> float:
    """Similarity (0-100) of a tracker's quotation to an item's text.

    A quotation that is a clean excerpt of the item (or the item an excerpt of
    it) scores by `partial_ratio`, discounted a little so that whole matches
    still rank first; very short excerpts are not trusted.

    A score below `needed` is of no use to the caller, who then gets some
    score below `needed` instead of the exact one: `partial_ratio`, the
    costly part, stops as soon as it cannot reach it. Scores at or above
    `needed` are exact.
    """
    a, b = normalise_text(quote), normalise_text(text)
    whole = fuzz.token_sort_ratio(a, b)
    short, long = sorted((a, b), key=len)
    if not long or len(short) / len(long) < min_length_ratio:
        return whole
    cutoff = max(needed + PARTIAL_DISCOUNT, whole + PARTIAL_DISCOUNT, 0.0)
    if cutoff > 100:
        return whole
    partial = fuzz.partial_ratio(short, long, score_cutoff=cutoff)
    return max(whole, partial - PARTIAL_DISCOUNT)


@dataclass(frozen=True)
class Candidate:
    """An item already in the register that a new printing might repeat."""

    item_id: str
    kind: str
    text: str
    force: str | None
    first_published: str | None
    report_title: str | None = None
    tracker_only: bool = False
    source_report: str | None = None


@dataclass(frozen=True)
class Match:
    """The item a printing joins, how sure, and how the two relate."""

    item_id: str
    score: float
    sure: bool
    link_kind: str  # "repeats" | "quotes"


def is_force_compatible(a: str | None, b: str | None) -> bool:
    """Same force, or one of them a national report (no force)."""
    return a is None or b is None or normalise_text(a) == normalise_text(b)


def is_date_compatible(
    published: str | None, first_published: str | None, *, tracker: bool
) -> bool:
    """A tracker quotes only what was published before it; inspections may be
    ingested in any order (the link is then oriented by date, not load order).
    """
    if not tracker or not published or not first_published:
        return True
    return first_published <= published


@dataclass
class CandidateColumns:
    """Some candidates as parallel lists: positions in a `CandidateIndex`,
    normalised texts, their `sort_words`, and whether each is tracker-only."""

    positions: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    sorted_texts: list[str] = field(default_factory=list)
    tracker_only: list[bool] = field(default_factory=list)

    def extend(self, other: CandidateColumns) -> None:
        """Append `other`'s candidates to these."""
        self.positions += other.positions
        self.texts += other.texts
        self.sorted_texts += other.sorted_texts
        self.tracker_only += other.tracker_only


class CandidateIndex:
    """The candidates for linking, with what bulk scoring needs kept beside them.

    Built once per report (register.py) and appended to as new items are
    created: each candidate's text is normalised once, not once per printing,
    and candidates are grouped by normalised force so that a printing is
    scored only against its own force's items and national ones.
    """

    def __init__(self, candidates: Iterable[Candidate] = ()) -> None:
        self.candidates: list[Candidate] = []
        self.by_force: dict[str | None, CandidateColumns] = {}
        for candidate in candidates:
            self.append(candidate)

    def append(self, candidate: Candidate) -> None:
        """Add one candidate (a new item of the report being loaded)."""
        force = None if candidate.force is None else normalise_text(candidate.force)
        columns = self.by_force.setdefault(force, CandidateColumns())
        text = normalise_text(candidate.text)
        columns.positions.append(len(self.candidates))
        columns.texts.append(text)
        columns.sorted_texts.append(sort_words(text))
        columns.tracker_only.append(candidate.tracker_only)
        self.candidates.append(candidate)

    def __len__(self) -> int:
        return len(self.candidates)

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self.candidates)

    def for_force(self, force: str | None) -> CandidateColumns:
        """The candidates `is_force_compatible` with `force`: all of them for
        a national report, else the force's own and the national ones."""
        if force is None:
            groups = list(self.by_force.values())
        else:
            groups = [self.by_force.get(key) for key in (normalise_text(force), None)]
        columns = CandidateColumns()
        for group in groups:
            if group is not None:
                columns.extend(group)
        return columns


def sort_words(text: str) -> str:
    """The words of normalised `text` in sorted order: `fuzz.ratio` of two
    such strings is `fuzz.token_sort_ratio` of the texts, without re-sorting
    the candidate's words for every printing.

    >>> sort_words("the force should act")
    'act force should the'
    """
    return " ".join(sorted(text.split()))


def upper_bounds(
    query: str, texts: list[str], sorted_texts: list[str], quotation: np.ndarray
) -> np.ndarray:
    """For each of `texts` (normalised; `sorted_texts` their `sort_words`), a
    score `score_candidate` cannot beat when pairing the normalised `query`
    with it; `quotation` marks the pairs scored as quotations.

    A repeat scores `token_sort_ratio`, so its bound is exact. A quotation
    scores at most `max(token_sort_ratio, partial_ratio - PARTIAL_DISCOUNT) +
    SOURCE_BONUS` (the length-ratio rule only lowers it), and `partial_ratio`,
    the costly part, is bounded through the longest common subsequence L of
    the two texts: every window w the shorter text s is compared with has
    LCS(s, w) <= min(L, |w|), so ratio(s, w) <= 200 L / (|s| + L).
    """
    bounds = process.cdist(
        [sort_words(query)],
        sorted_texts,
        scorer=fuzz.ratio,
        dtype=np.float64,
        workers=1,
    )[0]
    quoted = np.flatnonzero(quotation)
    if quoted.size:
        quoted_texts = [texts[n] for n in quoted]
        common = process.cdist(
            [query], quoted_texts, scorer=LCSseq.similarity, dtype=np.float64, workers=1
        )[0]
        lengths = np.array([len(text) for text in quoted_texts], dtype=np.float64)
        short = np.minimum(lengths, len(query))
        partial = np.where(
            short + common > 0, 200 * common / np.maximum(short + common, 1), 100
        )
        excerpt = np.maximum(bounds[quoted], partial - PARTIAL_DISCOUNT)
        bounds[quoted] = np.minimum(excerpt + SOURCE_BONUS, 100.0)
    return bounds


def best_match(
    item: dict,
    *,
    report: dict,
    candidates: list[Candidate] | CandidateIndex,
    excluded: set[str] = frozenset(),
    sure: float = SURE,
    unsure: float = UNSURE,
) -> Match | None:
    """The candidate that `item` (contract §1 item of `report`) repeats or quotes.

    When either side is a tracker the pair is a quotation: any kind, scored by
    `score_quote`, with a bonus for the report a tracker names. Two
    inspections must agree on kind unless the texts are near-identical
    (CROSS_KIND; never sure). Returns None when nothing reaches `unsure`.

    The same answer as `best_match_exhaustive`, faster: candidates of another
    force are never looked at, and the rest are scored exactly in order of
    `upper_bounds` (bulk rapidfuzz scores) only while their bound can still
    reach `unsure` and the best exact score so far.
    """
    if not isinstance(candidates, CandidateIndex):
        candidates = CandidateIndex(candidates)
    columns = candidates.for_force(report.get("force"))
    if not columns.positions:
        return None
    if report.get("kind") == "tracker":
        quotation = np.ones(len(columns.positions), bool)
    else:
        quotation = np.array(columns.tracker_only, bool)
    query = normalise_text(item["text"])
    bounds = upper_bounds(query, columns.texts, columns.sorted_texts, quotation)
    floor, scored = unsure, []
    hopeful = np.flatnonzero(bounds + PREFILTER_SLACK >= unsure)
    for n in hopeful[np.argsort(-bounds[hopeful], kind="stable")]:
        if bounds[n] + PREFILTER_SLACK < floor:
            break  # no candidate left can reach `unsure` or beat the best so far
        position = columns.positions[n]
        candidate = candidates.candidates[position]
        if candidate.item_id in excluded:
            continue
        score = score_candidate(item, report, candidate, needed=floor)
        if score is not None:
            scored.append((position, candidate, score))
            floor = max(floor, score)
    scored.sort(key=lambda entry: entry[0])  # ties go as in the exhaustive loop
    pairs = [(candidate, score) for _, candidate, score in scored]
    return best_of_scored(item, report, pairs, sure=sure, unsure=unsure)


def best_match_exhaustive(
    item: dict,
    *,
    report: dict,
    candidates: Iterable[Candidate],
    excluded: set[str] = frozenset(),
    sure: float = SURE,
    unsure: float = UNSURE,
) -> Match | None:
    """`best_match` by scoring every candidate: slow, the reference for tests."""
    pairs = (
        (candidate, score_candidate(item, report, candidate))
        for candidate in candidates
        if candidate.item_id not in excluded
    )
    return best_of_scored(item, report, pairs, sure=sure, unsure=unsure)


def best_of_scored(
    item: dict,
    report: dict,
    pairs: Iterable[tuple[Candidate, float | None]],
    *,
    sure: float = SURE,
    unsure: float = UNSURE,
) -> Match | None:
    """The Match for the best of (candidate, score or None) `pairs`.

    The highest score wins, a tie going to the larger item id and then to
    the earlier pair; None when no score reaches `unsure`.
    """
    best: tuple[float, str, bool, bool] | None = None
    for candidate, score in pairs:
        if score is not None and (
            best is None or (score, candidate.item_id) > best[:2]
        ):
            quotation = is_quotation(report, candidate)
            certain = quotation or candidate.kind == item["kind"]
            best = (score, candidate.item_id, quotation, certain)
    if best is None or best[0] < unsure:
        return None
    score, item_id, quotation, certain = best
    kind = "quotes" if quotation else "repeats"
    return Match(item_id, score, certain and score >= sure, kind)


def is_quotation(report: dict, candidate: Candidate) -> bool:
    """True when a tracker is on either side of the pair."""
    return report.get("kind") == "tracker" or candidate.tracker_only


def score_candidate(
    item: dict, report: dict, candidate: Candidate, *, needed: float = 0.0
) -> float | None:
    """The 0-100 score of `item` against `candidate`, or None when the rules
    (force, kind, publication dates) rule the pair out. A quotation's score
    below `needed` may come back as any lower score (see `score_quote`)."""
    if not is_force_compatible(report.get("force"), candidate.force):
        return None
    published = report.get("published")
    if not is_quotation(report, candidate):
        score = score_repeat(item["text"], candidate.text)
        if candidate.kind != item["kind"] and score < CROSS_KIND:
            return None
        return score
    tracker_first = candidate.tracker_only and report.get("kind") != "tracker"
    quoted, quoting = (published, candidate.first_published)
    if not tracker_first:
        quoted, quoting = quoting, quoted
    if not is_date_compatible(quoting, quoted, tracker=True):
        return None  # a tracker quotes only what was published before it
    title = report.get("title") if tracker_first else candidate.report_title
    source = candidate.source_report if tracker_first else item.get("source_report")
    bonus = source_bonus(source, title)
    # A tracker that names the report may quote just the first sentence of a
    # long recommendation (tracker-table-2018-west-midlands, item 3).
    ratio = 0.1 if bonus else 0.3
    score = score_quote(
        item["text"], candidate.text, min_length_ratio=ratio, needed=needed - bonus
    )
    return min(score + bonus, 100.0)


def source_bonus(
    source_report: str | None, title: str | None, bonus=SOURCE_BONUS
) -> float:
    """A few points when a tracker names the candidate's report by its title."""
    if not source_report or not title:
        return 0.0
    return bonus if fuzz.token_set_ratio(source_report, title) >= 80 else 0.0


def superseding_index(items: list[dict], index: int) -> int | None:
    """In a tracker, the item that item `index`'s "superseded by ..." names.

    "superseded by the Red recommendation shown above from PEEL Effectiveness
    2015" names the item whose `source_report` is "PEEL Effectiveness Report
    2015"; None when no other item's source report is named.
    """
    match = re.search(r"supersed\w* by (.+)", items[index].get("status") or "", re.I)
    if not match:
        return None
    scored = [
        (fuzz.token_set_ratio(normalise_text(match.group(1)),
                              normalise_text(other["source_report"])), n)
        for n, other in enumerate(items)
        if n != index and other.get("source_report")
    ]  # fmt: skip
    best = max(scored, default=(0, None))
    return best[1] if best[0] >= 80 else None


def collapse_restatements(items: list[dict], threshold=WITHIN_REPORT) -> list[int]:
    """For each item, the index of the first item of the same report it restates.

    The extractor already drops restatements (contract §1), so this catches
    what slips through; `result[i] == i` for an item stated once.

    >>> collapse_restatements([{"kind": "recommendation", "text": "Do x."},
    ...                        {"kind": "recommendation", "text": "Do x"}])
    [0, 0]
    """
    firsts: list[int] = []
    for index, item in enumerate(items):
        first = index
        for earlier in sorted(set(firsts)):
            other = items[earlier]
            if other["kind"] == item["kind"] and (
                score_repeat(other["text"], item["text"]) >= threshold
            ):
                first = earlier
                break
        firsts.append(first)
    return firsts


def response_due(published: str | None, days: int = RESPONSE_DAYS) -> str | None:
    """The date the PCC's published response is due, or None without a date."""
    if not published:
        return None
    return (date.fromisoformat(published) + timedelta(days=days)).isoformat()
