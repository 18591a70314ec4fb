"""Reading rendered proofs as a person (or a court) would: text, and the QR code on the page."""
from __future__ import annotations

import io

import pypdfium2
import zxingcpp
from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def page_image(pdf: bytes, page: int = 0, scale: float = 2.0):
    document = pypdfium2.PdfDocument(pdf)
    try:
        return document[page].render(scale=scale).to_pil()
    finally:
        document.close()


def qr_codes(pdf: bytes, page: int = 0) -> list[str]:
    return [b.text for b in zxingcpp.read_barcodes(page_image(pdf, page)) if b.format == zxingcpp.BarcodeFormat.QRCode]
