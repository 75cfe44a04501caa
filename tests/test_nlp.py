"""The pattern files (extract/patterns/*.jsonl) and their loader (extract/nlp.py).

Every pattern must carry examples and every example must be found by the
pipeline with that pattern's label and id (style.md, "Other tests"); a bad
pattern line must be reported as `file.jsonl:LINE`.
"""

from __future__ import annotations

import json

import pytest

from extract.nlp import (
    CONTEXT_KEY,
    PATTERN_DIR,
    RULERS,
    PatternError,
    build_nlp,
    get_nlp,
    load_patterns,
    required_words,
    text_spans,
)

PATTERNS = load_patterns()


def spans_of(text: str) -> list[tuple[str, str, str]]:
    """(label, id, text) of every span the shared pipeline finds in `text`."""
    doc = get_nlp()(text)
    spans = [s for _, key, _ in RULERS for s in doc.spans[key]]
    return [(s.label_, s.id_, s.text) for s in spans]


def skipping_spans_of(texts: list[str]) -> list[list[tuple]]:
    """The same, through text_spans, which skips rulers that cannot match."""
    return [
        [(s.label_, s.id_, s.start_char, s.end_char) for s in spans]
        for spans in text_spans(texts)
    ]


def full_spans_of(texts: list[str]) -> list[list[tuple]]:
    docs = get_nlp().pipe(texts)
    return [
        [
            (s.label_, s.id_, s.start_char, s.end_char)
            for s in [s for _, key, _ in RULERS for s in doc.spans[key]]
        ]
        for doc in docs
    ]


def test_every_pattern_file_is_loaded():
    labels = {p["label"] for p in PATTERNS}
    assert labels == {path.stem for path in PATTERN_DIR.glob("*.jsonl")}


def test_pattern_ids_are_unique_kebab_case():
    ids = [p["id"] for p in PATTERNS]
    assert len(ids) == len(set(ids))
    assert all(i == i.lower() and " " not in i and "_" not in i for i in ids)


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p["id"] for p in PATTERNS])
def test_pattern_has_examples(pattern):
    assert pattern["examples"], f"{pattern['id']} has no examples"


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p["id"] for p in PATTERNS])
def test_pattern_examples_match(pattern):
    for example in pattern["examples"]:
        found = [(label, rule) for label, rule, _ in spans_of(example)]
        assert (pattern["label"], pattern["id"]) in found, f"{example!r} gives {found}"


# --- negative cases --------------------------------------------------------------


def test_past_recommendation_is_narrative_not_a_lead_in():
    spans = spans_of("In 2014 we recommended that the force improve its response.")
    assert ("not_item", "narrative-past-recommendation") in [s[:2] for s in spans]
    assert "recommendation" not in [label for label, _, _ in spans]


def test_areas_for_improvement_heading_is_a_section_not_a_label():
    spans = spans_of("Areas for improvement")
    assert [s[:2] for s in spans] == [("area_for_improvement", "afi-section")]


def test_causes_of_concern_heading_is_a_section_not_a_label():
    spans = spans_of("Causes of concern")
    assert [s[:2] for s in spans] == [("cause_of_concern", "coc-section")]


def test_numbered_label_takes_the_number():
    spans = spans_of("Area for improvement 3")
    assert spans == [
        ("area_for_improvement", "afi-numbered-label", "Area for improvement 3")
    ]


def test_recommendation_n_is_met_is_narrative():
    spans = spans_of("Recommendation 6 is now complete.")
    # The narrative cue opens the sentence, so items.py reads no label there.
    assert ("not_item", "narrative-recommendation-n-is") in [s[:2] for s in spans]
    doc = get_nlp()("Recommendation 6 is now complete.")
    assert doc.spans[CONTEXT_KEY][0].start == 0


def test_plain_sentence_has_no_spans():
    assert spans_of("Officers attended the scene within the hour.") == []


# --- the loader ------------------------------------------------------------------

GOOD = {
    "label": "recommendation",
    "id": "rec-test",
    "pattern": [{"LOWER": "recommendation"}],
    "examples": ["Recommendation"],
}


def write_lines(path, entries: list[dict]) -> None:
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))


def test_load_patterns_reads_every_line(tmp_path):
    write_lines(tmp_path / "recommendation.jsonl", [GOOD, {**GOOD, "id": "rec-two"}])
    assert [p["id"] for p in load_patterns(tmp_path)] == ["rec-test", "rec-two"]


def test_misspelt_key_names_file_and_line(tmp_path):
    bad = {k: v for k, v in GOOD.items() if k != "pattern"} | {"pattren": []}
    write_lines(tmp_path / "recommendation.jsonl", [GOOD, bad])
    with pytest.raises(PatternError, match=r"recommendation\.jsonl:2\b"):
        load_patterns(tmp_path)


def test_misspelt_key_error_names_the_key(tmp_path):
    bad = {k: v for k, v in GOOD.items() if k != "examples"} | {"exmaples": ["x"]}
    write_lines(tmp_path / "recommendation.jsonl", [bad])
    with pytest.raises(PatternError, match="exmaples"):
        load_patterns(tmp_path)


def test_label_not_matching_file_name_names_file_and_line(tmp_path):
    wrong = {**GOOD, "label": "area_for_improvement"}
    write_lines(tmp_path / "recommendation.jsonl", [GOOD, GOOD, wrong])
    with pytest.raises(PatternError, match=r"recommendation\.jsonl:3\b"):
        load_patterns(tmp_path)


def test_invalid_json_names_file_and_line(tmp_path):
    (tmp_path / "recommendation.jsonl").write_text(
        json.dumps(GOOD) + "\n" + '{"label": "recommendation",\n'
    )
    with pytest.raises(PatternError, match=r"recommendation\.jsonl:2\b"):
        load_patterns(tmp_path)


@pytest.mark.parametrize(
    "pattern",
    [
        [{"LOWR": "recommendation"}],  # misspelt token attribute
        [{"LOWER": {"IN": "recommendation"}}],  # IN takes a list
        {"LOWER": "recommendation"},  # a dict where a list belongs (E097)
    ],
    ids=["misspelt-attribute", "in-not-a-list", "dict-not-list"],
)
def test_bad_token_pattern_names_file_and_line(tmp_path, pattern):
    write_lines(tmp_path / "recommendation.jsonl", [GOOD, {**GOOD, "pattern": pattern}])
    with pytest.raises(PatternError, match=r"recommendation\.jsonl:2\b"):
        build_nlp(load_patterns(tmp_path))


def test_bad_token_pattern_is_a_pattern_error(tmp_path):
    write_lines(
        tmp_path / "recommendation.jsonl",
        [{**GOOD, "pattern": [{"LOWR": "recommendation"}]}],
    )
    with pytest.raises(PatternError):
        build_nlp(load_patterns(tmp_path))


# --- skipping texts that no pattern can match (text_spans) ---------------------------


def test_skipping_finds_every_example_as_the_full_pipeline_does():
    texts = [example for p in PATTERNS for example in p["examples"]]
    assert skipping_spans_of(texts) == full_spans_of(texts)


def test_skipping_finds_the_same_spans_in_corpus_blocks():
    # Text from three kinds of report; most blocks are skipped by one ruler or both.
    from pathlib import Path

    from extract.layout import pages_to_blocks
    from extract.pdf import iter_pages

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    stems = (
        "peel-effectiveness-2015-west-midlands",
        "holdout2-tracker-2021-kent",
        "committee-update-2017-06-08",
    )
    texts = [
        block.text
        for stem in stems
        for block in pages_to_blocks(iter_pages(corpus / f"{stem}.pdf"))
    ]
    full = full_spans_of(texts)
    assert sum(map(len, full)) > 20, "the blocks hold cues to find"
    assert skipping_spans_of(texts) == full


def test_required_words_keep_only_tokens_that_cannot_be_skipped():
    pattern = [
        {"LOWER": "the", "OP": "?"},
        {"LOWER": {"IN": ["force", "service"]}},
        {"TEXT": {"REGEX": "^[0-9]+$"}},
        {"ORTH": "AFI"},
        {"IS_TITLE": True, "OP": "+"},
    ]
    got = required_words(pattern, get_nlp().make_doc)
    assert got == (frozenset({"force", "service"}), frozenset({"AFI"}))


def test_a_pattern_naming_no_words_is_always_run():
    nlp = build_nlp(
        [{"label": "recommendation", "id": "any-title", "examples": [],
          "pattern": [{"IS_TITLE": True}, {"LOWER": {"NOT_IN": ["the"]}}]}]
    )  # fmt: skip
    texts = ["Kent Police", "nothing here"]
    got = [[s.id_ for s in spans] for spans in text_spans(texts, nlp)]
    assert got == [["any-title"], []]
