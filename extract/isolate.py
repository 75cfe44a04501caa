"""PDF extraction in worker processes, with a deadline and a memory cap.

(Long because the pool, the worker's own safeguards and the parent's
kill-and-classify are one protocol over one pipe; split, each half would have
to know the other's messages.)

pdfminer can loop for minutes or allocate gigabytes on a hostile file, and a
Python thread can be neither stopped nor capped. So each extraction runs in a
worker process that caps its own address space (RLIMIT_AS) and sends back the
report, an ExtractError, or the traceback of a bug. The parent kills the
worker's process group at the deadline and raises TooSlow itself, and raises
TooLarge for a worker that the kernel killed, since neither can report.
A worker also looks after itself, so that it cannot outlive a killed parent:
the kernel kills it when the fork server dies (PR_SET_PDEATHSIG; the fork
server exits as soon as the process that started it dies), it exits when its
owner is gone or closes the pipe (EOF), and an alarm, armed for each file,
ends it EXIT_GRACE_S after that file's deadline.

Workers serve many files in turn: a fresh process costs about 50 ms and its
garbage-collector and copy-on-write warm-up on every file. A thread-safe pool
keeps the idle ones; a call takes an idle worker with its memory cap (or
starts one), so there are never more workers than concurrent callers. A worker
is retired, never reused, after a timeout (killed), a crash, a bug, a
MemoryError or TooLarge (its state may be bad), after MAX_TASKS files, and
when its address space has grown by more than GROWTH_SHARE of its cap since it
started or its resident memory exceeds that share, so that heap fragmentation
left by one file can never make a later one TooLarge (a fresh worker maps
about 260 MiB and holds about 60 MiB; reading the 150-page bench report adds
about 25 MiB to each). Between files it collects garbage and freezes what is
left. Nothing else carries over: warnings are caught per call, and the module-
level caches of extract/ (metadata.forces, nlp.roles, nlp.get_nlp,
nlp.ruler_requirements, ocr.missing_for_ocr, pdf.decoded_name, text.is_bold)
are pure functions of their arguments or of files that do not change while a
worker lives; pdfminer's logging handler is added and removed per file
(pdf.pdfminer_log_as_warnings), and ocrmypdf, which patches pdfminer when
imported, runs in a process of its own.

Workers come from a "forkserver": a small single-threaded process that has
already imported pdfplumber and spaCy (extract/preload.py), so a worker
starts in a fraction of a second, and run_extract may be called from many
threads (forking a threaded parent could copy a lock that another thread
holds, and its whole address space into the cap). A worker runs a target
named "module:function" (imported in the worker) or a module-level function.
As with any forkserver or spawn child, a script that calls run_extract must
guard its top level with `if __name__ == "__main__":`, since the worker
imports it. Idle workers are stopped at exit (atexit), or by stop_workers().
"""

from __future__ import annotations

import atexit
import ctypes
import gc
import importlib
import multiprocessing
import multiprocessing.connection
import os
import resource
import signal
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import ExtractError, TooLarge, TooSlow

# A worker allocates a million short-lived objects (a dict per character) and
# few cycles: collecting after every 20,000 allocations instead of 700 cuts the
# time spent in the collector from about 13% of extraction to 2%.
GC_THRESHOLD = (20_000, 10, 10)
DEFAULT_TIMEOUT_S = 120.0
DEFAULT_MEMORY_MIB = 1536
EXIT_GRACE_S = 5.0
MIB = 1 << 20
# A worker retires after this many files, or once its address space is this
# share of its cap above what it was when it started, or its resident memory
# this share of its cap.
MAX_TASKS = 64
GROWTH_SHARE = 0.25

# What run_extract and run_explain run, imported by name in the worker.
EXTRACT_TARGET = "extract.child:extract_with_warnings"
EXPLAIN_TARGET = "extract.explain:explain_in_child"
# The name tests/bench.py passes to _run_in_child; the function itself is
# extract/child.py's.
extract_with_warnings = EXTRACT_TARGET

# Imported once in the fork server, so workers inherit them. Only third-party
# modules and our own leaf modules: the server dies, and every extraction with
# it, if a preloaded module raises anything but ImportError while it is edited.
PRELOAD = [
    "pdfplumber",
    "extract.errors",
    "extract.pdf",
    "extract.preload",
]
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(PRELOAD)

Target = str | Callable[[str], dict]


class ChildFailed(RuntimeError):
    """A bug: the extraction raised something that is not an ExtractError."""


class ChildCrashed(RuntimeError):
    """A bug: the extraction process died without sending a result."""


class ChildNotStarted(RuntimeError):
    """The extraction process could not be started (no memory, no processes left)."""


@dataclass(frozen=True)
class ChildRun:
    """What one file's run gave: the report dict or the ExtractError, its
    cost, and `peak_mib`, the worker's peak resident memory while it read
    this file (Linux resets the high-water mark per file; elsewhere it is
    ru_maxrss, the worker's peak over all its files so far)."""

    outcome: dict | ExtractError
    seconds: float
    peak_mib: float | None


def run_extract(
    path: str | Path,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_mib: int = DEFAULT_MEMORY_MIB,
) -> dict:
    """The report document of contract §1 for the PDF at `path`, read in a worker.

    Raises an ExtractError subclass on bad input (TooSlow past `timeout_s`
    seconds, TooLarge past `memory_mib` MiB of address space), OSError if the
    file cannot be read, ChildFailed/ChildCrashed, with the worker's
    traceback, on a bug, and ChildNotStarted. Thread-safe.
    """
    run = _run_in_child(EXTRACT_TARGET, path, timeout_s, memory_mib)
    if isinstance(run.outcome, ExtractError):
        raise run.outcome
    return run.outcome


def run_explain(
    path: str | Path,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_mib: int = DEFAULT_MEMORY_MIB,
) -> dict:
    """{"explain": text} for the PDF at `path` (extract/explain.py), read in a
    worker like run_extract, with the same errors."""
    run = _run_in_child(EXPLAIN_TARGET, path, timeout_s, memory_mib)
    if isinstance(run.outcome, ExtractError):
        raise run.outcome
    return run.outcome


def _run_in_child(
    fn: Target, path: str | Path, timeout_s: float, memory_mib: int
) -> ChildRun:
    """fn(path) in a capped worker; `fn` is "module:function" or a
    module-level function (the worker imports it by name)."""
    if timeout_s <= 0 or memory_mib <= 0:
        raise ValueError(f"need a positive deadline and cap: {timeout_s}, {memory_mib}")
    task = (fn, str(path), timeout_s + EXIT_GRACE_S)
    worker = _POOL.take(memory_mib, path)
    try:
        started = time.monotonic()
        worker.conn.send(task)
    except OSError:
        # It died while idle (the OOM killer, say): a fresh one gets the file.
        _POOL.retire(worker, grace_s=0)
        worker = _POOL.take(memory_mib, path, reuse=False)
        started = time.monotonic()
        _send_or_retire(worker, task)
    except BaseException:
        _POOL.give_back(worker)  # the task could not be pickled: nothing was sent
        raise
    message = _TIMED_OUT
    try:
        message = _receive(worker, timeout_s)
        seconds = time.monotonic() - started
    finally:
        if message is _TIMED_OUT or message is None:
            _POOL.retire(worker, grace_s=0 if message is _TIMED_OUT else EXIT_GRACE_S)
        elif message[3]:  # the worker retires itself
            _POOL.retire(worker, grace_s=EXIT_GRACE_S)
        else:
            _POOL.give_back(worker)
    exitcode = worker.process.exitcode
    return _message_to_run(message, exitcode, path, seconds, timeout_s, memory_mib)


def _send_or_retire(worker, task) -> None:
    try:
        worker.conn.send(task)
    except BaseException:
        _POOL.retire(worker, grace_s=0)
        raise


def stop_workers() -> None:
    """Stop every worker (idle ones at once; it is also run at exit)."""
    _POOL.stop_all()


def worker_pids() -> list[int]:
    """The pids of the live workers, idle or busy (for tests and checks)."""
    return _POOL.pids()


@dataclass(frozen=True)
class WorkerLimits:
    """What a worker enforces on itself: its cap, its owner, when it retires."""

    memory_mib: int
    owner_pid: int
    max_tasks: int = MAX_TASKS
    growth_share: float = GROWTH_SHARE


class _Worker:
    """The parent's handle on one worker: its process and its end of the pipe."""

    def __init__(self, process, conn, memory_mib: int):
        self.process = process
        self.conn = conn
        self.memory_mib = memory_mib


class _Pool:
    """The idle workers, and all live ones (idle or busy), behind one lock."""

    def __init__(self):
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._live: set[_Worker] = set()

    def take(self, memory_mib: int, path, reuse: bool = True) -> _Worker:
        """An idle worker with this cap, else a new one; a worker with another
        cap that is idle is retired to make room for it."""
        dead, other = [], None
        with self._lock:
            found = None
            while reuse and found is None:
                match = [w for w in self._idle if w.memory_mib == memory_mib]
                if not match:
                    break
                self._idle.remove(match[-1])
                if match[-1].process.is_alive():
                    found = match[-1]
                else:
                    dead.append(match[-1])
            if reuse and found is None and self._idle:
                other = self._idle.pop(0)  # all idle ones have another cap
        for worker in dead + ([other] if other else []):
            self.retire(worker, grace_s=0)
        return found or self._start(memory_mib, path)

    def _start(self, memory_mib: int, path) -> _Worker:
        ours, theirs = _CONTEXT.Pipe(duplex=True)
        limits = WorkerLimits(memory_mib, os.getpid(), MAX_TASKS, GROWTH_SHARE)
        process = _CONTEXT.Process(
            target=_worker_main,
            args=(theirs, limits),
            name=f"hmic-extract {memory_mib} MiB",
            daemon=True,
        )
        try:
            process.start()
        except Exception as exc:
            ours.close()
            raise ChildNotStarted(
                f"{path}: could not start the extraction process "
                f"({type(exc).__name__}: {exc})"
            ) from exc
        finally:
            theirs.close()
        worker = _Worker(process, ours, memory_mib)
        with self._lock:
            self._live.add(worker)
        return worker

    def give_back(self, worker: _Worker) -> None:
        with self._lock:
            if worker in self._live:
                self._idle.append(worker)
                return
        self.retire(worker, grace_s=0)  # stopped meanwhile by stop_all

    def retire(self, worker: _Worker, grace_s: float) -> None:
        """Close its pipe (an idle worker exits on EOF), give it `grace_s` to
        exit, then kill its process group and reap it."""
        with self._lock:
            self._live.discard(worker)
            if worker in self._idle:
                self._idle.remove(worker)
        worker.conn.close()
        _stop(worker.process, grace_s)

    def stop_all(self) -> None:
        with self._lock:
            workers, self._idle, self._live = list(self._live), [], set()
        for worker in workers:
            worker.conn.close()
        deadline = time.monotonic() + EXIT_GRACE_S
        for worker in workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            _stop(worker.process, grace_s=0)

    def pids(self) -> list[int]:
        with self._lock:
            return sorted(w.process.pid for w in self._live if w.process.is_alive())

    def forget(self) -> None:
        """In a forked child: the workers are the parent's, not ours."""
        self._lock = threading.Lock()
        self._idle, self._live = [], set()


_POOL = _Pool()
atexit.register(stop_workers)
os.register_at_fork(after_in_child=_POOL.forget)

_TIMED_OUT = object()


def _receive(worker: _Worker, timeout_s: float):
    """The worker's message, None if it died without one, or _TIMED_OUT."""
    conn = worker.conn
    ready = multiprocessing.connection.wait([conn, worker.process.sentinel], timeout_s)
    if not ready:
        return _TIMED_OUT
    if not conn.poll():
        return None
    try:
        return conn.recv()
    except (EOFError, OSError):
        return None


def _stop(process, grace_s: float) -> None:
    """Give the process `grace_s` to exit, then kill its process group."""
    if grace_s:
        process.join(grace_s)
    if process.is_alive():
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            # It had not made its own group yet: killpg would find no group.
            process.kill()
    process.join()


def _message_to_run(message, exitcode, path, seconds, timeout_s, memory_mib):
    """Turn the worker's message (or silence) into a ChildRun, or raise the bug."""
    # The worker's own alarm (SIGALRM) rings only after the parent's deadline.
    if message is _TIMED_OUT or (message is None and exitcode == -signal.SIGALRM):
        return ChildRun(TooSlow(f"over the {timeout_s:g} s deadline"), seconds, None)
    if message is None:
        if exitcode == -signal.SIGKILL:
            killed = TooLarge(f"killed, likely out of memory ({memory_mib} MiB cap)")
            return ChildRun(killed, seconds, None)
        raise ChildCrashed(
            f"{path}: the extraction process died ({_exit_to_text(exitcode)}) "
            "without a result"
        )
    kind, payload, peak_mib, _retired = message
    if kind == "bug":
        raise ChildFailed(f"{path}: unexpected error while extracting:\n{payload}")
    if kind == "oserror":
        raise payload
    return ChildRun(payload, seconds, peak_mib)


def _exit_to_text(exitcode: int | None) -> str:
    """'exit code 1' or 'signal SIGSEGV'."""
    if exitcode is not None and exitcode < 0:
        return f"signal {signal.Signals(-exitcode).name}"
    return f"exit code {exitcode}"


def tune_gc_for_extraction() -> None:
    """Garbage-collector settings for a process that extracts PDFs.

    gc.freeze() leaves the preloaded modules (spaCy's, numpy's: most objects
    in the process) out of every collection, so full collections stop
    scanning them and stop copying the fork server's pages into the worker.
    """
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


def _worker_main(conn, limits: WorkerLimits) -> None:
    """In the worker: own process group, bound to its parents' lives, capped
    memory; then, for each task until EOF, fn(path) under an alarm and one
    message back: (kind, payload, peak MiB, whether it retires)."""
    os.setpgid(0, 0)
    die_with_parent(limits.owner_pid)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    tune_gc_for_extraction()
    cap = limits.memory_mib * MIB
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    too_large = ("error", TooLarge(f"over the {limits.memory_mib} MiB memory cap"))
    room = int(cap * limits.growth_share)
    start_size = _address_space()
    for done in range(1, limits.max_tasks + 1):
        try:
            fn, path, alarm_s = conn.recv()
        except (EOFError, OSError):
            break  # the owner closed the pipe, or is gone
        if not is_alive(limits.owner_pid):
            break
        signal.setitimer(signal.ITIMER_REAL, alarm_s)
        _reset_peak()
        try:
            kind, payload = _call(fn, path, too_large)
        except MemoryError:
            kind, payload = too_large
        signal.setitimer(signal.ITIMER_REAL, 0)
        retire = (
            kind == "bug"
            or isinstance(payload, TooLarge)
            or done == limits.max_tasks
            or _address_space() - start_size > room
            or _resident() > room
        )
        try:
            conn.send((kind, payload, _peak_mib(), retire))
        except MemoryError:
            conn.send((*too_large, _peak_mib(), True))
            break
        except BaseException:
            conn.send(("bug", traceback.format_exc(), _peak_mib(), True))
            break
        del payload
        if retire:
            break
        _tidy()
    conn.close()
    os._exit(0)


def _tidy() -> None:
    """Between files: collect the last file's cycles, freeze what is left
    (caches) out of later collections, and hand freed heap back to the system."""
    gc.collect()
    gc.freeze()
    _malloc_trim()


def _malloc_trim() -> None:
    try:
        _LIBC.malloc_trim(0)
    except AttributeError:
        pass  # not glibc


try:
    _LIBC = ctypes.CDLL(None, use_errno=True)
except OSError:
    _LIBC = None

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(owner_pid: int) -> None:
    """Have the kernel SIGKILL this process when its parent (the fork server)
    dies, and exit now if `owner_pid`, which started the fork server, is gone.

    The check closes the gap between fork and prctl: had the owner died in it,
    the fork server would be gone already and the signal would never come.
    """
    try:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except AttributeError:
        pass  # not Linux: EOF and the alarm still bound the worker's life
    release_fork_server()
    if not is_alive(owner_pid):
        os._exit(1)


def release_fork_server() -> None:
    """Close this worker's copy of the fork server's "alive" pipe.

    Every forkserver child inherits the pipe's write end, and the server
    runs on while any copy is open: it would outlive a killed owner for as
    long as its children do, and they it. A worker starts no processes of its
    own through the server, so it lets go of its copy.
    """
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    alive_fd = getattr(server, "_forkserver_alive_fd", None)
    if alive_fd is not None:
        os.close(alive_fd)
        server._forkserver_alive_fd = None


def is_alive(pid: int) -> bool:
    """True while a process `pid` exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    return True


def resolve(fn: Target) -> Callable[[str], dict]:
    """The function named "package.module:function", or `fn` itself."""
    if callable(fn):
        return fn
    module, _, name = fn.partition(":")
    return getattr(importlib.import_module(module), name)


def _call(fn: Target, path: str, too_large: tuple) -> tuple:
    """fn(path) as a (kind, payload) message; the stack is unwound before sending."""
    try:
        return ("result", resolve(fn)(path))
    except ExtractError as exc:
        return too_large if ran_out_of_memory(exc) else ("error", exc)
    except MemoryError:
        return too_large
    except OSError as exc:
        return ("oserror", exc)
    except BaseException:
        return ("bug", traceback.format_exc())


def ran_out_of_memory(exc: BaseException) -> bool:
    """True if `exc` was caused by a MemoryError, even one that the PDF reader
    recorded only as text: a compression bomb fails on page 1 with "damaged
    PDF: no page could be read: page 1 (MemoryError: ...)", not with the
    MemoryError itself, since pdfplumber wraps what pdfminer raises."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, MemoryError) or "MemoryError" in str(exc):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _reset_peak() -> None:
    """Start this file's peak-memory count (Linux: reset VmHWM)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass  # _peak_mib then gives the worker's lifetime peak


def _peak_mib() -> float:
    """Peak resident memory since _reset_peak, in MiB: VmHWM on Linux, else
    ru_maxrss (the process's lifetime peak; KiB on Linux, bytes on macOS)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _address_space() -> int:
    """This process's address space in bytes (what RLIMIT_AS caps), 0 if unknown."""
    return _statm(0)


def _resident() -> int:
    """This process's resident memory in bytes, 0 if unknown."""
    return _statm(1)


def _statm(field: int) -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[field]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0
