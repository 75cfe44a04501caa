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


# --- the extract/ package's own imports (issue 16) ----------------------------

EXTRACT = ROOT / "extract"


def own_imports(path) -> list[tuple[str, bool]]:
    """(extract module imported, whether at the top level) for each import of
    another extract/ module in the file at `path`."""
    import ast

    tree = ast.parse(path.read_text(), filename=str(path))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level == 1:
                names = [f"{base}" if base else alias.name for alias in node.names]
            elif base == "extract" or base.startswith("extract."):
                names = [base.removeprefix("extract.").removeprefix("extract")]
                if not names[0]:
                    names = [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [
                alias.name.removeprefix("extract.")
                for alias in node.names
                if alias.name.startswith("extract.")
            ]
        for name in names:
            module = name.split(".")[0]
            if (EXTRACT / f"{module}.py").is_file():
                found.append((module, id(node) in top))
    return found


def extract_modules():
    return sorted(p for p in EXTRACT.glob("*.py") if p.name != "__init__.py")


def test_extract_modules_import_each_other_only_at_the_top():
    inside = {
        (path.stem, module)
        for path in extract_modules()
        for module, at_top in own_imports(path)
        if not at_top
    }
    assert inside == set()


def test_own_imports_sees_an_import_inside_a_function(tmp_path):
    # The check above can fail: a function-level import is found as one.
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from . import pdf\n"
        "from .items import Item\n"
        "def f():\n    from .layout import pages_to_blocks\n"
        "    import extract.metadata\n"
    )
    assert own_imports(sample) == [
        ("pdf", True), ("items", True), ("layout", False), ("metadata", False)
    ]  # fmt: skip


def test_extract_modules_import_no_cycle():
    graph = {
        path.stem: {module for module, _ in own_imports(path)}
        for path in extract_modules()
    }
    done, path = set(), []

    def visit(module):
        if module in path:
            cycle = path[path.index(module) :] + [module]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        path.append(module)
        for other in sorted(graph.get(module, ())):
            visit(other)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)
