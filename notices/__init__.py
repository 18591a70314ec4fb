"""Framework-free core of Awizo: identifiers, rules, wording and documents.

Nothing in this package imports Flask, SQLAlchemy, Twilio or APScheduler; functions take
plain data (and ``now`` where time matters) and return values or bytes.
"""
