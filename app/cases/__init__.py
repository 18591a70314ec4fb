"""Complaints about a delivery: case numbers, one history, evidence, carriers' statements, decisions.

``case_counts_by_carrier(session, day)`` is the figure the carriers' page shows per carrier;
``set_checks_for_attempt(app, fn)`` hands the checks on attempts to the evidence a case gathers.
"""
from app.cases.evidence import set_checks_for_attempt
from app.cases.queries import case_counts_by_carrier

__all__ = ["case_counts_by_carrier", "set_checks_for_attempt"]
