"""The collector's full passes kept off the long-lived heap while a bulk import runs.

A bulk import makes objects by the hundred thousand; as its chunks' objects outlive the young
generations, Python's cyclic collector runs full passes, and each of them walks every object
the process holds (the application's modules, SQLAlchemy's mappings: a few hundred thousand),
not only the import's. :func:`long_lived_heap_frozen` moves the objects that exist when the
import starts out of the collector's view (``gc.freeze``) and puts them back when the last
import running in the process ends (``gc.unfreeze``): the import's own objects are collected
as before, so memory stays as it was; what exists before is examined again afterwards.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_running = 0     # imports running in this process
_froze = False   # whether the first of them froze the heap (not when something else had frozen it)


@contextmanager
def long_lived_heap_frozen() -> Iterator[None]:
    global _running, _froze
    with _lock:
        if _running == 0:
            _froze = gc.isenabled() and gc.get_freeze_count() == 0
            if _froze:
                gc.freeze()
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0 and _froze:
                gc.unfreeze()
                _froze = False
