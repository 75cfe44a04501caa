"""Batch ingest (pipeline/ingest.py): once only, failures, concurrency, kills."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extract import isolate
from pipeline import export, ingest, register
from tests import register_fixtures as fx
from tests.test_serve import write_pdf

ROOT = Path(__file__).resolve().parent.parent
INGEST_SCRIPT = """
import sys
from pipeline.ingest import ingest_paths, summary_lines
from tests.register_fixtures import json_extract
summary = ingest_paths(sys.argv[1], sys.argv[2:], extract_fn=json_extract, quiet=True)
print("\\n".join(summary_lines(summary)), file=sys.stderr)
sys.exit(summary.exit_code)
"""


INGEST_WITH_SLOW_CHILD = """
import sys
from extract import isolate
from pipeline.ingest import ingest_paths
from tests.test_ingest import record_pid_then_sleep

def extract_fn(path):
    return isolate._run_in_child(record_pid_then_sleep, path, 300, 512).outcome

if __name__ == "__main__":
    ingest_paths(sys.argv[1], sys.argv[2:], extract_fn=extract_fn, quiet=True)
"""


def record_pid_then_sleep(path):
    """An extraction child that never ends by itself (it writes PATH.pid first)."""
    Path(f"{path}.pid").write_text(str(os.getpid()))
    time.sleep(300)


class CountingExtract:
    """json_extract that counts its calls."""

    def __init__(self):
        self.calls = 0

    def __call__(self, path):
        self.calls += 1
        return fx.json_extract(path)


@pytest.fixture
def paths(tmp_path):
    return fx.write_documents(tmp_path / "docs", fx.all_documents())


def run_ingest(db_path, paths, **kwargs):
    kwargs.setdefault("extract_fn", fx.json_extract)
    return ingest.ingest_paths(db_path, paths, quiet=True, **kwargs)


def export_text(db_path) -> str:
    return export.export_json(register.open_register(db_path))


def counts(db_path) -> dict:
    db = register.open_register(db_path)
    return {t: db[t].count for t in ("reports", "report_files", "items", "occurrences")}


def start_ingest(db_path, paths, **env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", INGEST_SCRIPT, str(db_path), *map(str, paths)],
        cwd=ROOT,
        env=os.environ | env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_ingest_twice_gives_identical_export_and_skips_fast(tmp_path, paths):
    db_path = tmp_path / "register.db"
    first = run_ingest(db_path, paths)
    assert (first.count("loaded"), first.exit_code) == (5, 0)
    exported = export_text(db_path)

    extract = CountingExtract()
    started = time.perf_counter()
    second = run_ingest(db_path, paths, extract_fn=extract)
    elapsed = time.perf_counter() - started

    assert second.count("skipped") == 5 and extract.calls == 0
    assert elapsed < 1.0, elapsed
    assert all(a.duration_s < 0.05 for a in second.attempts)
    assert export_text(db_path) == exported


def test_export_does_not_depend_on_worker_count_or_file_order(tmp_path, paths):
    run_ingest(tmp_path / "a.db", paths, workers=1)
    run_ingest(tmp_path / "b.db", list(reversed(paths)), workers=4)
    assert export_text(tmp_path / "a.db") == export_text(tmp_path / "b.db")


def test_failing_file_in_the_middle_leaves_the_rest_loaded(tmp_path, paths):
    damaged = tmp_path / "docs" / "damaged.json"
    damaged.write_text(json.dumps({"fail": "DamagedPdf"}))
    broken = tmp_path / "docs" / "broken.json"
    broken.write_text(json.dumps({"source": {"sha256": "x"}, "report": {}}))
    db_path = tmp_path / "register.db"

    summary = run_ingest(db_path, [*paths[:2], damaged, broken, *paths[2:]])

    assert summary.exit_code == 1
    reasons = {Path(a.file).name: a.reason for a in summary.failed}
    assert reasons == {"damaged.json": "damaged", "broken.json": "invalid_document"}
    assert counts(db_path)["reports"] == 5
    db = register.open_register(db_path)
    assert register.check_integrity(db) == []
    log = {row["outcome"]: row["n"] for row in db.query(
        "SELECT outcome, count(*) AS n FROM ingest_log GROUP BY outcome")}  # fmt: skip
    assert log == {"loaded": 5, "failed": 2}
    lines = ingest.summary_lines(summary)
    assert lines[0] == "loaded 5, skipped 0, failed 2"
    assert any("damaged.json: damaged" in line for line in lines)


def test_unexpected_error_fails_one_file_and_the_batch_goes_on(
    tmp_path, paths, monkeypatch
):
    buggy = tmp_path / "docs" / "buggy.json"
    buggy.write_text("{}")
    unstarted = tmp_path / "docs" / "unstarted.json"
    unstarted.write_text("{}")
    breaks_loading = fx.write_documents(tmp_path / "more", [fx.peel_2015()])[0]

    def extract_fn(path):
        if path == str(buggy):
            raise RuntimeError("a rule went wrong")
        if path == str(unstarted):
            raise isolate.ChildNotStarted(f"{path}: could not start (OSError)")
        return fx.json_extract(path)

    load_document = register.load_document

    def failing_load(db, document, **kwargs):
        if document["source"]["path"] == str(breaks_loading):
            raise ZeroDivisionError("a bug in the register")
        return load_document(db, document, **kwargs)

    monkeypatch.setattr(register, "load_document", failing_load)
    db_path = tmp_path / "register.db"
    summary = run_ingest(
        db_path, [buggy, unstarted, breaks_loading, *paths], extract_fn=extract_fn
    )

    assert summary.count("loaded") == 5 and summary.exit_code == 1
    assert {Path(a.file).name: a.reason for a in summary.failed} == {
        "buggy.json": "internal_error",
        "unstarted.json": "internal_error",
        breaks_loading.name: "internal_error",
    }
    logged = {
        Path(row["file"]).name: row["error"]
        for row in register.open_register(db_path).query(
            "SELECT file, error FROM ingest_log WHERE outcome = 'failed'"
        )
    }
    assert "Traceback" in logged["buggy.json"]
    assert "RuntimeError: a rule went wrong" in logged["buggy.json"]
    assert "ZeroDivisionError: a bug in the register" in logged[breaks_loading.name]
    lines = ingest.summary_lines(summary)
    assert f"  {buggy}: internal_error: RuntimeError: a rule went wrong" in lines
    assert all("Traceback" not in line for line in lines)


def test_full_disk_stops_the_batch_and_leaves_the_register_as_it_was(tmp_path, paths):
    db_path = tmp_path / "register.db"
    loaded, batch = paths[:2], paths[2:]  # the batch's first report is the biggest
    run_ingest(db_path, loaded)
    before = (counts(db_path), export_text(db_path))
    db = register.open_register(db_path)
    # SQLite's own "database or disk is full", as on a full disk: no free
    # pages left, and no new ones.
    db.execute("VACUUM")
    (pages,) = db.execute("PRAGMA page_count").fetchone()
    db.execute(f"PRAGMA max_page_count = {pages}")

    summary = ingest.ingest_paths(
        db, batch, extract_fn=fx.json_extract, quiet=True, workers=1
    )

    reasons = [a.reason for a in summary.attempts]
    assert reasons == ["disk_full"] + ["not_attempted"] * (len(batch) - 1)
    assert summary.exit_code == 1
    assert (counts(db_path), export_text(db_path)) == before
    lines = ingest.summary_lines(summary)
    assert lines[0] == f"loaded 0, skipped 0, failed {len(batch)}"
    assert lines[1].startswith("stopped: the disk is full (database or disk is full)")
    assert f"{len(batch) - 1} more files were not attempted" in lines[1]
    assert sum("not_attempted" in line for line in lines) == len(batch) - 1


def test_item_less_reports_with_one_title_stay_two_reports(tmp_path):
    # Real PDFs through the real extractor: one title, no items, 1 and 2 pages.
    title = "Police annual assessment 2020"
    (tmp_path / "in").mkdir()
    (tmp_path / "again").mkdir()
    one_page = write_pdf(tmp_path / "in" / "annual-2020.pdf", [title])
    two_pages = write_pdf(
        tmp_path / "in" / "annual-2020-full.pdf", [title, "Chapter two of it"]
    )
    resaved = tmp_path / "again" / "annual-2020.pdf"  # downloaded again
    resaved.write_bytes(one_page.read_bytes() + b"% saved again\n")
    db_path = tmp_path / "register.db"

    first = ingest.ingest_paths(db_path, [one_page, two_pages], quiet=True)
    second = ingest.ingest_paths(db_path, [resaved], quiet=True)

    assert sorted(a.outcome for a in first.attempts) == ["loaded", "loaded"], [
        (a.file, a.reason, a.error) for a in first.attempts
    ]
    assert [(a.outcome, a.reason) for a in second.attempts] == [
        ("skipped", "same_content")
    ]
    db = register.open_register(db_path)
    assert sorted(r["pages"] for r in db["reports"].rows) == [1, 2]
    assert {r["title"] for r in db["reports"].rows} == {title}


def test_report_loaded_under_the_old_content_hash_is_still_recognised(tmp_path, paths):
    db_path = tmp_path / "register.db"
    run_ingest(db_path, paths[:1])
    db = register.open_register(db_path)
    document = fx.json_extract(paths[0])
    db.execute(  # as a register loaded before page counts were hashed
        "UPDATE reports SET content_hash = ?",
        [register.dedupe.legacy_content_hash(document)],
    )
    db.conn.commit()
    copy = tmp_path / "docs" / "copy.json"
    copy.write_text(paths[0].read_text() + "\n")
    summary = run_ingest(db_path, [copy])
    assert [(a.outcome, a.reason) for a in summary.attempts] == [
        ("skipped", "same_content")
    ]


def test_resaved_copy_is_skipped_after_extraction(tmp_path, paths):
    db_path = tmp_path / "register.db"
    run_ingest(db_path, paths)
    copy = tmp_path / "docs" / "copy-of-peel.json"
    copy.write_text(paths[0].read_text() + "\n")  # other bytes, same report
    summary = run_ingest(db_path, [copy])
    assert [(a.outcome, a.reason) for a in summary.attempts] == [
        ("skipped", "same_content")
    ]
    assert counts(db_path)["reports"] == 5


def test_reextract_reloads_known_files_and_keeps_analyst_fields(tmp_path, paths):
    db_path = tmp_path / "register.db"
    run_ingest(db_path, paths)
    db = register.open_register(db_path)
    item_id = next(db.query("SELECT id FROM items ORDER BY id"))["id"]
    register.record_change(db, item_id, "status", "closed", note="evidence filed")
    register.record_change(db, item_id, "owner", "ACC Crime")
    before = export_text(db_path)

    extract = CountingExtract()
    summary = run_ingest(db_path, paths, extract_fn=extract, reextract=True)

    assert extract.calls == 5 and summary.count("loaded") == 5
    assert {a.reason for a in summary.attempts} == {"reextracted"}
    assert export_text(db_path) == before
    item = register.open_register(db_path)["items"].get(item_id)
    assert (item["status"], item["owner"]) == ("closed", "ACC Crime")
    assert "evidence filed" in item["notes"]


def test_iter_pdf_paths_and_longest_first(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"x")
    (tmp_path / "b.PDF").write_bytes(b"xxx")
    (tmp_path / "notes.txt").write_text("no")
    (tmp_path / "paper.docx").write_bytes(b"xx")  # a Word committee paper
    (tmp_path / "~$paper.docx").write_bytes(b"x")  # Word's lock file
    found = ingest.iter_pdf_paths([tmp_path])
    assert [p.name for p in found] == ["a.pdf", "b.PDF", "paper.docx"]
    assert [p.name for p in ingest.longest_first(found)] == [
        "b.PDF", "paper.docx", "a.pdf"]  # fmt: skip


def test_two_concurrent_ingests_load_each_report_once(tmp_path, paths):
    db_path = tmp_path / "register.db"
    processes = [start_ingest(db_path, paths) for _ in range(2)]
    results = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], results
    single = tmp_path / "single.db"
    run_ingest(single, paths)
    assert counts(db_path) == counts(single)
    assert register.check_integrity(register.open_register(db_path)) == []
    assert export_text(db_path) == export_text(single)


def test_kill_mid_transaction_leaves_database_before_or_after(tmp_path, paths):
    db_path = tmp_path / "register.db"
    run_ingest(db_path, paths[:1])
    before = counts(db_path)
    marker = tmp_path / "sleeping"
    process = start_ingest(
        db_path,
        paths,
        HMIC_TEST_SLEEP_IN_TRANSACTION="60",
        HMIC_TEST_SLEEP_MARKER=str(marker),
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the writer never reached the hook"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)

    db = register.open_register(db_path)
    assert register.check_integrity(db) == []
    assert counts(db_path) == before
    summary = run_ingest(db_path, paths)
    assert summary.exit_code == 0 and counts(db_path)["reports"] == 5


def test_killed_ingest_leaves_no_extraction_child(tmp_path):
    slow = tmp_path / "slow.pdf"
    slow.write_bytes(b"%PDF-1.4 never read")
    process = subprocess.Popen(
        [sys.executable, "-c", INGEST_WITH_SLOW_CHILD, str(tmp_path / "r.db"), slow],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    pid_file = Path(f"{slow}.pid")
    deadline = time.monotonic() + 120
    while not pid_file.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the child never started"
        time.sleep(0.05)
    time.sleep(0.1)  # the pid is written before the file is closed
    child = int(pid_file.read_text())
    process.kill()
    process.wait(timeout=30)
    try:
        for _ in range(100):  # the kernel's SIGKILL comes at once; allow 10 s
            if not is_running(child):
                break
            time.sleep(0.1)
        assert not is_running(child), "the extraction child outlived its ingest"
    finally:
        if is_running(child):
            os.kill(child, signal.SIGKILL)
    assert "BrokenPipeError" not in process.stderr.read()


def is_running(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting to be reaped does not count)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_worker_memory_caps_keep_all_workers_inside_the_machine():
    assert ingest.worker_memory_mib(2, total_mib=24_000) == 1536  # this machine
    assert ingest.worker_memory_mib(4, total_mib=8192) == 1024
    assert ingest.worker_memory_mib(8, total_mib=4096) == 512  # the floor
    for workers, total in [(1, 2048), (2, 4096), (4, 8192), (16, 65536), (3, 3000)]:
        count = ingest.worker_count(workers, total_mib=total)
        cap = ingest.worker_memory_mib(count, total_mib=total)
        assert 1 <= count <= workers
        assert count * cap <= total * ingest.MEMORY_SHARE, (workers, total)
    assert ingest.worker_count(16, total_mib=4096) == 4
    assert ingest.worker_count(None, total_mib=1 << 20) == (os.cpu_count() or 1)
    extract_fn = ingest.default_extract_fn(4, total_mib=8192)
    assert extract_fn.func is isolate.run_extract
    assert extract_fn.keywords == {"memory_mib": 1024}


CORPUS = sorted((ROOT / "corpus").glob("*.pdf"))
GOLDEN = sorted((ROOT / "tests/golden").glob("*.json"))
REPEATS = ROOT / "corpus/src/REPEATS.tsv"


@pytest.mark.skipif(not GOLDEN or not REPEATS.exists(), reason="no goldens/REPEATS")
def test_linking_on_golden_corpus_finds_known_repeats(tmp_path):
    """Linking alone (extractor errors aside): the corpus's golden documents
    loaded into a register, scored against corpus/src/REPEATS.tsv."""
    copies = []
    for golden in GOLDEN:
        copy = tmp_path / golden.name
        copy.write_bytes(golden.read_bytes())
        copies.append(copy)
    run_ingest(tmp_path / "register.db", copies)
    scores = fx.linking_scores(register.open_register(tmp_path / "register.db"))
    print(scores)
    assert scores["truth"] == scores["truth_total"]
    assert scores["precision"] >= 0.9 and scores["recall"] >= 0.9, scores


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS, reason="no corpus/*.pdf yet (make corpus)")
def test_corpus_pdfs_ingest_end_to_end(tmp_path):
    # Copies, because `make corpus` may rebuild corpus/ while the test runs.
    for pdf in CORPUS:
        (tmp_path / "corpus").mkdir(exist_ok=True)
        (tmp_path / "corpus" / pdf.name).write_bytes(pdf.read_bytes())
    db_path = tmp_path / "register.db"
    first = ingest.ingest_paths(db_path, [tmp_path / "corpus"], quiet=True, workers=2)
    assert len(first.attempts) == len(CORPUS)
    db = register.open_register(db_path)
    assert register.check_integrity(db) == []
    loaded = first.count("loaded") + first.count("skipped")
    # Placeholder reports (what trackers quote but the corpus lacks) have no file.
    files = db.execute("SELECT count(*) FROM reports WHERE NOT placeholder")
    assert files.fetchone()[0] == loaded
    exported = export_text(db_path)
    second = ingest.ingest_paths(db_path, [tmp_path / "corpus"], quiet=True)
    assert second.count("skipped") == loaded
    assert export_text(db_path) == exported


def test_status_edit_during_an_ingest_is_kept(tmp_path, paths):
    db_path = tmp_path / "register.db"
    run_ingest(db_path, paths[:1])
    item_id = next(register.open_register(db_path).query("SELECT id FROM items"))["id"]
    marker = tmp_path / "sleeping"
    process = start_ingest(
        db_path,
        paths,
        HMIC_TEST_SLEEP_IN_TRANSACTION="1",
        HMIC_TEST_SLEEP_MARKER=str(marker),
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    db = register.open_register(db_path)
    # The tracker in the batch says "closed" (2017); the analyst's entry is newer.
    register.record_change(db, item_id, "status", "in_progress", note="during ingest")
    assert process.wait(timeout=120) == 0, process.communicate()
    assert counts(db_path)["reports"] == 5
    item = register.open_register(db_path)["items"].get(item_id)
    assert item["status"] == "in_progress" and "during ingest" in item["notes"]


def test_publication_date_comes_from_the_manifest_when_the_cover_has_none(tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4 stand-in")
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    (tmp_path / "manifest.tsv").write_text(
        f"file\tsha256\tpublished\nreport.pdf\t{sha}\t2016-02-25\n"
    )

    def extract_fn(path):
        return {
            "source": {"path": path, "sha256": sha, "pages": 1},
            "report": {
                "title": "PEEL: Police effectiveness 2015",
                "published": None,  # the cover says only "February 2016"
                "inspectorates": ["HMIC"],
                "force": "West Midlands Police",
                "kind": "inspection",
            },
            "items": [],
        }

    db_path = tmp_path / "register.db"
    summary = ingest.ingest_paths(
        db_path, [pdf], extract_fn=extract_fn, workers=1, quiet=True
    )
    assert not summary.failed
    row = sqlite3.connect(db_path).execute(
        "select published, response_due from reports"
    )
    assert row.fetchone() == ("2016-02-25", "2016-04-21")


def test_progress_bar_counts_files_and_pages_on_stderr(tmp_path, paths, capsys):
    summary = ingest.ingest_paths(
        tmp_path / "r.db", paths, extract_fn=fx.json_extract, quiet=False
    )
    err = capsys.readouterr().err
    final = err.replace("\r", "\n").strip().splitlines()[-1]
    files = len(paths)
    pages = sum(a.pages or 0 for a in summary.attempts)
    assert pages > 0
    assert f"{files}/{files}" in final
    assert f"pages={pages}" in final


def test_progress_bar_stays_off_when_quiet(tmp_path, paths, capsys):
    ingest.ingest_paths(
        tmp_path / "r.db", paths, extract_fn=fx.json_extract, quiet=True
    )
    assert capsys.readouterr().err == ""


def test_no_progress_bar_when_stderr_is_not_a_terminal(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert ingest.is_quiet() is True
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert ingest.is_quiet() is False
    monkeypatch.setenv("CI", "1")
    assert ingest.is_quiet() is True
