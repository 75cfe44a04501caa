"""extract/isolate.py and `hmic extract`: deadline, memory cap, bugs, CLI errors.

The child targets are module-level functions, since the child imports them by name.
"""

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from extract import isolate
from extract.errors import DamagedPdf, TooLarge, TooSlow
from pipeline.cli import cli

PDFS = Path(__file__).parent / "pdfs"
HAZARDS = Path(__file__).resolve().parents[2] / "shared" / "pdf-hazards"


def sleep_past_deadline(path):
    time.sleep(60)


def allocate_beyond_cap(path):
    chunks = []
    while True:
        chunks.append(bytearray(64 << 20))


def allocate_at_once(path):
    return {"size": len(bytearray(4 << 30))}


def kill_self(path):
    os.kill(os.getpid(), signal.SIGKILL)


def abort_self(path):
    os.abort()


def raise_bug(path):
    raise ValueError(f"boom in {path}")


def raise_damaged(path):
    raise DamagedPdf(f"cannot open it (KeyError) {path}")


def echo(path):
    return {"path": path, "pid": os.getpid()}


def read_file(path):
    return {"bytes": len(Path(path).read_bytes())}


def gc_settings(path):
    import gc

    return {"threshold": gc.get_threshold(), "frozen": gc.get_freeze_count()}


def start_grandchild_then_sleep(path):
    grandchild = subprocess.Popen(["sleep", "60"])
    Path(path).write_text(str(grandchild.pid))
    time.sleep(60)


@pytest.fixture(scope="module")
def warm_forkserver():
    """Start the fork server (it imports spaCy) before anything is timed."""
    isolate._run_in_child(echo, "x.pdf", 120, 512)


def test_deadline_gives_too_slow_soon_after_it(warm_forkserver):
    started = time.monotonic()
    run = isolate._run_in_child(sleep_past_deadline, "x.pdf", 1.0, 512)
    assert isinstance(run.outcome, TooSlow)
    assert "1 s deadline" in str(run.outcome)
    assert time.monotonic() - started < 1.0 + 2.0


def test_deadline_kills_the_whole_process_group(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    run = isolate._run_in_child(start_grandchild_then_sleep, pid_file, 2.0, 512)
    assert isinstance(run.outcome, TooSlow)
    grandchild = int(pid_file.read_text())
    for _ in range(50):  # reaped by init shortly after the kill
        if not is_running(grandchild):
            break
        time.sleep(0.1)
    assert not is_running(grandchild)


def is_running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("fn", [allocate_beyond_cap, allocate_at_once])
def test_memory_cap_gives_too_large(fn):
    run = isolate._run_in_child(fn, "x.pdf", 30.0, 512)
    assert isinstance(run.outcome, TooLarge)
    assert "512 MiB" in str(run.outcome)


def test_child_killed_by_the_system_is_too_large():
    run = isolate._run_in_child(kill_self, "x.pdf", 30.0, 512)
    assert isinstance(run.outcome, TooLarge)


def test_bug_in_child_is_raised_with_its_traceback():
    with pytest.raises(isolate.ChildFailed) as caught:
        isolate._run_in_child(raise_bug, "x.pdf", 30.0, 512)
    message = str(caught.value)
    assert "Traceback (most recent call last)" in message
    assert "ValueError: boom in x.pdf" in message
    assert "raise_bug" in message


def test_crashed_child_is_a_bug_not_a_reason():
    with pytest.raises(isolate.ChildCrashed, match="SIGABRT"):
        isolate._run_in_child(abort_self, "x.pdf", 30.0, 512)


def test_extract_error_comes_back_whole():
    run = isolate._run_in_child(raise_damaged, "x.pdf", 30.0, 512)
    assert type(run.outcome) is DamagedPdf
    assert str(run.outcome) == "damaged PDF: cannot open it (KeyError) x.pdf"


def test_os_error_is_raised_in_the_parent(tmp_path):
    with pytest.raises(FileNotFoundError):
        isolate._run_in_child(read_file, tmp_path / "missing.pdf", 30.0, 512)


def test_result_and_cost_come_back_from_another_process():
    run = isolate._run_in_child(echo, "x.pdf", 30.0, 512)
    assert run.outcome["path"] == "x.pdf"
    assert run.outcome["pid"] != os.getpid()
    assert run.peak_mib > 0


def test_child_collects_garbage_rarely_and_never_scans_the_preloaded_modules():
    run = isolate._run_in_child(gc_settings, "x.pdf", 30.0, 512)
    assert run.outcome["threshold"] == isolate.GC_THRESHOLD
    assert run.outcome["threshold"][0] > 700  # Python's default
    # spaCy's and pdfplumber's objects, imported by the fork server, are frozen.
    assert run.outcome["frozen"] > 10_000


def test_thread_safe():
    paths = [f"file-{n}.pdf" for n in range(8)]
    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(lambda p: isolate._run_in_child(echo, p, 30, 512), paths))
    assert [r.outcome["path"] for r in runs] == paths
    assert len({r.outcome["pid"] for r in runs}) == len(paths)


@pytest.mark.parametrize("timeout_s, memory_mib", [(0, 512), (1, 0)])
def test_limits_must_be_positive(timeout_s, memory_mib):
    with pytest.raises(ValueError):
        isolate._run_in_child(echo, "x.pdf", timeout_s, memory_mib)


def test_run_extract_raises_the_reason():
    with pytest.raises(DamagedPdf, match="page 1 \\(IndexError"):
        isolate.run_extract(PDFS / "all-pages-bad.pdf", timeout_s=60)


# --- hmic extract on bad input -------------------------------------------------


@pytest.mark.parametrize(
    "name, reason",
    [
        ("not-a-pdf.pdf", "not a PDF"),
        ("zero-bytes.pdf", "not a PDF: the file is empty"),
        ("encrypted-user-password.pdf", "encrypted (needs a password)"),
    ],
)
def test_cli_bad_input_is_one_line_on_stderr(name, reason):
    path = str(PDFS / name)
    result = CliRunner().invoke(cli, ["extract", path])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {path}: {reason}")
    assert result.stderr.count("\n") == 1


def test_cli_too_slow_names_the_limit(monkeypatch):
    monkeypatch.setattr(isolate, "extract_with_warnings", sleep_past_deadline)
    path = str(PDFS / "two-pages.pdf")
    result = CliRunner().invoke(cli, ["extract", "--timeout", "0.5", path])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: {path}: too slow: over the 0.5 s deadline\n"


def test_cli_limits_are_in_the_help():
    result = CliRunner().invoke(cli, ["extract", "--help"])
    assert "--timeout" in result.stdout and "default: 120" in result.stdout
    assert "--memory-mib" in result.stdout and "default: 1536" in result.stdout


@pytest.mark.skipif(not HAZARDS.is_dir(), reason=f"no {HAZARDS}")
def test_cli_in_a_real_process_keeps_pdfminer_logs_off_stderr():
    # operator_list_cycle.pdf makes pdfminer log "MediaBox missing" before it
    # fails: stderr must still be the one Error line.
    path = str(HAZARDS / "pdfjs__operator_list_cycle.pdf")
    result = subprocess.run(
        [Path(sys.executable).parent / "hmic", "extract", path],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parents[1],
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: {path}: damaged PDF: cannot list its pages "
        "(TypeError: 'NoneType' object is not iterable)"
    ]
