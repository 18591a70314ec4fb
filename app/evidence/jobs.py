"""The evidence area's periodic job: a fresh signed tree head every few minutes."""
from __future__ import annotations

from flask import current_app

from app.evidence.witnesses import configured, publish_and_witness
from app.lifecycle.jobs import Job


def publish_tree_head() -> dict:
    """Publish the tree head and have the configured witnesses cosign it."""
    cfg = current_app.config
    return publish_and_witness(configured(cfg), cfg.get("TREE_HEAD_MAX_AGE_SECONDS", 300))


JOBS: tuple[Job, ...] = (
    Job("publish-tree-head", publish_tree_head, "TREE_HEAD_PUBLISH_SECONDS",
        "Sign and publish the transparency log's current tree head and have the witnesses cosign it."),
)
