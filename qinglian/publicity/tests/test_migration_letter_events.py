"""0003: the replies and verifications letters already hold become the first entries of their history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE, AFTER = [("publicity", "0002_seed_outlets")], [("publicity", "0003_letter_events")]


@pytest.mark.django_db(transaction=True)
def test_existing_replies_and_verifications_become_history(world) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    ticket_model, letter_model = apps.get_model("publicity", "OpinionTicket"), apps.get_model("publicity", "AlertLetter")
    at = dt.datetime(2026, 3, 3, 8, 0, tzinfo=dt.UTC)
    for n, state in enumerate(("answered", "closed", "alerted"), start=1):
        ticket = ticket_model.objects.create(issuing_unit_id=world.a1.pk, unit_id=world.b.pk, source="微博",
                                             captured_at=at, summary=f"舆情{n}", state=state)
        letter_model.objects.create(
            ticket=ticket, issuing_unit_id=world.a1.pk, unit_id=world.b.pk, year=2026, number=n,
            issued_on=dt.date(2026, 3, 2), deadline=dt.date(2026, 3, 5), requirement="请处置",
            feedback="已处理" if state != "alerted" else "", feedback_at=at if state != "alerted" else None,
            feedback_by_id=world.clerk_b.pk if state != "alerted" else None,
            verification="属实" if state == "closed" else "", verified_at=at if state == "closed" else None)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    # the model as of 0003 (before its texts were encrypted by 0005): the values as that migration left them
    LetterEvent = executor.loader.project_state(AFTER).apps.get_model("publicity", "LetterEvent")
    rows = sorted(LetterEvent.objects.values_list("letter__ticket__summary", "kind", "text", "by_id"))
    assert rows == [("舆情1", "feedback", "已处理", world.clerk_b.pk), ("舆情2", "accepted", "属实", None),
                    ("舆情2", "feedback", "已处理", world.clerk_b.pk)]
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # reversible
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
