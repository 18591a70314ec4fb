"""What a recipient may do about an item waiting for him, per service profile, and what he is told.

Three actions: ask for redelivery on a chosen working day, move the item to another pickup
point, authorise a named person to collect it. The operator's rules are data (``RULES``), per
service profile; ``check_*`` take plain facts and ``now`` and return ``None`` when the action is
allowed or a ``Refusal`` whose sentence says why (in Polish and English). Nothing here changes a
date: an official letter keeps its statutory dates whatever the recipient asks (KPA art. 44).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from notices.holidays import is_working_day

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
    pl: str
    en: str

    def text(self, language: str) -> str:
        return self.pl if language == "pl" else self.en


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
    return Refusal("action", "Przesyłka nie czeka już w placówce, więc nic nie można w niej zmienić.",
                   "The item is no longer waiting at a pickup point, so nothing can be changed.")


def check_redelivery(item: ItemFacts, day: date | None, today: date) -> Refusal | None:
    rules = rules_for(item.profile)
    if not item.waiting:
        return _not_waiting()
    if rules.redeliveries == 0:
        return Refusal("action", "Dla tej usługi operator nie doręcza ponownie; odbierz przesyłkę w placówce.",
                       "The operator does not redeliver this service; collect the item at the pickup point.")
    if item.redeliveries >= rules.redeliveries:
        return Refusal("action", "Ponowne doręczenie tej przesyłki już zamówiono.",
                       "A redelivery of this item has already been asked for.")
    if day is None:
        return Refusal("day", "Wybierz dzień ponownego doręczenia.", "Choose the day of the redelivery.")
    if day <= today:
        return Refusal("day", "Wybierz dzień od jutra: na dziś doręczyciel ma już zaplanowaną trasę.",
                       "Choose a day from tomorrow on: today's round is already planned.")
    if not is_working_day(item.country, day):
        return Refusal("day", f"{day:%d.%m.%Y} nie jest dniem roboczym; doręczamy od poniedziałku do piątku "
                       "poza świętami.",
                       f"{day:%d.%m.%Y} is not a working day; deliveries are Monday to Friday except holidays.")
    last = item.collect_by
    for _ in range(rules.redelivery_last_day_margin):
        last -= timedelta(days=1)
        while not is_working_day(item.country, last):
            last -= timedelta(days=1)
    if day > last:
        return Refusal("day", f"Najpóźniej można wybrać {last:%d.%m.%Y}: termin odbioru mija "
                       f"{item.collect_by:%d.%m.%Y} i nie zmienia się.",
                       f"The latest day you can choose is {last:%d.%m.%Y}: the item must be collected by "
                       f"{item.collect_by:%d.%m.%Y}, and that date does not change.")
    return None


def check_move(item: ItemFacts, distance_km: float | None, same_point: bool, target_active: bool,
               today: date) -> Refusal | None:
    rules = rules_for(item.profile)
    if not item.waiting:
        return _not_waiting()
    if rules.moves == 0:
        return Refusal("action", "Dla tej usługi nie można zmienić placówki odbioru.",
                       "The pickup point of this service cannot be changed.")
    if item.moves >= rules.moves:
        return Refusal("action", f"Placówkę tej przesyłki można zmienić najwyżej {rules.moves} raz(y).",
                       f"The pickup point of this item can be changed at most {rules.moves} time(s).")
    if (item.collect_by - today).days < rules.move_min_days_left:
        return Refusal("action", "Do końca terminu odbioru zostało za mało czasu, by przewieźć przesyłkę.",
                       "Too little time is left before the last day to collect to move the item.")
    if not target_active or distance_km is None:
        return Refusal("pickup_point", "Nie ma takiej czynnej placówki odbioru.", "There is no such open pickup point.")
    if same_point:
        return Refusal("pickup_point", "Przesyłka już czeka w tej placówce.", "The item already waits there.")
    if distance_km > rules.move_max_km:
        return Refusal("pickup_point", f"Wybrana placówka jest {distance_km:.0f} km od obecnej; dla tej usługi "
                       f"najwyżej {rules.move_max_km:.0f} km.",
                       f"The chosen point is {distance_km:.0f} km from the current one; this service allows "
                       f"at most {rules.move_max_km:.0f} km.")
    return None


def check_authorisation(item: ItemFacts, name: str, id_type: str, id_last_digits: str) -> Refusal | None:
    rules = rules_for(item.profile)
    if not item.waiting:
        return _not_waiting()
    if rules.authorisations == 0:
        return Refusal("action", "Tę przesyłkę może odebrać tylko adresat.", "Only the addressee may collect this item.")
    if item.authorisations >= rules.authorisations:
        return Refusal("action", f"Upoważniono już {item.authorisations} osob(y) – to limit dla tej usługi.",
                       f"{item.authorisations} person(s) are already authorised, the limit for this service.")
    if not name.strip() or len(name) > 200 or len(name.split()) < 2:
        return Refusal("name", "Podaj imię i nazwisko osoby upoważnionej.",
                       "Give the authorised person's first name and surname.")
    if id_type not in rules.id_documents:
        return Refusal("id_type", "Dla tej usługi upoważniony musi okazać: " + ", ".join(rules.id_documents) + ".",
                       "For this service the authorised person must show: " + ", ".join(rules.id_documents) + ".")
    digits = id_last_digits.strip().upper()
    if not (3 <= len(digits) <= 4 and digits.isalnum() and digits.isascii()):
        return Refusal("id_last_digits", "Podaj 3 lub 4 ostatnie znaki numeru dokumentu.",
                       "Give the last 3 or 4 characters of the document number.")
    return None


def same_person(authorised_name: str, id_type: str, digits: str, name: str, shown_type: str, shown_digits: str) -> bool:
    """Whether the person at the counter is the one authorised (name without case or extra spaces)."""
    def norm(text: str) -> str:
        return " ".join(text.casefold().split())
    return (norm(authorised_name) == norm(name) and id_type == shown_type
            and digits.strip().upper() == shown_digits.strip().upper())


def confirmation(kind: str, language: str, tracking_number: str, data: dict[str, str]) -> str:
    """The confirmation the recipient gets (page and message)."""
    pl = language == "pl"
    if kind == REDELIVERY:
        day = datetime.fromisoformat(data["day"]).strftime("%d.%m.%Y")
        return (f"Przesyłka {tracking_number}: zamówiono ponowne doręczenie na {day}. Termin odbioru w placówce "
                "się nie zmienia." if pl else
                f"Item {tracking_number}: redelivery asked for {day}. The last day to collect it does not change.")
    if kind == MOVE:
        return (f"Przesyłka {tracking_number} zostanie przeniesiona do: {data['to_text_pl']}. Terminy się nie zmieniają."
                if pl else
                f"Item {tracking_number} will be moved to: {data['to_text_en']}. Its dates do not change.")
    return (f"Przesyłka {tracking_number}: {data['name']} może ją odebrać, okazując dokument "
            f"({data['id_type']}, końcówka {data['id_last_digits']})." if pl else
            f"Item {tracking_number}: {data['name']} may collect it on showing the document "
            f"({data['id_type']}, ending {data['id_last_digits']}).")


HISTORY = {
    REDELIVERY: ("Adresat zamówił ponowne doręczenie", "Recipient asked for redelivery"),
    MOVE: ("Adresat przeniósł przesyłkę do innej placówki", "Recipient moved the item to another pickup point"),
    AUTHORISE: ("Adresat upoważnił osobę do odbioru", "Recipient authorised a person to collect"),
}
