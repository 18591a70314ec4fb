"""``flask evidence audit`` and ``flask evidence publish-tree-head`` for operators and cron."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.errors import ServiceError
from app.evidence.audit import audit_log
from app.evidence.log import publish_tree_head
from app.evidence.pki import DevelopmentPki
from app.evidence.refresh import refresh_proofs
from app.evidence.witnesses import configured
from app.extensions import db
from app.web.cli_text import gettext as _
from app.web.cli_text import ngettext
from notices import witness

evidence_cli = AppGroup("evidence", help=_("Rejestr przejrzystości: audyt, publikacja podpisanego stanu drzewa."))


@evidence_cli.command("audit", help=_("Przelicz rejestr i porównaj go z każdym podpisanym stanem drzewa i z bazą danych."))
def audit_command() -> None:
    """Recompute the log and compare it with every signed tree head and the database."""
    report = audit_log(db.session, configured(current_app.config))
    if report.ok:
        click.echo(_("Rejestr jest nienaruszony: każdy wpis, węzeł i podpisany stan drzewa się zgadza."))
        return
    for problem in report.problems:
        click.echo(_("PROBLEM: %(problem)s", problem=problem), err=True)
    raise SystemExit(1)


@evidence_cli.command("publish-tree-head", help=_("Podpisz i opublikuj bieżący stan drzewa (uruchamiaj co kilka minut)."))
def publish_command() -> None:
    """Sign and publish the current tree head (run every few minutes)."""
    click.echo(json.dumps(publish_tree_head(current_app.config.get("TREE_HEAD_MAX_AGE_SECONDS", 300)), indent=2))


@evidence_cli.command("refresh", help=_("Dodaj dane walidacyjne i archiwalny znacznik czasu do każdego zapisanego dowodu (PAdES B-LTA)."))
def refresh_command() -> None:
    """Add validation data and an archive time-stamp to every stored proof (PAdES B-LTA)."""
    try:
        count = refresh_proofs(db.session)
    except ServiceError as exc:
        click.echo(_("PROBLEM: %(problem)s", problem=exc), err=True)
        raise SystemExit(1) from None
    click.echo(ngettext("Dodano archiwalny znacznik czasu do %(num)d zapisanej wersji dowodu.",
                         "Dodano archiwalny znacznik czasu do %(num)d zapisanych wersji dowodów.", count))


@evidence_cli.command("pki", help=_("init: wygeneruj deweloperski główny urząd certyfikacji, certyfikat do podpisu i listę CRL w katalogu "
        "kluczy."))
@click.argument("action", type=click.Choice(["init"]))
@click.option("--force", is_flag=True, help=_("Utwórz nowy łańcuch, nawet jeśli już istnieje (stare dowody wymagają wtedy starego certyfikatu "
                  "głównego)."))
def pki_command(action: str, force: bool) -> None:
    """init: generate the development root CA, signing certificate and CRL in the keys directory."""
    if current_app.config.get("PROOF_SIGNING_KEY"):
        click.echo(_("PROBLEM: PROOF_SIGNING_KEY jest ustawiony: ten operator ma własny certyfikat."), err=True)
        raise SystemExit(1)
    directory = Path(current_app.config.get("EVIDENCE_KEYS_DIR") or Path(current_app.instance_path) / "keys")
    made = DevelopmentPki(directory).init(current_app.config["PUBLIC_BASE_URL"], force=force)
    done = _("Wygenerowano deweloperską PKI w %(dir)s", dir=directory) if made else \
        _("Zachowano deweloperską PKI w %(dir)s", dir=directory)
    click.echo(done + " " + _("(root.pem, signing-cert.pem, crl.der; dostępne pod /pki/root.pem i /pki/crl.der)."))


@evidence_cli.command("witness", context_settings={"ignore_unknown_options": True, "help_option_names": []}, help=_("Uruchom świadka rejestru: to samo co python -m notices.witness (serve, vkey)."))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def witness_command(args: tuple[str, ...]) -> None:
    """Run a witness of a log: the same as ``python -m notices.witness`` (serve, vkey)."""
    raise SystemExit(witness.main(list(args)))
