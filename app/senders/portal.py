"""The sender portal (/portal): items, CSV import, proofs, webhooks, API keys, people."""
from __future__ import annotations

from flask import Blueprint, current_app

from app.accounts.web import current_user
from notices.i18n import N_

bp = Blueprint("portal", __name__, url_prefix="/portal", template_folder="templates")

# (endpoint, Polish, English, roles that see it)
NAV = [
    ("portal.index", N_("Przesyłki"), ("sender_admin", "sender_clerk")),
    ("portal.new_item", N_("Nadaj przesyłkę"), ("sender_admin", "sender_clerk")),
    ("portal.import_csv", N_("Import CSV"), ("sender_admin", "sender_clerk")),
    ("portal.proofs_page", N_("Dowody (ZIP)"), ("sender_admin", "sender_clerk")),
    ("portal.stats", N_("Wykres"), ("sender_admin", "sender_clerk")),
    ("portal.webhooks", N_("Powiadomienia zwrotne"), ("sender_admin",)),
    ("portal.api_keys", N_("Klucze API"), ("sender_admin",)),
    ("portal.people", N_("Osoby"), ("sender_admin",)),
    ("portal.organisation", N_("Organizacja"), ("sender_admin",)),
    ("staff.index", N_("Panel operatora"), ("staff",)),
    ("staff.devices", N_("Urządzenia"), ("staff",)),
    ("staff.carriers", N_("Listonosze"), ("staff",)),
    ("recipients.staff_index", N_("Adresaci"), ("staff",)),
    ("staff_cases.queue", N_("Reklamacje"), ("staff",)),
    ("portal.api_reference", N_("Dokumentacja API"), ("sender_admin", "sender_clerk", "staff")),
]


def portal_nav() -> list[tuple[str, str]]:
    user = current_user()
    if user is None:
        return []
    return [(e, name) for e, name, roles in NAV if user.role in roles and e in current_app.view_functions]
