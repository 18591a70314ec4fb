"""Use cases. Each service owns its transaction and takes its collaborators as parameters."""
