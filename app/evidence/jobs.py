"""The evidence area's periodic job: a fresh signed tree head every few minutes."""
from __future__ import annotations

from app.evidence.witnesses import publish_and_witness
from app.lifecycle.jobs import Job

JOBS: tuple[Job, ...] = (
    Job("publish-tree-head", publish_and_witness, "TREE_HEAD_PUBLISH_SECONDS",
        "Sign and publish the transparency log's current tree head and have the witnesses cosign it."),
)
