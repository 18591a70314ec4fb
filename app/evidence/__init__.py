"""Evidence: the transparency log of item facts, signed tree heads, and proof signing keys.

``create_app`` installs the keys (:mod:`app.evidence.keyring`) and registers the log as a
listener of item events, so each fact and its log entry are committed together or not at all.

Settings: ``PROOF_SIGNING_KEY`` / ``PROOF_SIGNING_CERT`` / ``PROOF_SIGNING_CHAIN`` /
``PROOF_SIGNING_CRL`` (PEM/DER paths; a development root CA, signing certificate and CRL are
generated in ``EVIDENCE_KEYS_DIR`` when unset, see :mod:`app.evidence.pki`), ``TSA_URL`` (RFC 3161 time-stamping authority; no
timestamp when unset), ``TSA_CERT`` (PEM of the TSA, published with our keys),
``LOG_SIGNING_KEY`` (Ed25519 PKCS#8 PEM path; generated under ``instance/`` when unset),
``LOG_ORIGIN`` (the log's name in its checkpoints; defaults to PUBLIC_BASE_URL's host + /log),
``TREE_HEAD_MAX_AGE_SECONDS`` (a tree head older than this is re-signed on request).
"""
