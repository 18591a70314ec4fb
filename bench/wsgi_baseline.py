"""The production app plus one baseline route, served by the same gunicorn for benchmarks.

``POST /bench/baseline`` parses the same JSON as a scan and does one raw INSERT of it: the
cost floor of "an HTTP request that stores a row" on this server and database.
"""
from flask import request
from sqlalchemy import text

from app import create_app
from app.extensions import csrf, db

app = create_app()


@app.post("/bench/baseline")
@csrf.exempt
def baseline():
    data = request.get_json()
    loc = data["location"]
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO bench_baseline (tracking_number, outcome, occurred_at, latitude, longitude, accuracy_m, idempotency_key)"
            " VALUES (:t, :o, :at, :lat, :lon, :acc, :key)"
        ), {"t": data["tracking_number"], "o": data["outcome"], "at": data["occurred_at"], "lat": loc["lat"],
            "lon": loc["lon"], "acc": loc["accuracy_m"], "key": request.headers.get("Idempotency-Key")})
    return {"ok": True}, 201
