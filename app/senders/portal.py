"""The sender portal (/portal): items, CSV import, proofs, webhooks, API keys, people."""
from __future__ import annotations

from flask import Blueprint, current_app

from app.accounts.web import current_user

bp = Blueprint("portal", __name__, url_prefix="/portal", template_folder="templates")

# (endpoint, Polish, English, roles that see it)
NAV = [
    ("portal.index", "Przesyłki", "Items", ("sender_admin", "sender_clerk")),
    ("portal.new_item", "Nadaj przesyłkę", "Register an item", ("sender_admin", "sender_clerk")),
    ("portal.import_csv", "Import CSV", "CSV import", ("sender_admin", "sender_clerk")),
    ("portal.proofs_page", "Dowody (ZIP)", "Proofs (zip)", ("sender_admin", "sender_clerk")),
    ("portal.stats", "Wykres", "Chart", ("sender_admin", "sender_clerk")),
    ("portal.webhooks", "Powiadomienia zwrotne", "Webhooks", ("sender_admin",)),
    ("portal.api_keys", "Klucze API", "API keys", ("sender_admin",)),
    ("portal.people", "Osoby", "People", ("sender_admin",)),
    ("portal.organisation", "Organizacja", "Organisation", ("sender_admin",)),
    ("staff.index", "Panel operatora", "Operator", ("staff",)),
    ("staff.devices", "Urządzenia", "Devices", ("staff",)),
    ("staff.carriers", "Listonosze", "Carriers", ("staff",)),
    ("recipients.staff_index", "Adresaci", "Recipients", ("staff",)),
    ("staff_cases.queue", "Reklamacje", "Cases", ("staff",)),
    ("portal.api_reference", "Dokumentacja API", "API reference", ("sender_admin", "sender_clerk", "staff")),
]


def portal_nav() -> list[tuple[str, str, str]]:
    user = current_user()
    if user is None:
        return []
    return [(e, pl, en) for e, pl, en, roles in NAV if user.role in roles and e in current_app.view_functions]
