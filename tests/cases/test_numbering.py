"""Case numbers: a check character that catches typos, and uniqueness under concurrent filing."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from app.cases import filing
from app.cases.context import CaseSettings
from app.delivery import items as item_service
from app.extensions import db
from app.models.cases import Case
from app.models.types import utcnow
from notices import case_numbers


def test_the_check_character_catches_a_wrong_digit_and_swapped_neighbours():
    number = case_numbers.make(2026, 123)
    assert number == f"RK-2026-000123-{case_numbers.check_character(2026, 123)}"
    assert case_numbers.normalise(number.lower().replace("-", " ")) == number
    wrong_digit = number[:10] + ("4" if number[10] != "4" else "5") + number[11:]
    swapped = "RK-2026-000213-" + number[-1]
    assert case_numbers.normalise(wrong_digit) is None and case_numbers.normalise(swapped) is None


@pytest.mark.parametrize("threads,per_thread", [(8, 5)])
def test_numbers_stay_unique_when_many_workers_file_at_once(cases, app, threads, per_thread):
    _, token, _ = cases.item_with_notice()
    settings = CaseSettings.from_app(app)
    new = filing.NewCase(kind="was_home", message="Byłem w domu.", channel="email", address="jan@example.com")
    start, errors = threading.Barrier(threads), []

    def worker():
        try:
            with app.app_context():
                item = item_service.item_by_verify_token(db.session, token)
                start.wait()
                for _ in range(per_thread):
                    filing.file_case(db.session, item, new, settings, now=utcnow())
                db.session.remove()
        except Exception as exc:  # reported below, with the thread's error
            errors.append(exc)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert errors == []
    with app.app_context():
        numbers = db.session.scalars(sa.select(Case.number)).all()
    serials = sorted(int(n.split("-")[2]) for n in numbers)
    assert len(numbers) == len(set(numbers)) == threads * per_thread
    assert serials == list(range(1, threads * per_thread + 1))
