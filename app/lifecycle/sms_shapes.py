"""A batch's lifecycle SMS, each distinct wording fitted once and filled in per item.

An alert SMS is fitted to its segment budget: its free-text fields (the pickup point's name,
the sender's) lose words until the whole text fits. Items noticed together differ only in
their tracking number and record link, and how a text fits depends on those two only through
what each of their characters costs. :class:`SmsShapes` therefore fits each alert once for a
given length of the two, with runs of a stand-in character in their place, and puts each
item's own values in. The stand-ins and the values must cost the same and must not change the
text's encoding, so both come from the basic GSM 03.38 alphabet (one unit each, in GSM-7 and in
UCS-2 alike); any other value, a shared value holding a stand-in character, or a fitted text
whose stand-ins are not exactly the runs put in, takes the ordinary path. A test compares both
ways for many random alerts in every language.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from operator import attrgetter

from notices.lifecycle_messages import LifecycleAlert
from notices.sms import GSM7_BASIC

_NUMBER_MARK, _URL_MARK = "§", "¤"  # both in the basic GSM 03.38 alphabet: one unit, as the values' characters
_PLAIN = GSM7_BASIC - {_NUMBER_MARK, _URL_MARK}
_PER_ITEM = ("tracking_number", "verify_url")
_shared = attrgetter(*(f.name for f in fields(LifecycleAlert) if f.name not in _PER_ITEM))


class SmsShapes:
    """Per batch: the SMS fitted so far, by wording, alert without its per-item values, and their lengths."""

    def __init__(self) -> None:
        self._made: dict[tuple, tuple[str, str, str] | None] = {}

    def sms(self, wording: Callable[[LifecycleAlert], str], alert: LifecycleAlert) -> str:
        """``wording(alert)``, fitted once per shape of the batch."""
        number, url = alert.tracking_number, alert.verify_url
        if not number or not url or not _PLAIN.issuperset(number) or not _PLAIN.issuperset(url):
            return wording(alert)
        key = (wording, len(number), len(url), _shared(alert))
        try:
            made = self._made[key]
        except KeyError:
            made = self._made[key] = _shape(wording, alert, len(number), len(url))
        if made is None:
            return wording(alert)
        text, number_run, url_run = made
        return text.replace(number_run, number).replace(url_run, url)


def _shape(wording: Callable[[LifecycleAlert], str], alert: LifecycleAlert, number_length: int,
           url_length: int) -> tuple[str, str, str] | None:
    """The fitted text with runs of stand-ins in place of the number and the link, and the runs;
    None where the stand-ins could be mistaken for anything else in the text."""
    if any(isinstance(v, str) and (_NUMBER_MARK in v or _URL_MARK in v) for v in _shared(alert)):
        return None
    number_run, url_run = _NUMBER_MARK * number_length, _URL_MARK * url_length
    text = wording(replace(alert, tracking_number=number_run, verify_url=url_run))
    if text.count(_NUMBER_MARK) != number_length * text.count(number_run) \
            or text.count(_URL_MARK) != url_length * text.count(url_run):
        return None
    return text, number_run, url_run
