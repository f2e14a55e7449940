"""A time budget for one call: stop it when it runs past ``seconds``.

Every stage should be near-linear in its text, but one hostile or freak
document (a megabyte of one repeated sentence, a page of 100k links) must not
hold a worker for minutes. :func:`time_limit` runs a block in the calling
thread; a timer thread raises :class:`Overrun` inside that thread when the
budget is spent, at the next Python bytecode (a long C call finishes first).

It works in any thread (the HTTP server runs the pipeline in a thread pool,
where ``signal.alarm`` can't), and :class:`Overrun` derives from
``BaseException`` so that a stage's own ``except Exception`` can't swallow it.
The block is abandoned, so what it was building is garbage: callers restore
or drop the document it was working on.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import BudgetError


class Overrun(BaseException):
    """Raised asynchronously inside a block that ran past its budget."""


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


@contextmanager
def time_limit(seconds: float | None, what: str, origin: str | None = None) -> Iterator[None]:
    """Run the block; raise :class:`~newsgraph.errors.BudgetError` if it takes over ``seconds``
    (``None`` or 0: no limit)."""
    if not seconds or seconds <= 0:
        yield
        return
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"active": True, "fired": False}

    def fire() -> None:
        with lock:
            if state["active"]:
                state["fired"] = True
                _raise_in(target, Overrun)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        try:
            yield
        finally:
            with lock:
                state["active"] = False
            timer.cancel()
            if state["fired"]:
                _raise_in(target, None)  # clear it if it is still pending
    except Overrun:
        raise BudgetError(f"{what} ran past its budget of {seconds:g} s (max_stage_seconds)", origin=origin) from None
