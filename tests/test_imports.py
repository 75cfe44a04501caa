"""Each command imports only what it needs (issue 6): spaCy and pdfplumber
belong to the extraction child, pandas to `hmic report` and xlsx export.
Checked in fresh interpreters, since a test process has imported everything."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.bench_data import ROOT

HEAVY = ("spacy", "pandas", "pdfplumber", "matplotlib", "datasette")

RUN_CLI = """
import atexit, json, sys
heavy = {heavy!r}
atexit.register(lambda: print(json.dumps(sorted(m for m in heavy if m in sys.modules))))
sys.argv = ["hmic", *{args!r}]
from pipeline.cli import cli
cli()
"""


def modules_imported_by(*args: str) -> list[str]:
    code = RUN_CLI.format(heavy=HEAVY, args=list(args))
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def register_db(tmp_path_factory):
    from pipeline import register

    path = tmp_path_factory.mktemp("imports") / "register.db"
    register.open_register(path)
    return str(path)


def test_extract_parent_imports_no_spacy_pdfplumber_or_pandas():
    # The child, forked from a server that preloaded them, does the work.
    pdf = ROOT / "corpus" / "tracker-table-2018-west-midlands.pdf"
    assert modules_imported_by("extract", str(pdf)) == []


def test_export_imports_neither_extraction_nor_pandas(register_db):
    assert modules_imported_by("export", "--db", register_db) == []


def test_help_imports_nothing_heavy():
    assert modules_imported_by("--help") == []


def test_sqlite_utils_without_pandas_leaves_pandas_importable():
    code = (
        "import sys; import pipeline.database as d; "
        "assert 'pandas' not in sys.modules; "
        "import pandas, sqlite_utils.db; "
        "print(pandas.__name__, sqlite_utils.db.pd is None)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["pandas", "True"]
