"""The signed decision letter and the evidence bundle a recipient or sender can download.

The letter is signed (PAdES, time-stamped when a TSA is configured) with the same key as the
proofs, with the case's JSON attached; the bundle is a zip of the letter, the item's current
proof, the log inclusion proofs and the raw case JSON.
"""
from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime

from sqlalchemy.orm import Session

from app.cases.context import CaseSettings
from app.cases.queries import case_data
from app.evidence.keyring import keys
from app.evidence.proofs import issue_proof
from app.models import Item
from app.models.cases import Case
from notices.case_letter import render_letter_pdf


def attach_letter(session: Session, case: Case, settings: CaseSettings, now: datetime) -> None:
    """Decision hook: render the letter in the recipient's language, sign it, keep it on the case."""
    data = case_data(session, case, settings.check_rules)
    pdf = render_letter_pdf(data, language=case.language, now=now, tz=settings.tz)
    attachment = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode()
    case.letter_pdf = keys().signer.sign(pdf, attachment=attachment, attachment_name="case.json",
                                         reason="Decision on a complaint / Decyzja w sprawie reklamacji",
                                         location=settings.base_url)


def evidence_bundle(session: Session, case: Case, *, variant: str, settings: CaseSettings, now: datetime) -> bytes:
    """A zip: letter (when decided), current proof (``variant`` sender|public), log proofs, raw JSON."""
    item = session.get_one(Item, case.item_id)
    number = case.number
    proof = issue_proof(session, item, variant=variant, settings=settings.record, now=now)
    case = session.get_one(Case, case.id)  # issuing a proof commits; read the case again
    data = case_data(session, case, settings.check_rules)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        if case.letter_pdf:
            bundle.writestr(f"{number}-letter.pdf", case.letter_pdf)
        bundle.writestr(f"proof-{item.tracking_number}-v{proof.version}.pdf", proof.pdf)
        bundle.writestr("log-inclusion-proofs.json", json.dumps(
            {"tree_head": data["evidence"]["tree_head"],
             "attempts": [{"attempt_id": a["attempt_id"], **(a["log"] or {})} for a in data["evidence"]["attempts"]]},
            indent=2))
        bundle.writestr(f"{number}.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
    return out.getvalue()
