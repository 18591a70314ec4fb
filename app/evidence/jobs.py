"""The evidence area's periodic job: a fresh signed tree head every few minutes."""
from __future__ import annotations

from app.evidence.log import publish_tree_head
from app.lifecycle.jobs import Job

JOBS: tuple[Job, ...] = (
    Job("publish-tree-head", publish_tree_head, "TREE_HEAD_PUBLISH_SECONDS",
        "Sign and publish the transparency log's current tree head, so witnesses see it grow."),
)
