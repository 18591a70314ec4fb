"""``flask ...`` commands speak the operator's language: AWIZO_LANG, then the POSIX locale, else English."""
import pytest

from app.web.cli_text import cli_language


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "POSIX"}, "en"),
    ({"LANG": "pl_PL.UTF-8"}, "pl"),
    ({"LANG": "uk_UA.UTF-8"}, "uk"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({"LC_ALL": "C", "LANG": "pl_PL.UTF-8"}, "en"),          # LC_ALL wins, as in gettext
    ({"LC_MESSAGES": "pl_PL", "LANG": "en_GB.UTF-8"}, "pl"),
    ({"AWIZO_LANG": "pl", "LC_ALL": "en_US.UTF-8"}, "pl"),   # AWIZO_LANG beats the locale
    ({"AWIZO_LANG": "klingon", "LANG": "pl_PL.UTF-8"}, "pl"),  # an unknown AWIZO_LANG is ignored
])
def test_the_command_line_language_rule(environ, expected):
    assert cli_language(environ) == expected


def test_creating_a_sender_reads_in_polish_and_in_english(runner):
    polish = runner.invoke(args=["senders", "create", "Urząd Gminy Nowa Wieś"], env={"AWIZO_LANG": "pl"})
    assert polish.exit_code == 0, polish.output
    first, key = polish.output.strip().splitlines()
    assert first.startswith("Utworzono nadawcę #") and "Klucz API (pokazywany raz, zapisz go teraz):" in first
    assert " " not in key  # the key itself is printed as it is, alone on its line

    again = runner.invoke(args=["senders", "create", "Urząd Gminy Nowa Wieś"], env={"AWIZO_LANG": "en", "LANG": "pl_PL"})
    assert again.exit_code != 0
    assert "a sender named 'Urząd Gminy Nowa Wieś' already exists" in again.output
    again = runner.invoke(args=["senders", "create", "Urząd Gminy Nowa Wieś"], env={"AWIZO_LANG": "", "LANG": "pl_PL.UTF-8"})
    assert "nadawca o nazwie 'Urząd Gminy Nowa Wieś' już istnieje" in again.output


def test_usage_errors_and_counts_follow_the_language(runner):
    english = runner.invoke(args=["users", "create", "a@example.com", "--role", "sender_clerk"], env={"AWIZO_LANG": "en"})
    assert english.exit_code != 0 and "--sender NAME is required for sender roles" in english.output
    polish = runner.invoke(args=["users", "create", "a@example.com", "--role", "sender_clerk"], env={"AWIZO_LANG": "pl"})
    assert polish.exit_code != 0 and "--sender NAZWA jest wymagane dla ról nadawcy" in polish.output

    # Plurals: one batch / several batches.
    swept = runner.invoke(args=["lifecycle", "sweep"], env={"AWIZO_LANG": "en"})
    assert swept.exit_code == 0, swept.output
    assert swept.output.startswith("Sweep done (") and ("batch)" in swept.output or "batches)" in swept.output)
    swept = runner.invoke(args=["lifecycle", "sweep"], env={"AWIZO_LANG": "pl"})
    assert swept.output.startswith("Przegląd zakończony (") and "nic nie było wymagalne" in swept.output


def test_the_scheduler_list_translates_words_but_keeps_job_ids(runner):
    english = runner.invoke(args=["scheduler", "--list"], env={"AWIZO_LANG": "en"})
    polish = runner.invoke(args=["scheduler", "--list"], env={"AWIZO_LANG": "pl"})
    assert english.exit_code == 0 and polish.exit_code == 0
    ids = [line.split("\t")[0] for line in english.output.splitlines()]
    assert ids and ids == [line.split("\t")[0] for line in polish.output.splitlines()]
    assert all("\tevery " in line for line in english.output.splitlines())
    assert all("\tco " in line for line in polish.output.splitlines())


def _help(args: list[str], language: str) -> str:
    """``flask ... --help`` in a process of its own: help texts are read when the commands are defined."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "AWIZO_LANG": language, "LANG": "C.UTF-8"}
    env.pop("TEST_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args, "--help"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return " ".join(done.stdout.split())  # click wraps long lines


def test_command_help_reads_in_the_chosen_language():
    polish = _help(["cases"], "pl")
    assert "Reklamacje: lista spraw, rozstrzygnięcie sprawy." in polish
    assert "Sprawy według terminu: numer, status, rodzaj, przesyłka, termin." in polish
    english = _help(["cases"], "en")
    assert "Complaints: list the queue, decide a case." in english
    assert "Cases by due date: number, status, kind, item, due." in english
    options = _help(["lifecycle", "collected"], "pl")
    assert "Ostatnie 3 lub 4 znaki numeru dokumentu." in options and "Kto rejestruje odbiór w okienku." in options
    assert "The last 3 or 4 characters of the document number." in _help(["lifecycle", "collected"], "en")
