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


# The printed June 2017 paper: the seed prints on 10 A4 pages; ours once took
# 20, most of them a section heading and white space, with table headers
# broken mid-word ("Close d", "Supersed ed", "In progres s").
MAX_JUNE_PAGES = 10  # no longer than the seed
A4_TEXT_WIDTH_PX = 673  # 210 mm less 2 × 16 mm margins, at 96 px per inch

# Each header cell word whose letters do not all sit on one line.
SPLIT_HEADER_WORDS = """
() => {
  const split = [];
  for (const th of document.querySelectorAll("th")) {
    const text = th.firstChild;
    if (!text || text.nodeType !== Node.TEXT_NODE) continue;
    for (const match of text.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(text, match.index);
      range.setEnd(text, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (tops.size > 1) split.push(match[0]);
    }
  }
  return split;
}
"""


def test_june_2017_paper_prints_like_the_seed(june_register, tmp_path):
    from corpus.chromium import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found; install Debian's chromium to run this")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright missing")
    import pdfplumber

    output = tmp_path / "june.html"
    result = hmic(
        "report", "--db", str(june_register), "--since", "2017-03-01",
        "--until", "2017-06-08", "--force", "West Midlands Police",
        "--output", str(output),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page(viewport={"width": A4_TEXT_WIDTH_PX, "height": 900})
            page.goto(output.as_uri())
            page.emulate_media(media="print")
            split = page.evaluate(SPLIT_HEADER_WORDS)
            headers = page.locator("th").count()
            pdf = tmp_path / "june.pdf"
            page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
        finally:
            browser.close()
    assert headers > 20  # the check above read the paper's tables
    assert split == []
    with pdfplumber.open(pdf) as document:
        pages = len(document.pages)
        texts = [p.extract_text() or "" for p in document.pages]
        charts = [bool(p.images) for p in document.pages]
    assert pages <= MAX_JUNE_PAGES, f"{pages} A4 pages"
    # Sections flow on: no page holds a section heading and nothing else
    # (a page may be mostly a chart, where the paper discusses it).
    filled = [
        len(text.split()) > 40 or chart
        for text, chart in zip(texts, charts, strict=True)
    ]
    assert all(filled[:-1]), [len(t.split()) for t in texts]
    # The long lists follow as appendices, after the Committee's recommendation.
    whole = "\n".join(texts)
    assert whole.index("Recommendations") < whole.index("Appendix A")
