"""Proof records as PDF (placeholder until the proof renderer lands)."""


def render_proof(session, item, *, base_url, now, tz) -> bytes:
    raise NotImplementedError
