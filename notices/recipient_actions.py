"""What a recipient may do about an item waiting for him, per service profile, and what he is told.

Three actions: ask for redelivery on a chosen working day, move the item to another pickup
point, authorise a named person to collect it. The operator's rules are data (``RULES``), per
service profile; ``check_*`` take plain facts and ``now`` and return ``None`` when the action is
allowed or a ``Refusal`` whose sentence says why (a Polish msgid, in the recipient's language through the catalogs). Nothing here changes a
date: an official letter keeps its statutory dates whatever the recipient asks (KPA art. 44).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from notices.holidays import is_working_day
from notices.i18n import N_, translations

REDELIVERY = "redelivery"
MOVE = "move_pickup_point"
AUTHORISE = "authorise_collector"
ACTIONS = (REDELIVERY, MOVE, AUTHORISE)


@dataclass(frozen=True)
class ActionRules:
    redeliveries: int
    """How many redeliveries the recipient may ask for (0: the service has none)."""
    redelivery_last_day_margin: int
    """The chosen day must be at least this many working days before the last day to collect."""
    moves: int
    """How many times the item may be moved to another pickup point (0: never)."""
    move_max_km: float
    """How far (great circle) the new point may be from the point the notice named."""
    move_min_days_left: int
    """A move needs this many calendar days left before the last day to collect (transport)."""
    authorisations: int
    """How many people may be authorised to collect (0: only the addressee)."""
    id_documents: tuple[str, ...]
    """Documents an authorised person may show at the counter."""


# Official letters (KPA): a redelivery only before the last working day, one move within the
# same area, one authorised person with an identity card or passport; the statutory dates stay.
OFFICIAL = ActionRules(redeliveries=1, redelivery_last_day_margin=1, moves=1, move_max_km=30,
                       move_min_days_left=2, authorisations=1, id_documents=("id_card", "passport"))
# Other registered items: two moves, farther, any identity document, up to two people.
ORDINARY = ActionRules(redeliveries=1, redelivery_last_day_margin=0, moves=2, move_max_km=100,
                       move_min_days_left=2, authorisations=2,
                       id_documents=("id_card", "passport", "residence_card", "driving_licence"))
# Services whose operator offers no recipient actions.
NONE = ActionRules(redeliveries=0, redelivery_last_day_margin=0, moves=0, move_max_km=0, move_min_days_left=0,
                   authorisations=0, id_documents=())

RULES: dict[str, ActionRules] = {
    "pl_official_letter": OFFICIAL,
    "pl_registered_letter": ORDINARY,
}


def rules_for(profile: str) -> ActionRules:
    return RULES.get(profile, NONE)


@dataclass(frozen=True)
class Refusal:
    field: str
    msgid: str
    values: dict[str, str] | None = None

    def text(self, language: str) -> str:
        return translations(language).gettext(self.msgid).format(**(self.values or {}))


@dataclass(frozen=True)
class ItemFacts:
    """What the rules need to know about the item now."""

    profile: str
    waiting: bool
    """Still waiting at a pickup point (notice left, not collected, returned or closed)."""
    collect_by: date
    country: str = "PL"
    redeliveries: int = 0
    moves: int = 0
    authorisations: int = 0


def _not_waiting() -> Refusal:
    return Refusal("action", N_("Przesyłka nie czeka już w placówce, więc nic nie można w niej zmienić."))


def check_redelivery(item: ItemFacts, day: date | None, today: date) -> Refusal | None:
    rules = rules_for(item.profile)
    if not item.waiting:
        return _not_waiting()
    if rules.redeliveries == 0:
        return Refusal("action", N_("Dla tej usługi operator nie doręcza ponownie; odbierz przesyłkę w placówce."))
    if item.redeliveries >= rules.redeliveries:
        return Refusal("action", N_("Ponowne doręczenie tej przesyłki już zamówiono."))
    if day is None:
        return Refusal("day", N_("Wybierz dzień ponownego doręczenia."))
    if day <= today:
        return Refusal("day", N_("Wybierz dzień od jutra: na dziś doręczyciel ma już zaplanowaną trasę."))
    if not is_working_day(item.country, day):
        return Refusal("day", N_("{day} nie jest dniem roboczym; doręczamy od poniedziałku do piątku poza świętami."),
                       {"day": f"{day:%d.%m.%Y}"})
    last = item.collect_by
    for _ in range(rules.redelivery_last_day_margin):
        last -= timedelta(days=1)
        while not is_working_day(item.country, last):
            last -= timedelta(days=1)
    if day > last:
        return Refusal("day", N_("Najpóźniej można wybrać {last}: termin odbioru mija {collect_by} i nie zmienia się."),
                       {"last": f"{last:%d.%m.%Y}", "collect_by": f"{item.collect_by:%d.%m.%Y}"})
    return None


def check_move(item: ItemFacts, distance_km: float | None, same_point: bool, target_active: bool,
               today: date) -> Refusal | None:
    rules = rules_for(item.profile)
    if not item.waiting:
        return _not_waiting()
    if rules.moves == 0:
        return Refusal("action", N_("Dla tej usługi nie można zmienić placówki odbioru."))
    if item.moves >= rules.moves:
        return Refusal("action", N_("Placówkę tej przesyłki można zmienić najwyżej {moves} raz(y)."),
                       {"moves": str(rules.moves)})
    if (item.collect_by - today).days < rules.move_min_days_left:
        return Refusal("action", N_("Do końca terminu odbioru zostało za mało czasu, by przewieźć przesyłkę."))
    if not target_active or distance_km is None:
        return Refusal("pickup_point", N_("Nie ma takiej czynnej placówki odbioru."))
    if same_point:
        return Refusal("pickup_point", N_("Przesyłka już czeka w tej placówce."))
    if distance_km > rules.move_max_km:
        return Refusal("pickup_point", N_("Wybrana placówka jest {distance} km od obecnej; dla tej usługi "
                                          "najwyżej {limit} km."),
                       {"distance": f"{distance_km:.0f}", "limit": f"{rules.move_max_km:.0f}"})
    return None


def check_authorisation(item: ItemFacts, name: str, id_type: str, id_last_digits: str) -> Refusal | None:
    rules = rules_for(item.profile)
    if not item.waiting:
        return _not_waiting()
    if rules.authorisations == 0:
        return Refusal("action", N_("Tę przesyłkę może odebrać tylko adresat."))
    if item.authorisations >= rules.authorisations:
        return Refusal("action", N_("Upoważniono już {count} osob(y) – to limit dla tej usługi."),
                       {"count": str(item.authorisations)})
    if not name.strip() or len(name) > 200 or len(name.split()) < 2:
        return Refusal("name", N_("Podaj imię i nazwisko osoby upoważnionej."))
    if id_type not in rules.id_documents:
        return Refusal("id_type", N_("Dla tej usługi upoważniony musi okazać: {documents}."),
                       {"documents": ", ".join(rules.id_documents)})
    digits = id_last_digits.strip().upper()
    if not (3 <= len(digits) <= 4 and digits.isalnum() and digits.isascii()):
        return Refusal("id_last_digits", N_("Podaj 3 lub 4 ostatnie znaki numeru dokumentu."))
    return None


def same_person(authorised_name: str, id_type: str, digits: str, name: str, shown_type: str, shown_digits: str) -> bool:
    """Whether the person at the counter is the one authorised (name without case or extra spaces)."""
    def norm(text: str) -> str:
        return " ".join(text.casefold().split())
    return (norm(authorised_name) == norm(name) and id_type == shown_type
            and digits.strip().upper() == shown_digits.strip().upper())


def confirmation(kind: str, language: str, tracking_number: str, data: dict[str, str]) -> str:
    """The confirmation the recipient gets (page and message), in ``language``."""
    _ = translations(language).gettext
    if kind == REDELIVERY:
        day = datetime.fromisoformat(data["day"]).strftime("%d.%m.%Y")
        return _("Przesyłka {number}: zamówiono ponowne doręczenie na {day}. Termin odbioru w placówce "
                 "się nie zmienia.").format(number=tracking_number, day=day)
    if kind == MOVE:
        return _("Przesyłka {number} zostanie przeniesiona do: {to}. Terminy się nie zmieniają.").format(
            number=tracking_number, to=moved_to(data, language))
    return _("Przesyłka {number}: {name} może ją odebrać, okazując dokument ({id_type}, końcówka "
             "{digits}).").format(number=tracking_number, name=data["name"], id_type=data["id_type"],
                                  digits=data["id_last_digits"])


def moved_to(data: dict[str, str], language: str) -> str:
    """The new pickup point as the action's data describes it in ``language`` (Polish if it has none)."""
    return data.get(f"to_text_{language}") or data.get("to_text_pl") or data.get("to", "")


HISTORY = {
    REDELIVERY: N_("Adresat zamówił ponowne doręczenie"),
    MOVE: N_("Adresat przeniósł przesyłkę do innej placówki"),
    AUTHORISE: N_("Adresat upoważnił osobę do odbioru"),
}
