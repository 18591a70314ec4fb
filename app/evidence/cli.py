"""``flask evidence audit`` and ``flask evidence publish-tree-head`` for operators and cron."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

from app.errors import ServiceError
from app.evidence.audit import audit_log
from app.evidence.log import publish_tree_head
from app.evidence.refresh import refresh_proofs
from app.evidence.witnesses import configured
from app.extensions import db
from notices import witness

evidence_cli = AppGroup("evidence", help="The transparency log: audit it, publish its tree head.")


@evidence_cli.command("audit")
def audit_command() -> None:
    """Recompute the log and compare it with every signed tree head and the database."""
    report = audit_log(db.session, configured(current_app.config))
    if report.ok:
        click.echo("The log is intact: every entry, node and signed tree head checks out.")
        return
    for problem in report.problems:
        click.echo(f"PROBLEM: {problem}", err=True)
    raise SystemExit(1)


@evidence_cli.command("publish-tree-head")
def publish_command() -> None:
    """Sign and publish the current tree head (run every few minutes)."""
    click.echo(json.dumps(publish_tree_head(current_app.config.get("TREE_HEAD_MAX_AGE_SECONDS", 300)), indent=2))


@evidence_cli.command("refresh")
def refresh_command() -> None:
    """Add validation data and an archive time-stamp to every stored proof (PAdES B-LTA)."""
    try:
        count = refresh_proofs(db.session)
    except ServiceError as exc:
        click.echo(f"PROBLEM: {exc}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Refreshed {count} stored proof version(s) with an archive time-stamp.")


@evidence_cli.command("witness", context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def witness_command(args: tuple[str, ...]) -> None:
    """Run a witness of a log: the same as ``python -m notices.witness`` (serve, vkey)."""
    raise SystemExit(witness.main(list(args)))
