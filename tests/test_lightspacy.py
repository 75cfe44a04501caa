"""spaCy imported without its CLI (extract/lightspacy.py), in fresh interpreters,
since a module can only be imported for the first time once per process."""

import json
import subprocess
import sys

from tests.bench_data import ROOT

CHECK = """
import json, sys
{setup}
from extract.nlp import build_nlp, SPANS_KEY
doc = build_nlp()("We recommend that the force improves its recording.")
found = [span.label_ for span in doc.spans[SPANS_KEY]]
cli_loaded = [m for m in ("typer", "requests", "httpx", "weasel") if m in sys.modules]
import spacy.cli
print(json.dumps({{
    "found": found,
    "cli_loaded": cli_loaded,
    "real_cli": hasattr(spacy.cli, "setup_cli"),
    "info": spacy.info()["spacy_version"],
}}))
"""


def run_check(setup: str = "") -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHECK.format(setup=setup)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_spacy_imports_without_its_cli_and_still_matches():
    got = run_check()
    assert got["found"] == ["recommendation"]
    assert got["cli_loaded"] == []
    # The stand-ins are gone: the real CLI still imports, and spacy.info works.
    assert got["real_cli"] is True
    assert got["info"].startswith("3.")


def test_a_spacy_that_wants_more_of_its_cli_gets_a_plain_import():
    # A stand-in without `info`: `from .cli.info import info` raises ImportError,
    # as a spaCy needing more of its CLI would.
    setup = (
        "import types, extract.lightspacy as light\n"
        "light.stand_ins = lambda: (types.ModuleType('spacy.cli'),"
        " types.ModuleType('spacy.cli.info'))"
    )
    got = run_check(setup)
    assert got["found"] == ["recommendation"]
    assert "typer" in got["cli_loaded"]
    assert got["real_cli"] is True
