"""Status wording is spelt once (extract/data/statuses.json): what extraction
reads as a printed status and what the register maps it to come from the same
rows, and the status patterns' examples are all wording the register can name."""

from __future__ import annotations

import pytest

from extract.nlp import load_patterns
from extract.status import STATUS_ALONE, STATUS_WORDS, printed_to_status, rows


@pytest.mark.parametrize(
    "printed, status",
    [
        (
            "This recommendation has been superseded; the force addressed it",
            "superseded",
        ),
        ("Not achieved", "open"),
        ("Partially achieved", "in_progress"),
        ("it has been partially implemented", "in_progress"),
        ("Achieved", "closed"),
        ("Complete - awaiting HMIC sign-off", "pending_sign_off"),
        ("Proposed for closure", "pending_sign_off"),
        ("On track", "in_progress"),
        ("on going", "in_progress"),
        ("Not yet started", "open"),
        ("Outstanding", "open"),
        ("Amber", None),
        ("The force met partners", "closed"),  # a status cell, not a sentence
    ],
)
def test_printed_status_maps_in_the_files_order(printed, status):
    assert printed_to_status(printed) == status


def test_every_status_word_is_found_whole_and_alone():
    words = [w for r in rows() if r.get("word") for w in r["printed"].split("|")]
    assert len(words) >= 15
    for word in words:
        plain = word.replace("-?", "-")
        assert STATUS_WORDS.search(f"It is {plain} now.").group(1) == plain
        assert STATUS_ALONE.match(f" {plain.title()}.")
    assert STATUS_WORDS.search("the reopened case") is None
    assert STATUS_WORDS.search("completed").group(1) == "completed"


def test_only_some_rows_are_status_words():
    # "addressed" maps a tracker's sentence onto "closed" but is too common a
    # word to mark a block of a report as a printed status.
    assert STATUS_WORDS.search("The force addressed the backlog.") is None
    assert printed_to_status("The force addressed the backlog.") == "closed"


def test_status_patterns_examples_are_wording_the_register_names():
    entries = [e for e in load_patterns() if e["label"] == "status"]
    assert entries
    for entry in entries:
        if entry.get("role") == "label":
            continue  # "Status:" labels what follows; the words are after it
        for example in entry["examples"]:
            assert printed_to_status(example), (entry["id"], example)
