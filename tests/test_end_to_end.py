"""From corpus PDFs to the committee paper, through the real CLI: the seed
committee paper, ingested with the PEEL reports it refers to, yields a paper
whose Red section names the domestic abuse recommendation, as the original does.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
REPORTS = [
    "peel-effectiveness-2015-west-midlands.pdf",
    "peel-effectiveness-2016-west-midlands.pdf",
    "committee-update-2017-06-08.pdf",
]
# What the seed paper reports on, and what came after it.
JUNE_REPORTS = [
    *REPORTS,
    "everyones-business-2014.pdf",
    "increasingly-everyones-business-2015.pdf",
    "child-protection-west-midlands-2014.pdf",
    "custody-joint-west-midlands-2017.pdf",  # published 20 June 2017
    "tracker-table-2018-west-midlands.pdf",  # January 2018
]


def hmic(*args: str) -> subprocess.CompletedProcess:
    """Run the installed `hmic` command."""
    command = [str(Path(sys.executable).with_name("hmic")), *args]
    return subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, timeout=600
    )


def ingest(folder: Path, names: list[str]) -> Path:
    db = folder / "register.db"
    result = hmic("ingest", "--db", str(db), *[str(CORPUS / name) for name in names])
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> Path:
    return ingest(tmp_path_factory.mktemp("e2e"), REPORTS)


@pytest.fixture(scope="module")
def june_register(tmp_path_factory) -> Path:
    return ingest(tmp_path_factory.mktemp("june"), JUNE_REPORTS)


def test_seed_paper_red_section_names_domestic_abuse(register, tmp_path):
    output = tmp_path / "update.md"
    result = hmic(
        "report", "--db", str(register), "--since", "2017-03-01",
        "--until", "2017-06-30", "--format", "md", "--output", str(output),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = output.read_text()
    red = text.split("Outstanding recommendations currently assessed as Red", 1)[1]
    red = re.split(r"\n#{1,2} ", red, maxsplit=1)[0]
    assert "domestic abuse" in red
    assert "DASH risk assessment" in red
    # the Red recommendation is quoted once, under the cause of concern it answers
    assert red.count("effective supervision of the initial risk assessment") == 1
    assert "(ii)" not in red


def test_june_2017_paper_is_the_register_as_it_stood_on_8_june(june_register, tmp_path):
    """The seed paper's figures, from the corpus, with the custody report of
    20 June 2017 and the January 2018 tracker also in the register."""
    from datetime import date

    from pipeline.committee import build_update
    from pipeline.tabular import read_register

    output = tmp_path / "june.md"
    result = hmic(
        "report", "--db", str(june_register), "--since", "2017-03-01",
        "--until", "2017-06-08", "--force", "West Midlands Police",
        "--format", "md", "--output", str(output),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = output.read_text()
    # Only PEEL 2016 (2 March 2017) was published in the period.
    assert "- Inspection reports received: 1\n" in text
    assert "custody" not in text.lower()
    assert "2018" not in text
    red = text.split("currently assessed as Red", 1)[1].split("\n## ", 1)[0]
    assert "DASH risk assessment" in red
    update = build_update(
        read_register(june_register), date(2017, 3, 1), date(2017, 6, 8),
        "West Midlands Police",
    )  # fmt: skip
    # The 2018 tracker closed "victims are kept informed"; in June 2017 it is open.
    informed = update.outstanding[
        update.outstanding["text"].str.contains("victims are kept informed")
    ]
    assert list(informed["status"]) == ["open"]
    # The seed: of Everyone's business's eight, 1-3 and 6-8 "addressed and
    # archived" and 4 superseded; 5 is described, with no status word (the
    # January 2018 tracker calls it on-going, after this paper).
    quoted = _statuses_quoted_from(update, june_register)
    eb = quoted["Everyone’s Business"]
    assert (eb.get("closed"), eb.get("superseded"), sum(eb.values())) == (6, 1, 8)
    # Increasingly everyone's business's three "are on-going" (one sentence for
    # all three, so the register may hold no status word for each): none closed.
    increasingly = quoted["Increasingly everyone's business"]
    assert sum(increasingly.values()) == 3
    assert set(increasingly) <= {"open", "in_progress"}


def _statuses_quoted_from(update, register) -> dict[str, dict[str, int]]:
    """Source report title (up to its colon) → status → items the seed tracker
    quotes from it, with the statuses of `update` (as of its date)."""
    import sqlite3
    from collections import Counter

    with sqlite3.connect(register) as conn:
        rows = conn.execute(
            "SELECT o.source_report, o.item_id FROM occurrences AS o JOIN reports "
            "AS r ON r.id = o.report_id WHERE r.file_name LIKE 'committee-update%'"
        ).fetchall()
    status = dict(zip(update.items["id"], update.items["status"], strict=True))
    counts: dict[str, Counter] = {}
    for source, item_id in rows:
        counts.setdefault(source.split(":")[0], Counter())[status[item_id]] += 1
    return {source: dict(counter) for source, counter in counts.items()}


def test_peel_2015_concern_repeated_in_2016_is_one_item(register):
    result = hmic("export", "--db", str(register), "--format", "json")
    assert result.returncode == 0, result.stderr
    register_json = json.loads(result.stdout)
    concerns = [
        item
        for item in register_json["items"]
        if item["kind"] == "cause_of_concern" and "domestic abuse" in item["text"]
    ]
    assert len(concerns) == 1
    reports = {o["report_id"] for o in concerns[0]["occurrences"]}
    assert len(reports) == 3  # PEEL 2015, PEEL 2016 and the committee paper
