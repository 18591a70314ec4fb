"""Complaints about a delivery: case numbers, one history, evidence, carriers' statements, decisions.

``case_counts_by_carrier(session, day)`` is the figure the carriers' page shows per carrier.
"""
from app.cases.queries import case_counts_by_carrier

__all__ = ["case_counts_by_carrier"]
