"""One PDF per child process, with a deadline and a memory cap.

pdfminer can loop for minutes or allocate gigabytes on a hostile file, and a
Python thread can be neither stopped nor capped. So each extraction runs in a
child process that caps its own address space (RLIMIT_AS) and sends back the
report, an ExtractError, or the traceback of a bug. The parent kills the
child's process group at the deadline and raises TooSlow itself, and raises
TooLarge for a child that the kernel killed, since neither can report.
A child also looks after itself, so that it cannot outlive a killed parent:
the kernel kills it when the fork server dies (PR_SET_PDEATHSIG; the fork
server exits as soon as the process that started it dies), and an alarm ends
it EXIT_GRACE_S after its own deadline.

Children come from a "forkserver": a small single-threaded process that has
already imported pdfplumber and spaCy, so a child starts in a fraction of a
second, and run_extract may be called from many threads (forking a threaded
parent could copy a lock that another thread holds, and its whole address
space into the cap).
As with any forkserver or spawn child, a script that calls run_extract must
guard its top level with `if __name__ == "__main__":`, since the child imports it.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import multiprocessing.connection
import os
import resource
import signal
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import ExtractError, ExtractWarning, NoTextLayer, TooLarge, TooSlow

# A child allocates a million short-lived objects (a dict per character) and
# few cycles: collecting after every 20,000 allocations instead of 700 cuts the
# time spent in the collector from about 13% of extraction to 2%.
GC_THRESHOLD = (20_000, 10, 10)
DEFAULT_TIMEOUT_S = 120.0
DEFAULT_MEMORY_MIB = 1536
EXIT_GRACE_S = 5.0
MIB = 1 << 20

# Imported once in the fork server, so children inherit them. Only third-party
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


class ChildFailed(RuntimeError):
    """A bug: the extraction raised something that is not an ExtractError."""


class ChildCrashed(RuntimeError):
    """A bug: the extraction process died without sending a result."""


class ChildNotStarted(RuntimeError):
    """The extraction process could not be started (no memory, no processes left)."""


@dataclass(frozen=True)
class ChildRun:
    """What one child run gave: the report dict or the ExtractError, and its cost."""

    outcome: dict | ExtractError
    seconds: float
    peak_mib: float | None


def extract_with_warnings(path: str) -> dict:
    """extract_report(path), with ExtractWarnings kept in an optional "warnings" list.

    A PDF with no text layer is read again through OCR (extract/ocr.py), here
    in the child, so the deadline and the memory cap cover tesseract too; where
    OCR cannot run, NoTextLayer says what to install. Any other warning is
    dropped rather than printed: stderr belongs to the CLI.
    """
    from .report import extract_report

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ExtractWarning)
        try:
            document = extract_report(path)
        except NoTextLayer as no_text:
            from .ocr import extract_scanned

            document = extract_scanned(path, no_text)
    found = [str(w.message) for w in caught if issubclass(w.category, ExtractWarning)]
    merged = list(dict.fromkeys([*document.get("warnings", []), *found]))
    return document | {"warnings": merged} if merged else document


def run_extract(
    path: str | Path,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_mib: int = DEFAULT_MEMORY_MIB,
) -> dict:
    """The report document of contract §1 for the PDF at `path`, read in a child.

    Raises an ExtractError subclass on bad input (TooSlow past `timeout_s`
    seconds, TooLarge past `memory_mib` MiB of address space), OSError if the
    file cannot be read, ChildFailed/ChildCrashed, with the child's
    traceback, on a bug, and ChildNotStarted. Thread-safe.
    """
    run = _run_in_child(extract_with_warnings, path, timeout_s, memory_mib)
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
    child like run_extract, with the same errors."""
    from .explain import explain_in_child

    run = _run_in_child(explain_in_child, path, timeout_s, memory_mib)
    if isinstance(run.outcome, ExtractError):
        raise run.outcome
    return run.outcome


def _run_in_child(
    fn: Callable[[str], dict], path: str | Path, timeout_s: float, memory_mib: int
) -> ChildRun:
    """fn(path) in a capped child process; `fn` must be importable by name."""
    if timeout_s <= 0 or memory_mib <= 0:
        raise ValueError(f"need a positive deadline and cap: {timeout_s}, {memory_mib}")
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    limits = ChildLimits(timeout_s + EXIT_GRACE_S, memory_mib, os.getpid())
    child = _CONTEXT.Process(
        target=_child_main,
        args=(sender, fn, str(path), limits),
        name=f"hmic-extract {path}",
        daemon=True,
    )
    try:
        child.start()
    except Exception as exc:
        receiver.close()
        sender.close()
        raise ChildNotStarted(
            f"{path}: could not start the extraction process "
            f"({type(exc).__name__}: {exc})"
        ) from exc
    message = _TIMED_OUT
    try:
        started = time.monotonic()
        sender.close()
        message = _receive(receiver, child, timeout_s)
        seconds = time.monotonic() - started
    finally:
        _stop(child, grace_s=0 if message is _TIMED_OUT else EXIT_GRACE_S)
        receiver.close()
    return _message_to_run(
        message, child.exitcode, path, seconds, timeout_s, memory_mib
    )


@dataclass(frozen=True)
class ChildLimits:
    """What a child enforces on itself: its own deadline, its cap, its owner."""

    alarm_s: float
    memory_mib: int
    owner_pid: int


_TIMED_OUT = object()


def _receive(receiver, child, timeout_s: float):
    """The child's message, None if it died without one, or _TIMED_OUT."""
    ready = multiprocessing.connection.wait([receiver, child.sentinel], timeout_s)
    if not ready:
        return _TIMED_OUT
    if not receiver.poll():
        return None
    try:
        return receiver.recv()
    except EOFError:
        return None


def _stop(child, grace_s: float) -> None:
    """Give the child `grace_s` to exit, then kill its process group."""
    if grace_s:
        child.join(grace_s)
    if child.is_alive():
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            # It had not made its own group yet: killpg would find no group.
            child.kill()
    child.join()


def _message_to_run(message, exitcode, path, seconds, timeout_s, memory_mib):
    """Turn the child's message (or silence) into a ChildRun, or raise the bug."""
    # The child's own alarm (SIGALRM) rings only after the parent's deadline.
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
    kind, payload, peak_mib = message
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
    """Garbage-collector settings for a process that extracts and then exits.

    gc.freeze() leaves the preloaded modules (spaCy's, numpy's: most objects
    in the process) out of every collection, so full collections stop
    scanning them and stop copying the fork server's pages into the child.
    """
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


def _child_main(sender, fn, path: str, limits: ChildLimits) -> None:
    """In the child: own process group, bound to its parents' lives, capped
    memory and time, fn(path), one message back."""
    os.setpgid(0, 0)
    die_with_parent(limits.owner_pid)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.setitimer(signal.ITIMER_REAL, limits.alarm_s)
    tune_gc_for_extraction()
    cap = limits.memory_mib * MIB
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    too_large = ("error", TooLarge(f"over the {limits.memory_mib} MiB memory cap"))
    try:
        message = _call(fn, path, too_large)
        sender.send((*message, _peak_mib()))
    except MemoryError:
        sender.send((*too_large, _peak_mib()))
    except BaseException:
        sender.send(("bug", traceback.format_exc(), _peak_mib()))
    finally:
        sender.close()


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(owner_pid: int) -> None:
    """Have the kernel SIGKILL this process when its parent (the fork server)
    dies, and exit now if `owner_pid`, which started the fork server, is gone.

    The check closes the gap between fork and prctl: had the owner died in it,
    the fork server would be gone already and the signal would never come.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the alarm still bounds the child's life
    release_fork_server()
    if not is_alive(owner_pid):
        os._exit(1)


def release_fork_server() -> None:
    """Close this child's copy of the fork server's "alive" pipe.

    Every forkserver child inherits the pipe's write end, and the server
    runs on while any copy is open: it would outlive a killed owner for as
    long as its children do, and they it. A child starts no processes of its
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


def _call(fn, path: str, too_large: tuple) -> tuple:
    """fn(path) as a (kind, payload) message; the stack is unwound before sending."""
    try:
        return ("result", fn(path))
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


def _peak_mib() -> float:
    """This process's peak resident memory so far, in MiB (Linux: ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
