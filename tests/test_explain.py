"""`hmic extract --explain` and the items' confidence (extract/explain.py,
extract/items.py), on a corpus report whose items its source marks."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from extract.items import Item, confidence
from pipeline.cli import cli

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "corpus" / "peel-effectiveness-2016-west-midlands.pdf"
GOLDEN = json.loads(
    (ROOT / "tests/golden/peel-effectiveness-2016-west-midlands.json").read_text()
)


def test_explain_names_each_items_start_and_rule():
    result = CliRunner().invoke(cli, ["extract", "--explain", str(REPORT)])
    assert result.exit_code == 0, result.output
    starts = re.findall(
        r"-> item (\d+) starts: (\w+)(?: \S+)? \(([\w-]+)\)", result.output
    )
    kinds = [kind for _, kind, _ in starts]
    # every item the source marks starts once (restatements start and then merge)
    for item in GOLDEN["items"]:
        assert item["kind"] in kinds
    assert "-> context: heading: section" in result.output
    assert re.search(r"-> item \d+ restates item \d+: merged", result.output)
    assert result.output.splitlines()[0].startswith(str(REPORT))


def test_explain_of_a_bad_file_is_one_error_line(tmp_path):
    bad = tmp_path / "not.pdf"
    bad.write_text("hello")
    result = CliRunner().invoke(cli, ["extract", "--explain", str(bad)])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and str(bad) in result.output


def item(text, strength=3, rule="rec-numbered-label"):
    return Item(kind="recommendation", number="1", text=text, page=1, rule=rule,
                confidence=strength)  # fmt: skip


def test_confidence_is_high_for_a_labelled_whole_sentence_low_for_a_guess():
    whole = "The force should review how it supervises the investigation of crime."
    labelled = confidence(item(whole))
    by_wording = confidence(item(whole, 1, "numbered-should"))
    cut = confidence(
        item("The force should review how it supervises the", 2, "lead-in")
    )
    assert labelled >= 0.8
    assert by_wording < 0.5 and cut < 0.6
    assert 0 < by_wording < labelled <= 1


def test_extract_gives_every_item_a_confidence():
    result = CliRunner().invoke(cli, ["extract", str(REPORT)])
    items = json.loads(result.output)["items"]
    assert items and all(0 < i["confidence"] <= 1 for i in items)
