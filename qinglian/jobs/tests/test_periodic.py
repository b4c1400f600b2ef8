"""Periodic jobs: one job per slot however many schedulers look, daily slots in China time, and the
reminders' job calling notify's send_reminders with China's date — or failing, saying what is missing."""

from __future__ import annotations

import datetime as dt

import pytest

from qinglian.jobs import schedule
from qinglian.jobs.models import Job, State
from qinglian.jobs.queue import enqueue, schedule_periodic
from qinglian.jobs.registry import CHINA, Periodic
from qinglian.jobs.tests import handlers
from qinglian.jobs.worker import Worker

EVERY = Periodic(name="test.every", kind="test.append", every=300, payload={"file": "/dev/null"})
MORNING = Periodic(name="test.morning", kind="test.append", daily="08:00", payload={"file": "/dev/null"})


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=CHINA)


def test_slots_in_china_time() -> None:
    assert EVERY.slot(_at("2026-03-02 10:07:59")) == _at("2026-03-02 10:05:00")
    assert MORNING.slot(_at("2026-03-02 07:59:00")) == _at("2026-03-01 08:00:00")  # before 08:00: yesterday's
    assert MORNING.slot(_at("2026-03-02 08:00:00")) == _at("2026-03-02 08:00:00")
    assert MORNING.slot(dt.datetime(2026, 3, 2, 0, 30, tzinfo=dt.UTC)) == _at("2026-03-02 08:00:00")  # 08:30 there
    with pytest.raises(ValueError):
        Periodic(name="x", kind="test.append", every=300, daily="08:00")


def test_each_slot_is_queued_once_by_two_schedulers(db) -> None:  # type: ignore[no-untyped-def]
    now = _at("2026-03-02 10:07:00")
    first = schedule_periodic(now, [EVERY, MORNING])
    second = schedule_periodic(now + dt.timedelta(seconds=30), [EVERY, MORNING])  # the other worker, same slots
    assert len(first) == 2 and second == []
    assert Job.objects.count() == 2
    schedule_periodic(_at("2026-03-02 10:10:00"), [EVERY, MORNING])  # the next five-minute slot; still today's 08:00
    assert sorted(Job.objects.values_list("unique_key", flat=True)) == [
        "periodic:test.every:2026-03-02T02:05:00Z", "periodic:test.every:2026-03-02T02:10:00Z",
        "periodic:test.morning:2026-03-02T00:00:00Z"]


def test_enqueue_with_a_unique_key_returns_the_job_already_there(db) -> None:  # type: ignore[no-untyped-def]
    one = enqueue("test.append", {"file": "/dev/null"}, unique_key="k")
    assert enqueue("test.append", {"file": "/dev/null"}, unique_key="k").pk == one.pk
    assert Job.objects.count() == 1


def test_reminders_get_china_date(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(schedule, "REMINDERS", "qinglian.jobs.tests.handlers.remember")
    handlers.CALLS.clear()
    job = enqueue("notify.reminders")
    Worker(schedule=False).run(once=True)
    job.refresh_from_db()
    assert (job.state, job.result) == (State.DONE, {"summary": "已发送 0 条"})
    (call,) = handlers.CALLS
    assert call["today"] == call["now"].astimezone(CHINA).date()


def test_missing_reminders_function_is_a_clear_error(db, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(schedule, "REMINDERS", "qinglian.notify.not_there.send_reminders")
    problems = Worker().check_periodic()
    assert any("发送到期提醒" in p and "qinglian.notify.not_there" in p for p in problems)
    assert "qinglian.notify.not_there" in caplog.text
    job = enqueue("notify.reminders")
    Worker(schedule=False).run(once=True)
    job.refresh_from_db()
    assert job.state == State.FAILED and job.attempts == 1 and job.error.startswith("找不到模块 qinglian.notify.not_there")


def test_the_reminders_job_runs_notify_and_says_what_it_sent(world) -> None:  # type: ignore[no-untyped-def]
    job = enqueue("notify.reminders")
    Worker(schedule=False).run(once=True)
    job.refresh_from_db()
    assert job.state == State.DONE, job.error
    assert job.result["summary"].startswith("新提醒 ") and "已发邮件" in job.result["summary"]
    page = world.client("sysadmin").get(f"/jobs/{job.pk}/").content.decode()
    assert "发送到期提醒" in page and "新提醒" in page
