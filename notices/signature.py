"""PAdES signatures on proof PDFs (pyHanko): sign with an attachment, check, read the attachment.

The proof is *certified* (DocMDP: no changes allowed) and carries an RFC 3161 signature
timestamp (PAdES B-T) when a time-stamping authority is given. Given a validation context (the
trust roots, the issuing chain and the revocation data), the signer's certificates and CRLs go
into the document security store (PAdES B-LT) and a document time-stamp follows (B-LTA). Checking reports whether the
signed bytes are intact, whether the signature covers the whole file (an incremental update
after signing is a modification), who signed, and when the TSA says the signature existed.
"""
from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import io
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from asn1crypto import cms as asn1_cms
from asn1crypto import keys as asn1_keys
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.signers.pdf_signer import DSSContentSettings, PreSignValidationStatus, TimestampDSSContentSettings
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

_T = TypeVar("_T")


class TimestampUnavailable(Exception):
    """The time-stamping authority did not answer; the caller may sign without a time-stamp."""

FIELD_NAME = "AwizoProof"
_DSS_SETTINGS = DSSContentSettings(
    next_ts_settings=TimestampDSSContentSettings(update_before_ts=True, include_vri=False))
SIGNATURE_SPACE = 16384  # bytes for the CMS signature with its RFC 3161 token and certificates


def _outside_event_loop(fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """pyHanko's synchronous API calls ``asyncio.run``, which fails inside a running event loop
    (an async server, or a test driving a browser): run it on a helper thread in that case."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def _no_fetching_notice(record: logging.LogRecord) -> bool:
    """pyHanko warns on every signature that embeds validation data without fetching; offline
    revocation data (the operator's CRL) is this project's design, not a problem to log."""
    return "fetching is not allowed" not in record.getMessage()


def load_certificates(pem: bytes) -> list[asn1_x509.Certificate]:
    """Every CERTIFICATE block in a PEM file."""
    certs = []
    for kind, _headers, der in asn1_pem.unarmor(pem, multiple=True):
        if kind == "CERTIFICATE":
            certs.append(asn1_x509.Certificate.load(der))
    return certs


_TEMPLATE_ATTRIBUTES = frozenset({"content_type", "message_digest", "signing_certificate_v2", "cms_algorithm_protection"})


class _TemplateSigner(signers.SimpleSigner):
    """pyHanko's in-memory signer, with the CMS attributes handed over as DER.

    The signed attributes of a proof differ only in the document digest: they are made once per
    digest length and spliced (every attribute is checked to be one that holds nothing else that
    varies). Both attribute sets are passed on parsed from their encoding, because asn1crypto
    deep-copies a built attribute tree to give it the SignerInfo's implicit tag.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._templates: dict[tuple[Any, ...], tuple[bytes, ...] | None] = {}

    async def signed_attrs(self, data_digest: bytes, digest_algorithm: str, attr_settings: Any = None,
                           content_type: str = "data", use_pades: bool = False, timestamper: Any = None,
                           dry_run: bool = False, is_pdf_sig: bool = True) -> asn1_cms.CMSAttributes:
        key = (digest_algorithm, content_type, use_pades, is_pdf_sig, len(data_digest), attr_settings is None)
        if key not in self._templates:
            marker = hashlib.sha512(b"awizo signed attributes template").digest()[:len(data_digest)]
            made = await super().signed_attrs(marker, digest_algorithm, attr_settings, content_type, use_pades,
                                              timestamper, dry_run, is_pdf_sig)
            der = made.dump()
            plain = {attr["type"].native for attr in made} <= _TEMPLATE_ATTRIBUTES and der.count(marker) == 1
            self._templates[key] = tuple(der.split(marker)) if plain else None
        template = self._templates[key]
        if template is None:  # something else in the attributes (a signing time): made each time
            made = await super().signed_attrs(data_digest, digest_algorithm, attr_settings, content_type, use_pades,
                                              timestamper, dry_run, is_pdf_sig)
            return asn1_cms.CMSAttributes.load(made.dump())
        return asn1_cms.CMSAttributes.load(template[0] + data_digest + template[1])

    async def unsigned_attrs(self, digest_algorithm: str, signature: bytes, signed_attrs: asn1_cms.CMSAttributes,
                             timestamper: Any = None, dry_run: bool = False) -> asn1_cms.CMSAttributes | None:
        made = await super().unsigned_attrs(digest_algorithm, signature, signed_attrs, timestamper, dry_run)
        return None if made is None else asn1_cms.CMSAttributes.load(made.dump())


@dataclass
class PdfSigner:
    """The operator's signing key and certificate (PEM, PKCS#8 key) and an optional TSA."""

    key_pem: bytes
    cert_pem: bytes
    tsa_url: str | None = None
    timestamper: TimeStamper | None = None  # a pyHanko TimeStamper; overrides tsa_url (tests, bench)
    chain_pem: bytes = b""  # the issuing CA certificates, carried in the signature
    # Makes the context that validates the signer and the TSA (trust roots, CRLs); with it the
    # validation data is embedded (B-LT) and, when time-stamped, a document time-stamp added (B-LTA).
    validation_context: Callable[[], ValidationContext] | None = None
    long_term: bool = True  # False: B-T only (the archive time-stamp is left to ``flask evidence refresh``)

    def __post_init__(self) -> None:
        logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(_no_fetching_notice)  # once: same function
        cert = load_certificates(self.cert_pem)[0]
        key = asn1_keys.PrivateKeyInfo.load(asn1_pem.unarmor(self.key_pem)[2])
        # The pre-signing validation (the signer's and the TSA's paths, the revocation data to embed)
        # of the last validation context: the same context gives the same answer, so it is made once.
        self._presign: tuple[ValidationContext, PreSignValidationStatus | None] | None = None
        self._signer = _TemplateSigner(
            signing_cert=cert, signing_key=key,
            cert_registry=SimpleCertificateStore.from_certs([cert, *load_certificates(self.chain_pem)]))  # type: ignore[no-untyped-call]
        if self.timestamper is None and self.tsa_url:
            # The requests-based client: pyHanko's default aiohttp client builds a new HTTP
            # session (and TLS context) for every timestamp, which costs more than the signature.
            from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

            self.timestamper = RequestsHTTPTimeStamper(self.tsa_url, timeout=10)  # type: ignore[no-untyped-call]

    def sign(self, pdf: bytes, *, attachment: bytes | None = None, attachment_name: str = "evidence.json",
             reason: str = "Proof of delivery / Dowód doręczenia", location: str | None = None,
             timestamp: bool = True) -> bytes:
        """Sign (and time-stamp unless ``timestamp=False``); raise TimestampUnavailable if the TSA fails."""
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        if attachment is not None:
            embed.embed_file(writer, embed.FileSpec(
                file_spec_string=attachment_name, file_name=attachment_name,
                embedded_data=embed.EmbeddedFileObject.from_file_data(writer, data=attachment, mime_type="application/json"),
                description="Canonical log entries, inclusion proofs and signed tree head",
                af_relationship=generic.NameObject("/Supplement"),
            ))
        timestamper = self.timestamper if timestamp else None
        # Validation data only with a time-stamp: B-LT builds on B-T (an unstamped proof stays one
        # revision and is re-issued stamped, with its validation data, when the authority is back).
        long_term = self.validation_context is not None and self.long_term and timestamper is not None
        context = self.validation_context() if long_term and self.validation_context is not None else None
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
            certify=True, docmdp_permissions=fields.MDPPerm.NO_CHANGES, reason=reason, location=location,
            embed_validation_info=context is not None, validation_context=context,
            use_pades_lta=context is not None and timestamper is not None,
            # The document time-stamp's validation data (the same TSA as the signature's) goes into
            # the DSS update that precedes it, not a third revision read back and rewritten after it.
            dss_settings=_DSS_SETTINGS,
        )
        out = io.BytesIO()
        try:
            _outside_event_loop(asyncio.run, self._sign(signers.PdfSigner(meta, signer=self._signer, timestamper=timestamper),
                                                        writer, out))
        except (TimestampRequestError, OSError) as exc:
            if timestamper is None:
                raise
            raise TimestampUnavailable(f"the time-stamping authority did not answer ({exc})") from exc
        return out.getvalue()

    async def _sign(self, pdf_signer: signers.PdfSigner, writer: IncrementalPdfFileWriter, out: io.BytesIO) -> None:
        """pyHanko's ``async_sign_pdf`` in its interrupted-signing steps, the pre-signing validation
        taken from the last run with the same validation context."""
        context = pdf_signer.signature_meta.validation_context
        try:
            await self._sign_steps(pdf_signer, context, writer, out)
        finally:  # a context that fetches revocation data closes what it opened in this event loop
            if context is not None:
                await context.aclose()  # type: ignore[no-untyped-call]

    async def _sign_steps(self, pdf_signer: signers.PdfSigner, context: ValidationContext | None,
                          writer: IncrementalPdfFileWriter, out: io.BytesIO) -> None:
        session = pdf_signer.init_signing_session(writer)
        reusable = context is not None and not _has_document_timestamp(writer)
        cached = self._presign
        if reusable and cached is not None and cached[0] is context:
            validation_info = _fresh_lists(cached[1])
        else:
            validation_info = await session.perform_presign_validation(writer)
            if reusable and context is not None:
                self._presign = (context, _fresh_lists(validation_info))
        # A fixed reservation skips pyHanko's dry-run signature (and dry-run timestamp) used to size it.
        tbs = session.prepare_tbs_document(validation_info=validation_info, bytes_reserved=SIGNATURE_SPACE)
        digest, output = tbs.digest_tbs_document(output=out)
        signed = await tbs.perform_signature(document_digest=digest.document_digest, pdf_cms_signed_attrs=PdfCMSSignedAttributes(
            signing_time=session.system_time,
            adobe_revinfo_attr=None if validation_info is None else validation_info.adobe_revinfo_attr,
            cades_signed_attrs=pdf_signer.signature_meta.cades_signed_attr_spec))
        await signed.post_signature_processing(output)


def _fresh_lists(status: PreSignValidationStatus | None) -> PreSignValidationStatus | None:
    """The status with lists of its own: pyHanko appends the document time-stamp's validation
    path to the list it is given, which would grow the kept status by one path per proof."""
    if status is None:
        return None
    return dataclasses.replace(
        status, validation_paths=list(status.validation_paths), ocsps_to_embed=list(status.ocsps_to_embed),
        crls_to_embed=list(status.crls_to_embed), ac_validation_paths=list(status.ac_validation_paths),
        ts_validation_paths=None if status.ts_validation_paths is None else list(status.ts_validation_paths))


def _has_document_timestamp(writer: IncrementalPdfFileWriter) -> bool:
    """Whether the document being signed already carries a document time-stamp (then the
    pre-signing validation covers that time-stamp's chain too, and depends on the document)."""
    return bool(writer.prev.embedded_timestamp_signatures)


def timestamp_token(data: bytes, timestamper: TimeStamper) -> bytes:
    """An RFC 3161 time-stamp token (DER) over SHA-256 of ``data``; TimestampUnavailable if the TSA fails."""
    try:
        token = _outside_event_loop(asyncio.run, timestamper.async_timestamp(hashlib.sha256(data).digest(), "sha256"))
    except (TimestampRequestError, OSError) as exc:
        raise TimestampUnavailable(f"the time-stamping authority did not answer ({exc})") from exc
    der: bytes = token.dump()
    return der


def token_imprint(token_der: bytes) -> tuple[bytes, datetime]:
    """The SHA-256 digest an RFC 3161 token stamps, and the time it says."""
    info = asn1_cms.ContentInfo.load(token_der)["content"]["encap_content_info"]["content"].parsed
    return bytes(info["message_imprint"]["hashed_message"].native), info["gen_time"].native


def add_archive_timestamp(pdf: bytes, timestamper: TimeStamper, context: ValidationContext) -> bytes:
    """PAdES B-LTA maintenance: add the validation data (DSS) and a document time-stamp as an
    incremental update, so the proof stays verifiable after its certificates expire. A proof
    that already has document time-stamps gets the chain extended (the last one's validation
    data, then a new time-stamp); one without gets the signature's validation data and its first."""
    out = io.BytesIO()
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    stamper = signers.PdfTimeStamper(timestamper)
    if reader.embedded_timestamp_signatures:
        _outside_event_loop(stamper.update_archival_timestamp_chain, reader, context, in_place=False, output=out)
    else:
        _outside_event_loop(stamper.timestamp_pdf, IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False), "sha256",
                            validation_context=context, output=out)
    return out.getvalue()


@dataclass
class SignatureReport:
    readable: bool = False
    signed: bool = False
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    whole_file: bool = False
    signer: str | None = None
    signed_at: datetime | None = None
    timestamp_at: datetime | None = None
    timestamp_intact: bool = False
    timestamp_authority: str | None = None
    maintained: bool = False  # long-term validation data (DSS, document time-stamps) added after signing
    problems: list[str] = field(default_factory=list)

    @property
    def authentic(self) -> bool:
        """Signed by a trusted key, not altered, and nothing added after signing."""
        return self.intact and self.valid and self.trusted and self.whole_file

    def as_dict(self) -> dict[str, Any]:
        return {
            "signed": self.signed, "intact": self.intact, "valid": self.valid, "trusted": self.trusted,
            "covers_whole_file": self.whole_file, "signer": self.signer,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "timestamp": self.timestamp_at.isoformat() if self.timestamp_at else None,
            "timestamp_intact": self.timestamp_intact, "timestamp_authority": self.timestamp_authority,
            "long_term_validation_added": self.maintained, "problems": self.problems,
        }


def check_signature(pdf: bytes, trusted: list[asn1_x509.Certificate]) -> SignatureReport:
    """Check the proof's signature against the operator's certificate(s); never raises."""
    report = SignatureReport()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
        report.readable = True
    except Exception as exc:  # a damaged file is a finding, not an error
        report.problems.append(f"the file cannot be read as a PDF ({exc.__class__.__name__})")
        return report
    if not signatures:
        report.problems.append("the PDF carries no signature")
        return report
    report.signed = True
    # The proof's own signature is the field named for it (not whichever signature came last:
    # long-term validation adds document time-stamps after it).
    signature = next((sig for sig in signatures if sig.field_name == FIELD_NAME), signatures[-1])
    others = [sig for sig in signatures if sig is not signature]
    context = ValidationContext(trust_roots=trusted, allow_fetching=False)
    try:
        status = _outside_event_loop(validate_pdf_signature, signature, context, ts_validation_context=ValidationContext(
            trust_roots=trusted, allow_fetching=False))
    except (SigningError, ValueError, KeyError, TypeError) as exc:
        report.problems.append(f"the signature cannot be checked ({exc})")
        return report
    except Exception as exc:  # malformed CMS and the like
        report.problems.append(f"the signature is damaged ({exc.__class__.__name__})")
        return report
    report.intact, report.valid, report.trusted = status.intact, status.valid, status.trusted
    maintained = (status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and status.docmdp_ok is not False
                  and status.modification_level is not None
                  and status.modification_level <= ModificationLevel.LTA_UPDATES
                  and all(sig.sig_object_type == "/DocTimeStamp" for sig in others))
    if not pdf.rstrip().endswith(b"%%EOF"):  # cut short: what follows the signed part is not a whole revision
        maintained = False
        report.problems.append("the file is truncated (it does not end where a PDF revision ends)")
    report.whole_file = (status.coverage == SignatureCoverageLevel.ENTIRE_FILE and not others) or maintained
    report.maintained = maintained
    report.signer = status.signing_cert.subject.human_friendly if status.signing_cert else None
    report.signed_at = status.signer_reported_dt
    ts = status.timestamp_validity
    if ts is not None:
        report.timestamp_at, report.timestamp_intact = ts.timestamp, ts.intact and ts.valid
        report.timestamp_authority = ts.signing_cert.subject.human_friendly if ts.signing_cert else None
    if not status.intact:
        report.problems.append("the signed content was changed after signing")
    elif not status.valid:
        report.problems.append("the signature value does not match")
    if status.intact and not status.trusted:
        report.problems.append("the signer is not the operator's certificate")
    if not report.whole_file:
        report.problems.append("content was added to the file after it was signed (incremental update)")
    return report


def read_attachment(pdf: bytes, name: str = "evidence.json") -> bytes | None:
    """The embedded file ``name`` as signed (first revision that has it), or None."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    except Exception:
        return None
    try:
        for i in range(0, len(names) - 1, 2):
            if str(names[i]) == name:
                spec = names[i + 1].get_object()
                data: bytes = spec["/EF"]["/F"].get_object().data
                return data
    except Exception:  # a damaged stream (a flipped byte in compressed data) reads as no attachment
        return None
    return None
