#!/usr/bin/env python3
"""Convert Awizo's ``tr("pl", "en")`` pairs to gettext and keep the catalogs in step.

Usage (from anywhere; the repository defaults to the current directory):

    python3 to_gettext.py [--repo /work/main] [--dry-run] [--uk-file uk.json] [--en-file en.json]

Re-runnable and idempotent. Each run:
 1. rewrites every literal pair ``tr("pl", "en")`` (also ``t(...)``, ``_t(...)`` and ``_tr(...)``
    where the file defines such a pair helper) in app/**/*.py, notices/**/*.py and
    app/**/*.html to a gettext call of the Polish text:  ``_("pl")`` in templates,
    ``_("pl")`` in Python (adding ``from flask_babel import gettext as _`` to app/ modules
    that lack it; in notices/ the module must bind ``_`` to its translations itself — such
    files are listed at the end);
 2. extracts app/translations/messages.pot with pybabel (babel.cfg), then updates (or creates)
    app/translations/{en,uk}/LC_MESSAGES/messages.po without fuzzy matching, fills the English
    msgstr from the pairs just rewritten (a pair always wins: it is the newest wording) and,
    with --uk-file / --en-file, from a JSON object {msgid: msgstr}; then compiles the .mo files;
 3. lists the msgids that still lack an English or a Ukrainian translation, recipient-facing
    ones first (the paths in notices/i18n.py RECIPIENT_FACING), and exits 1 if any
    recipient-facing one is missing.

Non-literal pairs (``tr(s[0], s[1])``, f-strings) are not touched; they are listed as
"left for hand conversion".
"""
from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
from pathlib import Path

STR = r'''(?:[rRuU]?"(?:[^"\\\n]|\\.)*"|[rRuU]?'(?:[^'\\\n]|\\.)*')'''
PIECES = rf"{STR}(?:\s*{STR})*"
HELPERS = ("tr", "t", "_t", "_tr")


def pair_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    alt = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<![\w.])(?P<name>{alt})\(\s*(?P<pl>{PIECES})\s*,\s*(?P<en>{PIECES})\s*,?\s*\)", re.S)


ANY_PAIR_CALL = re.compile(r"(?<![\w.])(?:tr|_tr)\(")


def literal(pieces: str) -> str:
    return "".join(ast.literal_eval(m.group(0)) for m in re.finditer(STR, pieces))


def helper_names(path: Path, text: str) -> tuple[str, ...]:
    if path.suffix == ".html":
        return ("tr",)
    names = ["tr"]
    for name in ("t", "_t", "_tr"):
        if re.search(rf"^\s*def {name}\(\s*pl\b[^)]*,\s*en\b", text, re.M):
            names.append(name)
    return tuple(names)


def rewrite(repo: Path, path: Path, pairs: dict[str, str], notes: list[str], dry: bool) -> bool:
    text = path.read_text(encoding="utf-8")
    names = helper_names(path, text)
    pattern = pair_pattern(names)
    count = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal count
        pl, en = literal(m.group("pl")), literal(m.group("en"))
        old = pairs.get(pl)
        if old is not None and old != en:
            notes.append(f"{path}: '{pl[:60]}' has two English versions; kept '{en[:60]}'")
        pairs[pl] = en
        count += 1
        return f"_({m.group('pl')})"

    new = pattern.sub(repl, text)
    if path.suffix == ".py" and count:
        # the pair helper itself is gone once nothing calls it
        for name in names[1:]:
            if not re.search(rf"(?<![\w.]){re.escape(name)}\(", re.sub(rf"^\s*def {name}\(.*$", "", new, flags=re.M)):
                new = re.sub(rf"\n\ndef {name}\(\s*pl\b.*?\n(?=\S|\Z)", "\n", new, flags=re.S)
        if path.relative_to(repo).parts[0] == "notices":
            notes.append(f"{path}: converted {count} pair(s); make sure `_` is the translations' gettext here")
        elif not re.search(r"^from flask_babel import .*\bgettext as _\b", new, re.M):
            new = add_import(new, "from flask_babel import gettext as _")
    if new != text:
        if not dry:
            path.write_text(new, encoding="utf-8")
        notes.append(f"{path}: {count} pair(s) converted")
    for m in ANY_PAIR_CALL.finditer(new):
        line = new.count("\n", 0, m.start()) + 1
        snippet = new[m.start():m.start() + 60].split("\n")[0]
        if not snippet.startswith(("tr(self", "tr()")):
            notes.append(f"{path}:{line}: left for hand conversion: {snippet}")
    return new != text


def add_import(text: str, line: str) -> str:
    lines = text.split("\n")
    last = None
    for i, current in enumerate(lines):
        if current.startswith(("import ", "from ")) and not current.startswith("from __future__"):
            last = i
            while lines[last].rstrip().endswith(("(", ",")) or (lines[last].count("(") > lines[last].count(")")):
                last += 1
    if last is None:
        for i, current in enumerate(lines):
            if current.startswith("from __future__"):
                last = i
    at = 0 if last is None else last + 1
    lines.insert(at, line)
    return "\n".join(lines)



def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repo", default=".")
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--uk-file", help="JSON {msgid: Ukrainian msgstr} to merge into uk")
    ap.add_argument("--en-file", help="JSON {msgid: English msgstr} to merge into en")
    ap.add_argument("--quiet", action="store_true", help="only the summary of missing translations")
    args = ap.parse_args()
    repo = Path(args.repo).resolve()
    pybabel = repo / ".venv" / "bin" / "pybabel"
    python = repo / ".venv" / "bin" / "python"

    pairs: dict[str, str] = {}
    notes: list[str] = []
    files = sorted([*repo.glob("app/**/*.py"), *repo.glob("notices/**/*.py"), *repo.glob("app/**/*.html")])
    changed = [p for p in files if rewrite(repo, p, pairs, notes, args.dry_run)]
    if not args.quiet:
        print("\n".join(notes))
    print(f"{len(changed)} file(s) rewritten, {len(pairs)} pair(s) found")
    if args.dry_run:
        return 0
    ruff = repo / ".venv" / "bin" / "ruff"
    changed_py = [str(p) for p in changed if p.suffix == ".py"]
    if changed_py and ruff.exists():  # the added import goes where the project's import order wants it
        subprocess.run([str(ruff), "check", "--quiet", "--fix", "--select", "I", *changed_py], cwd=repo)

    extra = {"en": {}, "uk": {}}
    for lang, name in (("en", args.en_file), ("uk", args.uk_file)):
        if name:
            extra[lang] = json.loads(Path(name).read_text(encoding="utf-8"))
    # Catalog work runs in the project's own interpreter (its Babel).
    script = CATALOG_STEP.replace("__PAIRS__", repr(pairs)).replace("__EXTRA__", repr(extra))
    subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", "-k", "N_", "--no-wrap", "--sort-by-file",
                    "--project", "Awizo", "--copyright-holder", "Awizo contributors",
                    "-o", "app/translations/messages.pot", "."], cwd=repo, check=True,
                   stdout=subprocess.DEVNULL)
    for lang in ("en", "uk"):
        po = repo / "app" / "translations" / lang / "LC_MESSAGES" / "messages.po"
        action = "update" if po.exists() else "init"
        cmd = [str(pybabel), action, "-i", "app/translations/messages.pot", "-d", "app/translations", "-l", lang,
               "--no-wrap"]
        if action == "update":
            cmd += ["--no-fuzzy-matching", "--ignore-obsolete"]
        subprocess.run(cmd, cwd=repo, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result = subprocess.run([str(python), "-c", script], cwd=repo)
    subprocess.run([str(pybabel), "compile", "-d", "app/translations", "--statistics"], cwd=repo, check=True)
    return result.returncode


CATALOG_STEP = r'''
import sys
from notices.i18n import is_recipient_facing
from babel.messages.pofile import read_po, write_po
pairs = __PAIRS__
extra = __EXTRA__
missing_rf = 0
for lang in ("en", "uk"):
    path = f"app/translations/{lang}/LC_MESSAGES/messages.po"
    with open(path, "rb") as fh:
        catalog = read_po(fh, locale=lang)
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if lang == "en" and key in pairs and isinstance(message.id, str):
            message.string = pairs[key]
        if key in extra[lang]:
            value = extra[lang][key]
            message.string = tuple(value) if isinstance(message.id, tuple) else value
    with open(path, "wb") as fh:
        write_po(fh, catalog, width=0, sort_by_file=True, ignore_obsolete=True)
    rf, other = [], []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings):
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        locs = ", ".join(f"{p}:{n}" for p, n in message.locations[:2])
        facing = any(is_recipient_facing(p) for p, _ in message.locations)
        (rf if facing else other).append(f"  {key!r}  ({locs})")
    print(f"{lang}: {len(rf)} recipient-facing and {len(other)} other msgid(s) without a translation")
    if rf:
        print("  recipient-facing:")
        print("\n".join(rf))
        missing_rf += len(rf)
    if other and (lang == "en" or "-v" in sys.argv):
        print("  others:")
        print("\n".join(other))
sys.exit(1 if missing_rf else 0)
'''

if __name__ == "__main__":
    raise SystemExit(main())
