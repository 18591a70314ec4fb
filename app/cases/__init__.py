"""Complaints about a delivery: case numbers, one history, evidence, carriers' statements, decisions."""
