"""Recipients: opt-in, contacts and their confirmation, delegates, personal data."""
