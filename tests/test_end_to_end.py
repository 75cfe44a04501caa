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


def hmic(*args: str) -> subprocess.CompletedProcess:
    """Run the installed `hmic` command."""
    command = [str(Path(sys.executable).with_name("hmic")), *args]
    return subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, timeout=600
    )


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("e2e") / "register.db"
    result = hmic("ingest", "--db", str(db), *[str(CORPUS / name) for name in REPORTS])
    assert result.returncode == 0, result.stderr
    return db


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
