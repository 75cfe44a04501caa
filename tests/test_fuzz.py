"""Mutated PDFs never crash, hang or leak a traceback: a report or a reason.

Hypothesis flips, deletes, inserts and truncates bytes of tests/pdfs/two-pages.pdf
(and splices in PDF tokens, which reach deeper into the parser than random
bytes do). Each mutant goes through run_extract's child with a 30 s deadline:
a 2 KB file that takes that long is a hang. 40 examples, about 20 s.
"""

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from extract import isolate
from extract.errors import REASONS, ExtractError, TooSlow
from tests.test_hazards import pick_target

SEED_PDF = (Path(__file__).parent / "pdfs" / "two-pages.pdf").read_bytes()
SIZE = len(SEED_PDF)
DEADLINE_S = 30.0
MEMORY_MIB = 768
TOKENS = [
    b"obj",
    b"endobj",
    b"<<",
    b">>",
    b"[",
    b"]",
    b" 0 R",
    b"-1",
    b"99999999999",
    b"/Length 0",
    b"/Filter /FlateDecode",
    b"stream\n",
    b"endstream",
    b"xref",
    b"trailer",
    b"%%EOF",
    b"(cid:1)",
]

positions = st.integers(0, SIZE - 1)
mutations = st.one_of(
    st.tuples(st.just("set"), positions, st.integers(0, 255)),
    st.tuples(st.just("delete"), positions, st.integers(1, 64)),
    st.tuples(st.just("insert"), positions, st.binary(min_size=1, max_size=32)),
    st.tuples(st.just("insert"), positions, st.sampled_from(TOKENS)),
    st.tuples(st.just("truncate"), positions),
)


def mutate(data: bytes, mutation: tuple) -> bytes:
    """One mutation applied; positions past the end are clamped."""
    kind, at, *arg = mutation
    at = min(at, len(data))
    if kind == "set":
        return data[:at] + bytes(arg) + data[at + 1 :]
    if kind == "delete":
        return data[:at] + data[at + arg[0] :]
    if kind == "insert":
        return data[:at] + arg[0] + data[at:]
    return data[:at]


def assert_clean_outcome(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mutant.pdf"
        path.write_bytes(data)
        # A bug in the child raises ChildFailed/ChildCrashed here, with its traceback.
        run = isolate._run_in_child(pick_target(), path, DEADLINE_S, MEMORY_MIB)
    if isinstance(run.outcome, ExtractError):
        assert run.outcome.reason in REASONS
        assert not isinstance(run.outcome, TooSlow), "a 2 KB file hung"
    else:
        assert run.outcome["source"]["pages"] >= 1


@settings(
    max_examples=int(os.environ.get("HMIC_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(mutations, min_size=1, max_size=6))
@example([("truncate", SIZE // 2)])
@example([("insert", SIZE // 3, b"99999999999")])
@example([("delete", 0, 9)])
def test_mutated_pdf_ends_as_report_or_reason(edits):
    data = SEED_PDF
    for edit in edits:
        data = mutate(data, edit)
    assert_clean_outcome(data)


def test_mutate_can_break_the_header():
    assert not mutate(SEED_PDF, ("delete", 0, 9)).startswith(b"%PDF")
    assert mutate(SEED_PDF, ("truncate", 10)) == SEED_PDF[:10]
