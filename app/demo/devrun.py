"""``make run``: migrate, seed demo data, then start web, worker and scheduler together.

Uses the Procfile (the same process list a production supervisor would run) through honcho.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    args = parser.parse_args(argv)

    env = os.environ.copy()
    env["PORT"] = str(args.port)
    env.setdefault("PUBLIC_BASE_URL", f"http://localhost:{args.port}")
    env["PYTHONUNBUFFERED"] = "1"
    flask = [str(BIN / "flask"), "--app", "wsgi"]

    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True)
    demo = subprocess.run([*flask, "demo"], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    base = env["PUBLIC_BASE_URL"]
    database = env.get("DATABASE_URL") or f"SQLite at {ROOT / 'instance' / 'awizo.sqlite3'}"
    print(f"""
Awizo is starting (web + worker + scheduler). Database: {database}

  Home page ............ {base}/
  Development outbox ... {base}/dev/outbox   (SMS and e-mail land here while Twilio/SMTP are not configured)
  API reference ........ {base}/api/v1/openapi.json

{demo.stdout}
Press Ctrl+C to stop everything.
""", flush=True)
    honcho = str(BIN / "honcho")
    os.chdir(ROOT)
    os.execve(honcho, [honcho, "start", "-f", str(ROOT / "Procfile")], env)


if __name__ == "__main__":
    main()
