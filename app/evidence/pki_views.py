"""The signing PKI's public files: ``/pki/root.pem`` (trust it to validate proofs) and
``/pki/crl.der`` (the revocation list named in the signing certificate)."""
from __future__ import annotations

from flask import Blueprint, Response

from app.errors import NotFound
from app.evidence.keyring import keys

bp = Blueprint("pki", __name__, url_prefix="/pki")


@bp.get("/root.pem")
def root_certificate():
    """The root the proof-signing certificate chains to."""
    return Response(keys().root_pem, mimetype="application/x-pem-file",
                    headers={"Cache-Control": "public, max-age=3600"})


@bp.get("/crl.der")
def revocation_list():
    """The current CRL of the development root (or the operator's CRL file, when configured)."""
    crl = keys().crl()
    if crl is None:
        raise NotFound("This operator's certificate authority publishes its own revocation list.")
    return Response(crl, mimetype="application/pkix-crl", headers={"Cache-Control": "public, max-age=3600"})
