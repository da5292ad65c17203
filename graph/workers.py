"""Documents are processed in worker processes with limits, so that one hostile or broken file costs only itself.

Each worker is a forked child that handles one document at a time. The parent gives every document a time
limit and every worker a memory limit: a document that runs too long is stopped (its worker is killed and
replaced), one that needs too much memory fails with MemoryError inside its worker, and a worker that dies
anyway (the kernel's OOM killer) is named by the document it held. The other documents go on.

Why not concurrent.futures: its pool cannot stop one task, and a worker that dies breaks the whole pool
(BrokenProcessPool) without saying which document it held.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

SECONDS_PER_DOCUMENT = 120.0
MEMORY_PER_DOCUMENT = 2 * 1024**3  # bytes of address space a worker may add to what it inherits


@dataclass(frozen=True)
class Limits:
    seconds: float = SECONDS_PER_DOCUMENT
    memory: int | None = MEMORY_PER_DOCUMENT

    def describe(self) -> str:
        memory = f", {self.memory / 1024**3:.0f} GB hukommelse" if self.memory else ""
        return f"{self.seconds:.0f} s{memory}"


class TaskFailed(Exception):
    """What a task's failure is reported as: a message for the user, naming no internals."""


def _die_with_parent() -> None:
    """Linux: a worker whose build is killed (even with SIGKILL) is sent SIGKILL too, instead of lingering."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _address_space() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _limit_memory(extra: int | None) -> None:
    if not extra:
        return
    try:
        import resource

        current = _address_space()
        if current is None:
            return
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        soft = current + extra if hard == resource.RLIM_INFINITY else min(current + extra, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    except (ImportError, ValueError, OSError):
        pass


# The parent's ends of the live workers' pipes. A forked worker inherits them; it closes them first thing, so that
# when the parent is gone its own pipe reads as closed (it would otherwise hold its parent's end open and wait).
_PARENT_ENDS: set[Connection] = set()


def _worker(
    connection: Connection, function: Callable[[Any], Any], limits: Limits, parent: int, inherited: list[Connection]
) -> None:
    for end in inherited:
        end.close()
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the death signal was armed
        os._exit(0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _limit_memory(limits.memory)
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            break
        if task is None:
            break
        try:
            reply: tuple[bool, Any] = (True, function(task))
        except MemoryError:
            reply = (False, f"for lidt hukommelse (grænsen er {limits.describe()} pr. dokument)")
        except TaskFailed as exc:
            reply = (False, str(exc))
        except Exception as exc:  # one bad document must not stop the others
            reply = (False, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
            if os.environ.get("SUNDHEDSGRAF_DEBUG"):
                traceback.print_exc()
        try:
            connection.send(reply)
        except MemoryError:
            connection.send((False, f"for lidt hukommelse (grænsen er {limits.describe()} pr. dokument)"))
    connection.close()


class _Worker:
    def __init__(self, context, function: Callable[[Any], Any], limits: Limits):
        self.connection, child = context.Pipe()
        inherited = [*_PARENT_ENDS, self.connection]
        self.process = context.Process(
            target=_worker, args=(child, function, limits, os.getpid(), inherited), daemon=True
        )
        self.process.start()
        child.close()
        _PARENT_ENDS.add(self.connection)
        self.index: int | None = None
        self.deadline = 0.0

    def give(self, index: int, task: Any, seconds: float) -> None:
        self.index, self.deadline = index, time.monotonic() + seconds
        self.connection.send(task)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self._close()

    def _close(self) -> None:
        _PARENT_ENDS.discard(self.connection)
        self.connection.close()

    def stop(self) -> None:
        try:
            self.connection.send(None)
        except OSError:
            pass
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(2)
        self._close()


def _death_message(process, limits: Limits) -> str:
    code = process.exitcode
    if code is not None and code < 0 and -code == signal.SIGKILL:
        return (
            "arbejdsprocessen blev stoppet af systemet (SIGKILL), sandsynligvis for lidt hukommelse "
            f"(grænsen er {limits.describe()} pr. dokument)"
        )
    return f"arbejdsprocessen stoppede uventet (kode {code})"


def run_limited(
    function: Callable[[Any], Any], tasks: Iterable[Any], jobs: int = 1, limits: Limits = Limits()
) -> Iterator[tuple[bool, Any]]:
    """Run `function` on every task in forked worker processes, at most `jobs` at a time, and yield
    (True, result) or (False, message) per task, in the order of `tasks`. `function` and everything it
    needs are inherited by the fork; tasks and results cross a pipe, so they must be picklable."""
    tasks = list(tasks)
    if not tasks:
        return
    context = multiprocessing.get_context("fork")
    jobs = max(1, min(jobs, len(tasks)))
    workers = [_Worker(context, function, limits) for _ in range(jobs)]
    idle = list(workers)
    results: dict[int, tuple[bool, Any]] = {}
    following = 0
    queued = iter(enumerate(tasks))
    remaining = len(tasks)
    try:
        while remaining:
            while idle:
                nxt = next(queued, None)
                if nxt is None:
                    break
                worker = idle.pop()
                worker.give(nxt[0], nxt[1], limits.seconds)
            busy = [w for w in workers if w.index is not None]
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = wait([w.connection for w in busy], timeout=timeout)
            for worker in busy:
                index = worker.index
                assert index is not None
                if worker.connection in ready:
                    try:
                        results[index] = worker.connection.recv()
                    except (EOFError, OSError):
                        worker.process.join(5)
                        results[index] = (False, _death_message(worker.process, limits))
                        workers[workers.index(worker)] = worker = _replace(worker, context, function, limits)
                elif time.monotonic() >= worker.deadline:
                    worker.kill()
                    results[index] = (
                        False,
                        f"udtrækket tog mere end {limits.seconds:.0f} s og blev stoppet; dokumentet er sprunget over",
                    )
                    workers[workers.index(worker)] = worker = _replace(worker, context, function, limits)
                else:
                    continue
                worker.index = None
                idle.append(worker)
                remaining -= 1
            while following in results:
                yield results.pop(following)
                following += 1
    finally:
        for worker in workers:
            worker.stop()


def _replace(worker: _Worker, context, function, limits: Limits) -> _Worker:
    worker.kill()
    return _Worker(context, function, limits)
