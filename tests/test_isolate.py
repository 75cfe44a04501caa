"""extract/isolate.py and `hmic extract`: deadline, memory cap, bugs, CLI errors.

The child targets are module-level functions, since the child imports them by name.
"""

import multiprocessing.context
import os
import signal
import subprocess
import sys
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from extract import isolate, ocr
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


def alarm_self(path):
    os.kill(os.getpid(), signal.SIGALRM)


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


def ocr_recording_group(spec: str):
    """extract_with_warnings on a scan, having written this child's process
    group (its pid) to a file: "PIDFILE::SCAN"."""
    pid_file, scan = spec.split("::")
    Path(pid_file).write_text(str(os.getpgid(0)))
    return isolate.extract_with_warnings(scan)


def group_members(pgid: int) -> list[int]:
    """Live processes in process group `pgid`."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(stat.parent.name))
    return members


@pytest.mark.skipif(not ocr.is_available(), reason="OCR (tesseract) is not installed")
def test_ocr_runs_under_the_deadline_and_dies_with_the_child(tmp_path, warm_forkserver):
    scan = Path(__file__).parent / "scanned" / "fam-joint-2022-lincolnshire.pdf"
    pid_file = tmp_path / "child.pgid"
    started = time.monotonic()
    run = isolate._run_in_child(ocr_recording_group, f"{pid_file}::{scan}", 4.0, 1536)
    assert isinstance(run.outcome, TooSlow)  # 5 pages of OCR take about 15 s
    assert time.monotonic() - started < 4.0 + 3.0
    pgid = int(pid_file.read_text())
    for _ in range(50):  # tesseract, its child, is killed with it
        if not group_members(pgid):
            break
        time.sleep(0.1)
    assert group_members(pgid) == []


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


def test_child_that_cannot_start_says_so(monkeypatch):
    def no_process(process_obj):
        raise OSError(11, "Resource temporarily unavailable")

    process_class = multiprocessing.context.ForkServerProcess
    monkeypatch.setattr(process_class, "_Popen", staticmethod(no_process))
    with pytest.raises(isolate.ChildNotStarted, match="Resource temporarily"):
        isolate._run_in_child(echo, "x.pdf", 30.0, 512)


def test_child_keeps_its_own_deadline_without_its_parent():
    # The child is started here but nobody waits on it or kills it, as when
    # the ingest that started it was killed: its own alarm must end it.
    receiver, sender = isolate._CONTEXT.Pipe(duplex=False)
    limits = isolate.ChildLimits(alarm_s=1.0, memory_mib=512, owner_pid=os.getpid())
    child = isolate._CONTEXT.Process(
        target=isolate._child_main, args=(sender, sleep_past_deadline, "x", limits)
    )
    child.start()
    sender.close()
    child.join(30)
    try:
        assert child.exitcode == -signal.SIGALRM
    finally:
        if child.exitcode is None:
            child.kill()
            child.join()
        receiver.close()


def test_child_ended_by_its_own_alarm_is_too_slow():
    run = isolate._run_in_child(alarm_self, "x.pdf", 30.0, 512)
    assert isinstance(run.outcome, TooSlow)


def test_child_exits_at_once_when_its_owner_is_gone():
    gone = subprocess.Popen(["true"])
    gone.wait()
    receiver, sender = isolate._CONTEXT.Pipe(duplex=False)
    limits = isolate.ChildLimits(alarm_s=60.0, memory_mib=512, owner_pid=gone.pid)
    child = isolate._CONTEXT.Process(
        target=isolate._child_main, args=(sender, sleep_past_deadline, "x", limits)
    )
    child.start()
    sender.close()
    child.join(30)
    try:
        assert child.exitcode == 1
    finally:
        if child.exitcode is None:
            child.kill()
            child.join()
        receiver.close()


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


def write_compression_bomb(path: Path, mib: int) -> Path:
    """A one-page PDF whose content stream inflates to `mib` MiB of spaces."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    stream = b"".join(packer.compress(chunk) for _ in range(mib)) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
        + stream
        + b"\nendstream",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref_at = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    path.write_bytes(body)
    return path


def test_compression_bomb_is_too_large_not_damaged(tmp_path):
    # pdfplumber wraps the MemoryError, and the page reader records it as a
    # failed page: it must still come back as too_large.
    bomb = write_compression_bomb(tmp_path / "bomb.pdf", mib=1024)
    with pytest.raises(TooLarge, match="512 MiB"):
        isolate.run_extract(bomb, timeout_s=60, memory_mib=512)


def test_memory_error_recorded_as_text_counts_as_out_of_memory():
    recorded = DamagedPdf("no page could be read: page 1 (MemoryError: no buffer)")
    assert isolate.ran_out_of_memory(recorded)
    try:
        try:
            raise MemoryError
        except MemoryError as exc:
            raise DamagedPdf("cannot open it") from exc
    except DamagedPdf as wrapped:
        assert isolate.ran_out_of_memory(wrapped)
    assert not isolate.ran_out_of_memory(DamagedPdf("cannot open it (KeyError)"))


# --- hmic extract on bad input -------------------------------------------------


def test_cli_directory_is_one_error_line_not_usage(tmp_path):
    result = CliRunner().invoke(cli, ["extract", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: {tmp_path}: is a directory\n"


def test_cli_unreadable_file_is_one_error_line_not_usage(tmp_path, monkeypatch):
    path = tmp_path / "locked.pdf"
    path.write_text("not a pdf either")
    path.chmod(0)
    if os.access(path, os.R_OK):
        # root reads anything: make click see it as other users would, and
        # the file's content gives the error line instead.
        real_access = os.access
        monkeypatch.setattr(
            os,
            "access",
            lambda p, mode, **kw: (
                False if str(p) == str(path) else real_access(p, mode, **kw)
            ),
        )
        reason = "not a PDF"
    else:
        reason = "permission denied"
    result = CliRunner().invoke(cli, ["extract", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {path}: {reason}")
    assert result.stderr.count("\n") == 1


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


def test_cli_child_that_cannot_start_is_one_error_line(monkeypatch):
    def no_process(process_obj):
        raise OSError(12, "Cannot allocate memory")

    process_class = multiprocessing.context.ForkServerProcess
    monkeypatch.setattr(process_class, "_Popen", staticmethod(no_process))
    path = str(PDFS / "two-pages.pdf")
    result = CliRunner().invoke(cli, ["extract", path])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {path}: could not start the extraction process "
        "(OSError: [Errno 12] Cannot allocate memory)\n"
    )


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
