"""Ids, similarity thresholds and matching rules (pipeline/dedupe.py)."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest

from extract.addressee import text_to_addressee
from pipeline import dedupe
from tests import bench_linking
from tests import register_fixtures as fx

SEED_TEXTS = fx.EVERYONES_BUSINESS + [
    fx.DASH_CONCERN_2015,
    fx.DASH_REC_2015,
    fx.MISSING_AFI_2015,
    fx.CALLS_AFI_2015,
    fx.OFFENDERS_AFI_2016,
    fx.CHILD_PROTECTION_4,
    fx.CHILD_PROTECTION_7,
    fx.RE_INSPECTION_II,
]


def reword(text: str) -> str:
    """A light rewording as a later report prints it."""
    return (
        text.replace("The force to ", "The force should ")
        .replace("ensure", "make sure")
        .replace("should", "must", 1)
    )


def test_normalise_text_ignores_quotes_dashes_and_case():
    assert dedupe.normalise_text("The Force’s  “plan” — now.") == (
        dedupe.normalise_text('the force\'s "plan" - now')
    )


def test_ids_are_stable_and_depend_on_identifying_fields():
    a = dedupe.item_id("r1", "recommendation", "Do X.")
    assert a == dedupe.item_id("r1", "recommendation", "do  x")
    assert a != dedupe.item_id("r2", "recommendation", "Do X.")
    assert len(a) == 16


def test_content_hash_ignores_file_bytes_but_not_items():
    doc = fx.peel_2015()
    resaved = fx.peel_2015()
    resaved["source"]["sha256"] = "0" * 64
    resaved["source"]["path"] = "elsewhere/copy.pdf"
    assert dedupe.report_content_hash(doc) == dedupe.report_content_hash(resaved)
    resaved["items"].pop()
    assert dedupe.report_content_hash(doc) != dedupe.report_content_hash(resaved)


def test_thresholds_separate_seed_pairs():
    """The measurement behind SURE/UNSURE: distinct recommendations on the same
    topic stay below UNSURE; light rewordings reach SURE."""
    distinct = [
        dedupe.score_repeat(a, b) for a, b in itertools.combinations(SEED_TEXTS, 2)
    ]
    reworded = [dedupe.score_repeat(t, reword(t)) for t in SEED_TEXTS]
    reworded += [
        dedupe.score_repeat(fx.DASH_CONCERN_2015, fx.DASH_CONCERN_2016),
        dedupe.score_repeat(fx.DASH_REC_2015, fx.DASH_REC_2016),
    ]
    assert max(distinct) < dedupe.UNSURE - 5
    assert min(reworded) >= dedupe.SURE


def test_truncated_restatement_is_unsure_not_lost():
    text = fx.EVERYONES_BUSINESS[3 - 1]
    words = text.split()
    cut = " ".join(words[: int(len(words) * 0.8)])
    assert dedupe.UNSURE <= dedupe.score_repeat(text, cut) < dedupe.SURE + 10


def test_quote_with_cause_of_concern_in_front_scores_high():
    quote = (
        fx.DASH_CONCERN_2015 + " To address this cause of concern, " + fx.DASH_REC_2015
    )
    assert dedupe.score_quote(quote, fx.DASH_CONCERN_2015) >= dedupe.SURE


def candidate(text, kind="recommendation", force=fx.WMP, published="2016-02-18", **kw):
    return dedupe.Candidate(f"id-{text[:8]}", kind, text, force, published, **kw)


def test_best_match_links_reworded_repeat_of_same_kind():
    report = fx.peel_2016()["report"]
    item = fx.item("recommendation", "1", fx.DASH_REC_2016, 10)
    match = dedupe.best_match(
        item,
        report=report,
        candidates=[candidate(fx.DASH_REC_2015), candidate(fx.CALLS_AFI_2015)],
    )
    assert match.item_id == candidate(fx.DASH_REC_2015).item_id
    assert match.sure and match.link_kind == "repeats"


def test_near_identical_item_of_another_kind_links_but_unsure():
    report = fx.peel_2016()["report"]
    item = fx.item("area_for_improvement", "1", fx.DASH_REC_2015, 10)
    candidates = [candidate(fx.DASH_REC_2015)]
    match = dedupe.best_match(item, report=report, candidates=candidates)
    assert match is not None and not match.sure


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "area_for_improvement"},  # another kind of item
        {"force": "Kent Police"},  # another force
    ],
)
def test_best_match_refuses_other_kind_or_force(change):
    report = fx.peel_2016()["report"]
    item = fx.item("recommendation", "1", fx.DASH_REC_2016, 10)
    assert dedupe.best_match(
        item, report=report, candidates=[candidate(fx.DASH_REC_2015, **change)]
    ) is None  # fmt: skip


def test_national_report_matches_any_force():
    report = fx.peel_2016()["report"]
    item = fx.item("recommendation", "1", fx.DASH_REC_2016, 10)
    match = dedupe.best_match(
        item, report=report, candidates=[candidate(fx.DASH_REC_2015, force=None)]
    )
    assert match is not None


def test_tracker_quotes_only_earlier_reports():
    tracker = fx.tracker_2017()
    item = tracker["items"][1]
    earlier = candidate(item["text"], published="2014-03-27")
    later = candidate(item["text"], published="2018-01-01")
    report = tracker["report"]
    assert dedupe.best_match(item, report=report, candidates=[earlier]).link_kind == (
        "quotes"
    )
    assert dedupe.best_match(item, report=report, candidates=[later]) is None


def test_tracker_matches_across_kinds():
    tracker = fx.tracker_2017()
    quote = tracker["items"][0]  # printed as a cause of concern + its recommendation
    target = candidate(fx.DASH_CONCERN_2015, kind="cause_of_concern")
    match = dedupe.best_match(quote, report=tracker["report"], candidates=[target])
    assert match.item_id == target.item_id


def test_excluded_candidates_are_skipped():
    report = fx.peel_2016()["report"]
    item = fx.item("recommendation", "1", fx.DASH_REC_2016, 10)
    target = candidate(fx.DASH_REC_2015)
    assert (
        dedupe.best_match(
            item, report=report, candidates=[target], excluded={target.item_id}
        )
        is None
    )


def test_collapse_restatements_in_summary_chapter_and_annex():
    items = [
        fx.item("recommendation", "1", fx.DASH_REC_2015, 3),
        fx.item("area_for_improvement", None, fx.CALLS_AFI_2015, 4),
        fx.item("recommendation", "1", fx.DASH_REC_2015.replace(".", ""), 30),
        fx.item("recommendation", None, " " + fx.DASH_REC_2015, 80),
    ]
    assert dedupe.collapse_restatements(items) == [0, 1, 0, 0]


def test_superseding_index_names_the_item_from_the_named_report():
    items = fx.tracker_2017()["items"]
    assert dedupe.superseding_index(items, 4) == 0
    assert dedupe.superseding_index(items, 1) is None


def test_text_to_addressee():
    assert text_to_addressee(fx.EVERYONES_BUSINESS[7]) == "Chief constables"
    assert text_to_addressee(fx.EVERYONES_BUSINESS[0]) == "The force"
    assert text_to_addressee(fx.RE_INSPECTION_II) == "West Midlands Police"


def test_response_due_is_56_days_after_publication():
    assert dedupe.response_due("2017-03-02") == "2017-04-27"
    assert dedupe.response_due(None) is None


def near_threshold_candidates(count: int) -> list[dedupe.Candidate]:
    """Synthetic candidates plus cuts of one text whose scores against it sweep
    across UNSURE and SURE, of every kind, some tracker-only, one id twice."""
    candidates = bench_linking.synthetic_candidates(count, seed=7)
    base = candidates[0]
    words = base.text.split()
    for n in range(len(words) // 3, len(words)):
        candidates.append(
            replace(
                base,
                item_id=f"cut-{n:03d}",
                text=" ".join(words[:n]),
                kind=bench_linking.KINDS[n % 3],
                tracker_only=n % 4 == 0,
                source_report=base.report_title if n % 4 == 0 else None,
            )
        )
    return candidates + [candidates[5], replace(base, item_id="empty", text="...")]


@pytest.mark.parametrize("tracker", [False, True])
@pytest.mark.parametrize("force", [bench_linking.FORCES[0], None])
def test_fast_best_match_is_the_exhaustive_match(tracker, force):
    candidates = near_threshold_candidates(300)
    report, printings = bench_linking.synthetic_printings(
        candidates, 40, tracker=tracker, seed=8
    )
    report = report | {"force": force}
    printings += [
        {"kind": "recommendation", "text": candidates[0].text},
        {"kind": "cause_of_concern", "text": "", "source_report": "PEEL"},
    ]
    index = dedupe.CandidateIndex(candidates)
    excluded = {candidates[1].item_id, "cut-020"}
    for printing in printings:
        for unsure in (dedupe.UNSURE, 50.0):
            options = {"report": report, "excluded": excluded, "unsure": unsure}
            assert dedupe.best_match(printing, candidates=index, **options) == (
                dedupe.best_match_exhaustive(printing, candidates=candidates, **options)
            ), printing["text"]


@pytest.mark.parametrize("tracker", [False, True])
def test_upper_bounds_never_below_the_exact_score(tracker):
    candidates = near_threshold_candidates(150)
    report, printings = bench_linking.synthetic_printings(
        candidates, 20, tracker=tracker, seed=9
    )
    texts = [dedupe.normalise_text(c.text) for c in candidates]
    quotation = np.array([tracker or c.tracker_only for c in candidates])
    for printing in printings:
        query = dedupe.normalise_text(printing["text"])
        sorted_texts = [dedupe.sort_words(text) for text in texts]
        bounds = dedupe.upper_bounds(query, texts, sorted_texts, quotation)
        for candidate, bound in zip(candidates, bounds, strict=True):
            score = dedupe.score_candidate(printing, report, candidate)
            assert score is None or score <= bound + 1e-9, (candidate, printing)


def test_score_quote_is_exact_when_it_reaches_what_is_needed():
    quote = "The force should review how it records crimes reported by partner agencies"
    text = fx.DASH_CONCERN_2015 + " " + quote + " within six months."
    exact = dedupe.score_quote(quote, text, min_length_ratio=0.1)
    for needed in (0.0, exact - 5, exact):
        assert dedupe.score_quote(
            quote, text, min_length_ratio=0.1, needed=needed
        ) == pytest.approx(exact)
    assert dedupe.score_quote(quote, text, min_length_ratio=0.1, needed=exact + 1) < (
        exact + 1
    )
