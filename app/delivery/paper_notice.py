"""The data of a printable paper notice: wording in both languages, a QR code, a claim code."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import qrcode
import qrcode.image.svg
from sqlalchemy.orm import Session

from app.delivery.attempts import signed_scan_of
from app.delivery.pickup_points import describe_point
from app.models import Attempt, Device, Item
from app.recipients.address_proof import notice_claim_code_issued
from notices import claim_codes
from notices import lifecycle as rules
from notices.i18n import language_or_default
from notices.paper_notice import NoticeFacts, device_notice_texts, notice_text
from notices.profiles import PROFILES

KIT_DAYS = 21
"""Days ahead the handheld gets collection deadlines for, to print notices without network."""


def qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return image.to_string(encoding="unicode")


def notice_data(session: Session, item: Item, attempt: Attempt, *, base_url: str, tz: str, secret: str,
                now: datetime) -> dict:
    zone = ZoneInfo(tz)
    profile = PROFILES.get(item.service)
    if attempt.pickup_point is None:
        raise ValueError(f"attempt {attempt.id} left no notice at a pickup point")
    second = language_or_default(item.language)
    second = "en" if second == "pl" else second
    where = {lang: describe_point(attempt.pickup_point, lang) or {"name": "", "address": "", "hours": ""}
             for lang in ("pl", "en", second)}
    url = item.verify_url(base_url)
    facts = NoticeFacts(
        tracking_number=item.tracking_number,
        service_pl=profile.name_pl if profile else item.service,
        service_en=profile.name_en if profile else item.service,
        sender_name=item.sender.name if item.sender else None,
        left_at=attempt.occurred_at.astimezone(zone),
        collect_by=(attempt.collect_by_at or item.collect_by_at or attempt.occurred_at).astimezone(zone),
        pickup_name=where["pl"]["name"], pickup_address=where["pl"]["address"], pickup_hours=where["pl"]["hours"] or None,
        repeat_notice=bool(getattr(profile, "repeat_notice", False)),
        hold_days=int(getattr(profile, "hold", getattr(profile, "first_notice_days", 7))),
        deemed_service=bool(getattr(profile, "deemed_service", False)),
        verify_url=url,
    )
    signup_url = f"{base_url}/alerts/"
    return {
        "tracking_number": item.tracking_number,
        "attempt_id": attempt.id,
        "verify_url": url,
        "signup_url": signup_url,
        "claim_code": notice_claim_code_issued(session, attempt.id, secret=secret, **signed_scan_of(attempt)),
        "qr_svg": qr_svg(url),
        # Polish (the notice's legal language) and the item's language, English for a Polish item.
        "languages": ["pl", second],
        "text": {lang: notice_text(replace(facts, pickup_hours=where[lang]["hours"] or None), lang)
                 for lang in ("pl", "en", second)},
    }


def notice_link(base_url: str, device_id: int, sequence: int, secret: str) -> str:
    """The link a device-printed notice's QR code carries: the record, once the scan has arrived."""
    tag = claim_codes.scan_notice_tag(claim_codes.device_notice_key(secret, device_id), sequence)
    return f"{base_url}/n/{device_id}/{sequence}/{tag}"


def notice_kit(device: Device, *, base_url: str, tz: str, secret: str, now: datetime) -> dict:
    """What a handheld needs to print a notice with no network, from its own signed scan.

    Its notice key (claim codes and QR links, :mod:`notices.claim_codes`), where the links lead,
    the service profiles' wording facts, and, per day from today, the last day to collect for a
    notice left that day under each profile (the operator's calendar, holidays included).
    """
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    deadlines = {}
    for offset in range(KIT_DAYS):
        day = today + timedelta(days=offset)
        noon = datetime.combine(day, time(12), tzinfo=zone)
        deadlines[day.isoformat()] = {code: rules.plan(p, noon, tz).collect_by.isoformat()
                                      for code, p in PROFILES.items()}
    return {
        "key": claim_codes.device_notice_key(secret, device.id),
        "link_base": f"{base_url}/n/{device.id}/",
        "signup_url": f"{base_url}/alerts/",
        "time_zone": tz,
        "profiles": {code: {"name_pl": p.name_pl, "name_en": p.name_en, "hold_days": p.hold,
                            "repeat_notice": p.repeat_notice, "deemed_service": p.deemed_service}
                     for code, p in PROFILES.items()},
        "deadlines": deadlines,
        "texts": device_notice_texts({code: p.name_pl for code, p in PROFILES.items()}),
    }
