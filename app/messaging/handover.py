"""Sending an e-mail while its in-flight mark commits, and handing it over only after.

An SMTP server takes a message only at the ``.`` that ends its data. So a channel that can
stage a message (:meth:`~app.messaging.providers.smtp.SmtpMail.stage`: the envelope and the
whole content, all but that ``.``) sends while the worker's commit of the in-flight mark travels
to the database, and the ``.`` goes out only once that commit has answered. The promise of
:mod:`app.messaging.leases` holds as before: no message is handed over before its mark is
durable, and a worker killed at any moment was handing over at most one. When the mark does
not take (the message was cancelled, suppressed or taken over meanwhile) or the commit fails,
the connection is closed without the ``.`` and the server delivers nothing.

The commit runs on one helper thread per worker loop (:func:`overlapping`), with the calling
thread's context (the application context), while the calling thread only talks SMTP: the
session is never used by both at once.
"""
from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager

from app.messaging.providers import DeliveryResult
from app.messaging.providers.smtp import Handover


@contextmanager
def overlapping(dialect: str) -> Iterator[Executor | None]:
    """The helper thread for a worker loop on ``dialect``; None on SQLite (its commit is local)."""
    if dialect != "postgresql":
        yield None
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-commit") as executor:
        yield executor


def can_stage(channel) -> bool:
    return callable(getattr(channel, "stage", None)) and callable(getattr(channel, "prepare", None))


def send_after_mark(channel, message, mark: Callable[[], bool],
                    overlap: Executor | None) -> tuple[bool, DeliveryResult | None]:
    """Run ``mark()`` (the in-flight mark and its commit; True if the message may go) and send.

    Returns ``(started, result)``: ``result`` is None when the message was not sent (``started``
    False), or when the channel cannot stage this message (then the caller delivers it).
    """
    try:
        ready = channel.prepare(message)
    except Exception:
        ready = None  # building it fails again in ``deliver``, which reports it as the message's outcome
    if ready is None:
        return mark(), None
    if overlap is None:
        if not mark():
            return False, None
        return True, _finish(channel, _stage(channel, ready))
    pending = overlap.submit(contextvars.copy_context().run, mark)
    try:
        staged = _stage(channel, ready)
    except BaseException:
        pending.exception()  # the session is the helper's until its commit has answered
        raise
    try:
        started = pending.result()
    except BaseException:
        _abandon(staged)
        raise
    if not started:
        _abandon(staged)
        return False, None
    return True, _finish(channel, staged)


def _stage(channel, ready) -> Handover | DeliveryResult:
    try:
        return channel.stage(ready)
    except Exception as exc:  # a channel bug must not lose the message
        return DeliveryResult.temporary(getattr(channel, "provider", "?"), f"{exc.__class__.__name__}: {exc}")


def _finish(channel, staged: Handover | DeliveryResult) -> DeliveryResult:
    if not isinstance(staged, Handover):
        return staged  # refused before its content: nothing was handed over
    try:
        return staged.complete()
    except Exception as exc:
        return DeliveryResult.temporary(getattr(channel, "provider", "?"), f"{exc.__class__.__name__}: {exc}")


def _abandon(staged: Handover | DeliveryResult) -> None:
    if isinstance(staged, Handover):
        staged.abandon()
