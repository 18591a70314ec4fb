"""The production app plus two reference routes, served by the same gunicorn for benchmarks.

``POST /bench/baseline`` parses the same JSON as a scan and does one raw INSERT of it: the
cost floor of "an HTTP request that stores a row" on this server and database.

``POST /bench/statements?n=N`` parses the same JSON and sends N raw statements in one
transaction (psycopg, no ORM, no rule applied): a third of them single-row reads by primary key,
the rest INSERTs. With N a scan's statement count, it is the ceiling that count alone allows.
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


_INSERT = ("INSERT INTO bench_baseline (tracking_number, outcome, occurred_at, latitude, longitude, accuracy_m,"
           " idempotency_key) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id")


@app.post("/bench/statements")
@csrf.exempt
def statements():
    data = request.get_json()
    loc = data["location"]
    row = (data["tracking_number"], data["outcome"], data["occurred_at"], loc["lat"], loc["lon"], loc["accuracy_m"],
           request.headers.get("Idempotency-Key"))
    count = request.args.get("n", 20, type=int)
    reads = count // 3
    with db.engine.begin() as conn:
        cursor = conn.connection.driver_connection.cursor()
        ids = []
        for _ in range(count - reads):
            cursor.execute(_INSERT, row)
            ids.append(cursor.fetchone()[0])
        for i in range(reads):
            cursor.execute("SELECT * FROM bench_baseline WHERE id = %s", (ids[i % len(ids)],))
            cursor.fetchall()
    return {"ok": True}, 201
