"""Loaded (through PYTHONPATH) by every Python process that ``.ci/at-time`` starts.

Debian's libfaketime 0.9.10, asked to leave the monotonic clock alone, turns Python 3.11's
``time.sleep`` (``clock_nanosleep`` with ``TIMER_ABSTIME`` on the monotonic clock) into
EINVAL (libfaketime issue #426). Faking the monotonic clock instead makes every timed
``threading`` wait hang (``sem_clockwait`` is not intercepted, libfaketime issue #390). So the
monotonic clock stays real and ``time.sleep`` waits with ``select``, whose timeout is relative.

Chromium does not load pages under libfaketime at all (navigations time out), so the browser
fixtures start it without the library and the handheld tests set the pages' clock to the
server's (``tests/handheld/test_handheld_e2e.py``).

``threading.Timer`` waits with ``select`` too. Flask-Limiter's in-memory storage (the tests' rate
limits) starts a new timer thread every 10 ms to expire its counters, and a timed wait on a
lock in such a thread now and then crashed the interpreter under libfaketime (a segmentation
fault in ``Event.wait``, seen in the night run). Waiting with ``select`` made it rarer, not gone:
a timer thread in libfaketime's ``select`` while the main thread set ``TZ`` (time_machine does on
every travel) crashed it again. So a timer that short runs its function at once, in the thread
that starts it, and no thread is started: the limiter's timer only drops counters that have
already expired, which doing earlier changes nothing.
"""
import os
import select
import threading
import time

if "faketime" in os.environ.get("LD_PRELOAD", ""):
    def _sleep(seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            select.select([], [], [], left)

    time.sleep = _sleep

    class _Timer(threading.Timer):
        def start(self) -> None:
            if self.interval > 0.1:
                super().start()
            elif not self.finished.is_set():
                self.function(*self.args, **self.kwargs)
                self.finished.set()

        def run(self) -> None:
            deadline = time.monotonic() + self.interval
            while not self.finished.is_set() and (left := deadline - time.monotonic()) > 0:
                select.select([], [], [], min(left, 0.05))
            if not self.finished.is_set():
                self.function(*self.args, **self.kwargs)
            self.finished.set()

    threading.Timer = _Timer  # type: ignore[misc]
