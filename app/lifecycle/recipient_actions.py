"""Recipients' actions on an item waiting for them: redelivery, another pickup point, a collector.

Each accepted action is a ``RecipientAction`` row, an item event ``recipient_action`` (so it is
in the sender's history and in the transparency log) and a confirmation to the recipient through
the outbox, all in one transaction. The rules (per service profile) and the sentences are in
``notices.recipient_actions``; a refused action raises ``ActionRefused`` (422) naming the field
with the sentence that says why. No date of the item changes.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import FieldError, ValidationFailed
from app.events import record_event
from app.messaging.email import enqueue_email
from app.messaging.enqueue import enqueue_message
from app.models import Item, PickupPoint, RecipientAction
from app.models.lifecycle import CarrierTask, ItemLifecycle
from notices import lifecycle as lifecycle_rules
from notices import pickup_points as point_rules
from notices import recipient_actions as rules
from notices.i18n import LANGUAGES, N_, translations
from notices.messages import EmailContent
from notices.vocabulary import ItemStatus

REDELIVERY_HOUR = 8  # the task joins the carrier's list at this local hour of the chosen day


class ActionRefused(ValidationFailed):
    title = "Action refused"

    def __init__(self, refusal: rules.Refusal, language: str):
        super().__init__([FieldError(refusal.field, refusal.text(language))])
        self.detail = refusal.text(language)


@dataclass
class Context:
    item: Item
    lifecycle: ItemLifecycle | None
    facts: rules.ItemFacts
    point: PickupPoint | None
    actions: list[RecipientAction]


def context(session: Session, item: Item) -> Context:
    lc = session.scalar(sa.select(ItemLifecycle).where(ItemLifecycle.item_id == item.id))
    actions = list(session.scalars(sa.select(RecipientAction).where(RecipientAction.item_id == item.id)
                                   .order_by(RecipientAction.id)))
    count = {kind: sum(a.kind == kind for a in actions) for kind in rules.ACTIONS}
    waiting = (lc is not None and lc.stage in lifecycle_rules.OPEN_STAGES
               and item.status == ItemStatus.AWAITING_COLLECTION.value)
    facts = rules.ItemFacts(profile=item.service, waiting=waiting,
                            collect_by=lc.collect_by if lc else date.min, country=item.country or "PL",
                            redeliveries=count[rules.REDELIVERY], moves=count[rules.MOVE],
                            authorisations=count[rules.AUTHORISE])
    point = session.get(PickupPoint, lc.pickup_point_id) if lc and lc.pickup_point_id else None
    return Context(item, lc, facts, point, actions)


def _today(now: datetime, tz: str) -> date:
    return now.astimezone(ZoneInfo(tz)).date()


def move_targets(session: Session, ctx: Context) -> list[tuple[PickupPoint, float]]:
    """Active points within the service's distance of the current one, nearest first."""
    limit = rules.rules_for(ctx.facts.profile).move_max_km
    if ctx.point is None or ctx.point.latitude is None or limit <= 0:
        return []
    found = []
    for point in session.scalars(sa.select(PickupPoint).where(PickupPoint.active.is_(True),
                                                               PickupPoint.latitude.is_not(None))):
        if point.id == ctx.point.id or None in (ctx.point.longitude, point.latitude, point.longitude):
            continue
        km = point_rules.distance_m(ctx.point.latitude, ctx.point.longitude or 0.0, point.latitude or 0.0,
                                    point.longitude or 0.0) / 1000
        if km <= limit:
            found.append((point, km))
    return sorted(found, key=lambda pair: (pair[1], pair[0].code))


def _accept(session: Session, ctx: Context, kind: str, data: dict, *, via: str, now: datetime,
            language: str, contacts: list[tuple[str, str]], base_url: str,
            task: CarrierTask | None = None) -> RecipientAction:
    item = ctx.item
    action = RecipientAction(item_id=item.id, kind=kind, data=data, via=via, created_at=now,
                             task_id=task.id if task else None)
    session.add(action)
    session.flush()
    record_event(session, item, "recipient_action", now, {"action": kind, "action_id": action.id, "via": via,
                                                           **{k: v for k, v in data.items() if "text" not in k}})
    _ = translations(language).gettext
    text = rules.confirmation(kind, language, item.tracking_number, data)
    subject = _("Potwierdzenie: {number}").format(number=item.tracking_number)
    addresses = [("email", item.recipient_email), ("sms", item.recipient_phone), *contacts]
    for channel, address in dict.fromkeys((c, a) for c, a in addresses if a):
        key = f"recipient_action:{action.id}:{channel}:{address}"
        if channel == "sms":
            enqueue_message(session, channel="sms", recipient=address, purpose="recipient_action", body=text,
                            language=language, now=now, dedupe_key=key, item_id=item.id)
        else:
            content = EmailContent(language=language, subject=subject, heading=subject, paragraphs=(text,),
                                   link_label=_("Zapis przesyłki"),
                                   link_url=item.verify_url(base_url))
            enqueue_email(session, content, recipient=address, purpose="recipient_action",
                          now=now, dedupe_key=key, item_id=item.id)
    return action


def ask_redelivery(session: Session, item: Item, day: date | None, *, via: str, now: datetime, tz: str,
                   language: str, base_url: str, contacts: Sequence[tuple[str, str]] = ()) -> RecipientAction:
    """A task in the notice carrier's list for ``day`` (from 08:00 local); closed by his next attempt."""
    ctx = context(session, item)
    refusal = rules.check_redelivery(ctx.facts, day, _today(now, tz))
    if refusal is None and (ctx.lifecycle is None or ctx.lifecycle.carrier_id is None):
        refusal = rules.Refusal("action", N_("Nie wiadomo, który doręczyciel ma tę przesyłkę."))
    if refusal is not None:
        raise ActionRefused(refusal, language)
    assert day is not None and ctx.lifecycle is not None and ctx.lifecycle.carrier_id is not None  # else refused above
    due = datetime.combine(day, time(REDELIVERY_HOUR), ZoneInfo(tz))
    task = CarrierTask(item_id=item.id, carrier_id=ctx.lifecycle.carrier_id, kind=rules.REDELIVERY, status="open",
                       due_at=due, created_at=now)
    session.add(task)
    session.flush()
    return _accept(session, ctx, rules.REDELIVERY, {"day": day.isoformat()}, via=via, now=now,
                   language=language, contacts=list(contacts), base_url=base_url, task=task)


def move(session: Session, item: Item, code: str, *, via: str, now: datetime, tz: str, language: str,
         base_url: str, contacts: Sequence[tuple[str, str]] = ()) -> RecipientAction:
    """Send the item to another active point; its dates (statutory for official letters) stay."""
    ctx = context(session, item)
    target = session.scalar(sa.select(PickupPoint).where(PickupPoint.code == (code or "").strip().upper()))
    km = None
    if (target is not None and ctx.point is not None and ctx.point.latitude is not None
            and None not in (ctx.point.longitude, target.latitude, target.longitude)):
        km = point_rules.distance_m(ctx.point.latitude, ctx.point.longitude or 0.0, target.latitude or 0.0,
                                    target.longitude or 0.0) / 1000
    refusal = rules.check_move(ctx.facts, km, target is not None and ctx.point is not None and target.id == ctx.point.id,
                               target is not None and target.active, _today(now, tz))
    if refusal is None and (target is None or ctx.lifecycle is None):
        refusal = rules.Refusal("pickup_point", N_("Tej przesyłki nie można przenieść."))
    if refusal is not None:
        raise ActionRefused(refusal, language)
    assert target is not None and ctx.lifecycle is not None  # else refused above
    ctx.lifecycle.pickup_point_id = target.id
    data = {"from": ctx.point.code if ctx.point else None, "to": target.code,
            **{f"to_text_{lang}": point_rules.describe(target.facts(), lang)["text"] for lang in LANGUAGES}}
    return _accept(session, ctx, rules.MOVE, data, via=via, now=now, language=language, contacts=list(contacts),
                   base_url=base_url)


def authorise(session: Session, item: Item, name: str, id_type: str, id_last_digits: str, *, via: str,
              now: datetime, language: str, base_url: str, contacts: Sequence[tuple[str, str]] = ()) -> RecipientAction:
    """Name a person who may collect the item on showing the document (type and last characters)."""
    ctx = context(session, item)
    refusal = rules.check_authorisation(ctx.facts, name or "", id_type or "", id_last_digits or "")
    if refusal is not None:
        raise ActionRefused(refusal, language)
    data = {"name": " ".join(name.split()), "id_type": id_type, "id_last_digits": id_last_digits.strip().upper()}
    return _accept(session, ctx, rules.AUTHORISE, data, via=via, now=now, language=language, contacts=list(contacts),
                   base_url=base_url)


_TASKS = cast(sa.Table, CarrierTask.__table__).c
_OPEN_REDELIVERY = sa.select(_TASKS.id).where(_TASKS.item_id == sa.bindparam("item_id"), _TASKS.status == "open",
                                              _TASKS.kind == rules.REDELIVERY)


def close_redelivery(session: Session, item_id: int, attempt_id: int, now: datetime) -> None:
    """An attempt by the carrier does the open redelivery task of the item (recorded like any attempt)."""
    # Almost every attempt finds none: the id alone is read first, the task only when there is one.
    task_id = session.connection().execute(_OPEN_REDELIVERY, {"item_id": item_id}).scalar()
    task = None if task_id is None else session.get(CarrierTask, task_id)
    if task is None:
        return
    task.status, task.closed_at, task.attempt_id = "done", now, attempt_id
    session.execute(sa.update(RecipientAction).where(RecipientAction.task_id == task.id)
                    .values(attempt_id=attempt_id).execution_options(synchronize_session=False))


def authorised_collector(session: Session, item_id: int, name: str, id_type: str, digits: str) -> int | None:
    """The id of the authorisation that matches the person at the counter, if any."""
    for action in session.scalars(sa.select(RecipientAction).where(RecipientAction.item_id == item_id,
                                                                   RecipientAction.kind == rules.AUTHORISE)):
        data = action.data or {}
        if rules.same_person(data.get("name", ""), data.get("id_type", ""), data.get("id_last_digits", ""),
                             name, id_type, digits):
            return action.id
    return None


def history(ctx: Context, language: str) -> list[dict]:
    """The item's actions for the record page (no personal data of a collector beyond the name)."""
    _ = translations(language).gettext
    lines = []
    for action in ctx.actions:
        data = action.data or {}
        label = _(rules.HISTORY[action.kind])
        detail = (data.get("day") if action.kind == rules.REDELIVERY else
                  rules.moved_to(data, language) if action.kind == rules.MOVE else data.get("name"))
        lines.append({"kind": action.kind, "at": action.created_at, "text": f"{label}: {detail}",
                      "done": action.attempt_id is not None})
    return lines


def due_before(day_end: datetime) -> sa.ColumnElement[bool]:
    """Tasks that belong on the list now: a redelivery only from its day on."""
    return sa.or_(CarrierTask.kind != rules.REDELIVERY, CarrierTask.due_at < day_end)


def end_of_day(now: datetime, tz: str) -> datetime:
    zone = ZoneInfo(tz)
    return datetime.combine(now.astimezone(zone).date() + timedelta(days=1), time(0), zone)
