"""A proof for a Ukrainian-speaking recipient reads Polish and Ukrainian, in glyphs that render."""
from __future__ import annotations

import io

from pypdf import PdfReader

from tests.proofs.pdftools import pdf_text

RECIPIENT = {"name": "Олена Коваленко", "language": "uk",
             "address": {"line1": "ul. Długa 5", "postal_code": "00-238", "city": "Warszawa", "country": "PL"}}


def _embedded_fonts(pdf: bytes) -> set[str]:
    """Names of the fonts embedded in the file (a font file attached, not only named)."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


def test_a_ukrainian_recipients_proof_is_in_polish_and_ukrainian_with_dejavu_embedded(api, client):
    number = api.register(recipient=RECIPIENT).get_json()["tracking_number"]
    assert api.scan(number, outcome="notice_left").status_code == 201
    response = client.get(f"/api/v1/items/{number}/proof.pdf", headers=api.auth(api.sender_key))
    assert response.status_code == 200

    text = " ".join(pdf_text(response.data).split())
    assert "Dowód doręczenia i awizowania / Доказ вручення та повідомлення" in text
    assert "Próby doręczenia / Спроби вручення" in text
    assert "Pozostawiono awizo (adresat nieobecny) / Залишено повідомлення (адресата не було)" in text
    assert "Олена Коваленко" in text
    assert "Proof of delivery" not in text  # the second language is the recipient's, not English
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= _embedded_fonts(response.data)


def test_a_polish_recipients_proof_keeps_english_as_its_second_language(api, client):
    number = api.register().get_json()["tracking_number"]
    api.scan(number)
    pdf = client.get(f"/api/v1/items/{number}/proof.pdf", headers=api.auth(api.sender_key)).data
    assert "Dowód doręczenia i awizowania / Proof of delivery and notice" in " ".join(pdf_text(pdf).split())
