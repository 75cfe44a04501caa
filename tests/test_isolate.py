"""extract/isolate.py and `hmic extract`: deadline, memory cap, bugs, reused
workers, CLI errors.

The worker targets are module-level functions, since the worker imports them by
name. A test that needs a fresh worker, or counts workers, stops them first.
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

from extract import child, isolate, ocr
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


def allocate_then_free(path):
    block = bytearray(160 << 20)
    block[::4096] = b"x" * len(block[::4096])  # touch every page
    return {"pid": os.getpid()}


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
    return child.extract_with_warnings(scan)


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
    isolate.stop_workers()  # else an idle worker takes the file

    def no_process(process_obj):
        raise OSError(11, "Resource temporarily unavailable")

    process_class = multiprocessing.context.ForkServerProcess
    monkeypatch.setattr(process_class, "_Popen", staticmethod(no_process))
    with pytest.raises(isolate.ChildNotStarted, match="Resource temporarily"):
        isolate._run_in_child(echo, "x.pdf", 30.0, 512)


def start_worker(owner_pid: int, max_tasks: int = isolate.MAX_TASKS):
    """A worker outside the pool: (process, the parent's end of its pipe)."""
    ours, theirs = isolate._CONTEXT.Pipe(duplex=True)
    limits = isolate.WorkerLimits(512, owner_pid, max_tasks)
    worker = isolate._CONTEXT.Process(
        target=isolate._worker_main, args=(theirs, limits)
    )
    worker.start()
    theirs.close()
    return worker, ours


def end_worker(worker, conn):
    if worker.exitcode is None:
        worker.kill()
        worker.join()
    conn.close()


def test_child_keeps_its_own_deadline_without_its_parent():
    # The worker is given a file but nobody waits on it or kills it, as when
    # the ingest that started it was killed: its own alarm must end it.
    worker, conn = start_worker(os.getpid())
    conn.send((sleep_past_deadline, "x", 1.0))
    worker.join(30)
    try:
        assert worker.exitcode == -signal.SIGALRM
    finally:
        end_worker(worker, conn)


def test_worker_alarm_is_disarmed_after_each_file():
    worker, conn = start_worker(os.getpid())
    try:
        conn.send((echo, "a", 0.5))
        assert conn.recv()[1]["path"] == "a"
        time.sleep(1.0)  # the first file's alarm would have rung by now
        assert worker.is_alive()
        conn.send((echo, "b", 30.0))
        assert conn.recv()[1]["path"] == "b"
    finally:
        end_worker(worker, conn)


def test_idle_worker_exits_when_its_pipe_closes():
    worker, conn = start_worker(os.getpid())
    conn.send((echo, "a", 30.0))
    conn.recv()
    conn.close()
    worker.join(30)
    try:
        assert worker.exitcode == 0
    finally:
        end_worker(worker, conn)


def test_child_ended_by_its_own_alarm_is_too_slow():
    run = isolate._run_in_child(alarm_self, "x.pdf", 30.0, 512)
    assert isinstance(run.outcome, TooSlow)


def test_child_exits_at_once_when_its_owner_is_gone():
    gone = subprocess.Popen(["true"])
    gone.wait()
    worker, conn = start_worker(gone.pid)
    worker.join(30)
    try:
        assert worker.exitcode == 1
    finally:
        end_worker(worker, conn)


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
    isolate.stop_workers()
    paths = [f"file-{n}.pdf" for n in range(16)]
    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(lambda p: isolate._run_in_child(echo, p, 30, 512), paths))
    assert [r.outcome["path"] for r in runs] == paths
    pids = {r.outcome["pid"] for r in runs}
    # Never more workers than callers at once, and they are reused.
    assert 1 <= len(pids) <= 4
    assert os.getpid() not in pids
    assert set(isolate.worker_pids()) <= pids


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


# --- workers serve many files ------------------------------------------------


@pytest.fixture
def fresh_pool():
    """No worker left from an earlier test, and none left for a later one."""
    isolate.stop_workers()
    yield
    isolate.stop_workers()


def pid_of(run) -> int:
    return run.outcome["pid"]


def test_worker_is_reused_across_quick_calls(fresh_pool):
    first = isolate._run_in_child(echo, "a.pdf", 30, 512)
    second = isolate._run_in_child(echo, "b.pdf", 30, 512)
    assert second.outcome == {"path": "b.pdf", "pid": pid_of(first)}
    assert isolate.worker_pids() == [pid_of(first)]


def test_file_after_a_timed_out_one_runs_in_a_new_worker(fresh_pool):
    before = pid_of(isolate._run_in_child(echo, "a.pdf", 30, 512))
    slow = isolate._run_in_child(sleep_past_deadline, "slow.pdf", 1.0, 512)
    assert isinstance(slow.outcome, TooSlow)
    assert not is_running(before)  # the timed-out worker was killed and reaped
    after = isolate._run_in_child(echo, "b.pdf", 30, 512)
    assert after.outcome["path"] == "b.pdf"
    assert pid_of(after) != before


@pytest.mark.parametrize(
    "fails, raises",
    [
        (raise_bug, isolate.ChildFailed),
        (allocate_at_once, None),  # MemoryError: TooLarge
        (allocate_beyond_cap, None),
        (abort_self, isolate.ChildCrashed),
        (kill_self, None),
    ],
)
def test_worker_is_replaced_after_a_bug_or_running_out_of_memory(
    fresh_pool, fails, raises
):
    before = pid_of(isolate._run_in_child(echo, "a.pdf", 30, 512))
    if raises:
        with pytest.raises(raises):
            isolate._run_in_child(fails, "bad.pdf", 30, 512)
    else:
        assert isinstance(isolate._run_in_child(fails, "bad.pdf", 30, 512).outcome,
                          TooLarge)  # fmt: skip
    assert not is_running(before)
    after = isolate._run_in_child(echo, "b.pdf", 30, 512)
    assert pid_of(after) != before
    assert isolate.worker_pids() == [pid_of(after)]


def test_worker_is_kept_after_an_extract_error_or_os_error(fresh_pool, tmp_path):
    before = pid_of(isolate._run_in_child(echo, "a.pdf", 30, 512))
    assert isinstance(isolate._run_in_child(raise_damaged, "x", 30, 512).outcome,
                      DamagedPdf)  # fmt: skip
    with pytest.raises(FileNotFoundError):
        isolate._run_in_child(read_file, tmp_path / "missing.pdf", 30, 512)
    assert pid_of(isolate._run_in_child(echo, "b.pdf", 30, 512)) == before


def test_worker_retires_after_its_task_limit(fresh_pool, monkeypatch):
    monkeypatch.setattr(isolate, "MAX_TASKS", 3)
    pids = [pid_of(isolate._run_in_child(echo, f"{n}.pdf", 30, 512)) for n in range(7)]
    assert pids[0] == pids[1] == pids[2]
    assert pids[3] == pids[4] == pids[5] != pids[0]
    assert pids[6] not in pids[:6]
    assert not is_running(pids[0]) and not is_running(pids[3])


def test_worker_retires_when_its_memory_grows_past_its_share(fresh_pool, monkeypatch):
    # Any resident memory is past a share of nothing: every worker serves one file.
    monkeypatch.setattr(isolate, "GROWTH_SHARE", 0.0)
    first = pid_of(isolate._run_in_child(echo, "a.pdf", 30, 512))
    assert pid_of(isolate._run_in_child(echo, "b.pdf", 30, 512)) != first


def test_worker_is_kept_while_its_memory_stays_in_its_share(fresh_pool):
    first = isolate._run_in_child(allocate_then_free, "a.pdf", 30, 512)
    again = isolate._run_in_child(echo, "b.pdf", 30, 512)
    assert pid_of(again) == pid_of(first)
    # peak_mib is this file's peak, not the worker's: the 160 MiB are gone.
    assert first.peak_mib > 160
    assert again.peak_mib < first.peak_mib - 100


def test_a_call_with_another_cap_gets_a_worker_with_that_cap(fresh_pool):
    small = pid_of(isolate._run_in_child(echo, "a.pdf", 30, 512))
    large = isolate._run_in_child(allocate_then_free, "b.pdf", 30, 1024)
    assert pid_of(large) != small
    # One caller at a time: the idle 512 MiB worker made room for it.
    assert not is_running(small)
    assert isolate.worker_pids() == [pid_of(large)]
    # The 1024 MiB worker keeps its cap: 160 MiB more fit there, not under 512.
    over = isolate._run_in_child(allocate_at_once, "c.pdf", 30, 1024)
    assert isinstance(over.outcome, TooLarge) and "1024 MiB" in str(over.outcome)


def test_a_stopped_idle_worker_leaves_no_process(fresh_pool):
    pid = pid_of(isolate._run_in_child(echo, "a.pdf", 30, 512))
    isolate.stop_workers()
    assert not is_running(pid) and group_members(pid) == []
    assert isolate.worker_pids() == []
    assert pid_of(isolate._run_in_child(echo, "b.pdf", 30, 512)) != pid


OWNER_SCRIPT = """
import sys, time
from concurrent.futures import ThreadPoolExecutor
from extract import isolate
from tests.test_isolate import echo_slowly

if __name__ == "__main__":
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(
            lambda p: isolate._run_in_child(echo_slowly, p, 30, 512), ["a", "b"]))
    print(*sorted({run.outcome["pid"] for run in runs}), flush=True)
    if sys.argv[1] == "wait":
        time.sleep(300)
"""


def echo_slowly(path):
    time.sleep(0.5)  # so that two calls overlap and start two workers
    return echo(path)


def wait_until_gone(pids, seconds=10.0) -> list[int]:
    """The pids (and the members of their process groups) still alive after
    up to `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        alive = [p for p in pids if is_running(p) or group_members(p)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def run_owner(mode: str) -> tuple[subprocess.Popen, list[int]]:
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER_SCRIPT, mode],
        cwd=Path(__file__).parents[1],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = owner.stdout.readline()
    pids = [int(pid) for pid in line.split()]
    return owner, pids


def test_idle_workers_die_when_their_owner_is_killed():
    owner, pids = run_owner("wait")
    try:
        assert len(pids) == 2
        assert all(is_running(pid) for pid in pids)  # idle, waiting for a file
        owner.kill()
        owner.wait(30)
        assert wait_until_gone(pids) == []
    finally:
        for pid in pids:
            if is_running(pid):
                os.kill(pid, signal.SIGKILL)


def test_idle_workers_stop_when_their_owner_exits():
    owner, pids = run_owner("exit")
    try:
        assert owner.wait(30) == 0
        assert len(pids) == 2
        assert wait_until_gone(pids, seconds=5.0) == []
    finally:
        for pid in pids:
            if is_running(pid):
                os.kill(pid, signal.SIGKILL)


CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.mark.parametrize(
    "path",
    [
        PDFS / "two-pages.pdf",
        CORPUS / "peel-2021-derbyshire.pdf",
        CORPUS / "fam-portal-2024-cheshire.pdf",
    ],
    ids=lambda path: path.name,
)
def test_reused_worker_gives_what_a_fresh_one_gives(fresh_pool, path):
    if not path.is_file():
        pytest.skip(f"no {path}")
    fresh = isolate._run_in_child(isolate.EXTRACT_TARGET, path, 120, 1536)
    isolate.stop_workers()
    # The worker reads two other reports first, then this one.
    for other in [CORPUS / "stalking-thematic-2017.pdf", PDFS / "all-pages-bad.pdf"]:
        try:
            isolate.run_extract(other, memory_mib=1536)
        except DamagedPdf:
            pass
    pids = isolate.worker_pids()
    reused = isolate._run_in_child(isolate.EXTRACT_TARGET, path, 120, 1536)
    assert len(pids) == 1 and isolate.worker_pids() == pids
    assert reused.outcome == fresh.outcome


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
    isolate.stop_workers()

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
    monkeypatch.setattr(
        isolate, "EXTRACT_TARGET", "tests.test_isolate:sleep_past_deadline"
    )
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
