"""历史版本: every write of a record leaves a full copy, and the record rebuilds as it stood at any moment."""

from __future__ import annotations

import datetime as dt
import io
import json
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from qinglian.history.models import Version
from qinglian.history.selectors import state_at, versions
from qinglian.history.services import stored_rows
from qinglian.ledger.models import Measure, MeasureStatus, Problem
from qinglian.ledger.services import (
    ledger_aspect_create,
    ledger_measure_create,
    ledger_measure_update,
    ledger_problem_create,
    ledger_progress_add,
    ledger_source_create,
)
from qinglian.lib import tracking
from qinglian.lib.services import record_delete, record_restore
from qinglian.lib.testing import World, client_for
from qinglian.records.tests.helpers import make_activity

pytestmark = pytest.mark.django_db


def _measure(world: World) -> Measure:
    source = ledger_source_create(user=world.clerk_a, unit=world.a, kind="inspection", issued_by="县委第一巡察组",
                                  feedback_date=dt.date(2026, 3, 1), title="巡察反馈意见")
    aspect = ledger_aspect_create(user=world.clerk_a, source=source, title="落实主体责任不到位")
    problem = ledger_problem_create(user=world.clerk_a, aspect=aspect, text="理论学习流于形式")
    return ledger_measure_create(user=world.clerk_a, problem=problem, text="制定中心组学习计划",
                                 deadline=dt.date(2026, 12, 31))


def _states(measure: Measure) -> dict[str, object]:
    return stored_rows(Measure, [measure.pk])[measure.pk]


def test_create_three_edits_delete_restore_give_six_versions_each_rebuilt_exactly(world: World) -> None:
    measure = _measure(world)
    seen = [(timezone.now(), _states(measure))]
    for n, text in enumerate(["制定并印发中心组学习计划", "每月开展一次专题学习", "学习计划纳入年度考核"], start=1):
        measure = ledger_measure_update(user=world.clerk_a, measure=measure, data={"text": text},
                                        version=measure.version)
        assert measure.version == n + 1
        seen.append((timezone.now(), _states(measure)))
    measure = record_delete(user=world.clerk_a, obj=measure, version=measure.version)
    seen.append((timezone.now(), _states(measure)))
    measure = record_restore(user=world.clerk_a, obj=measure)
    seen.append((timezone.now(), _states(measure)))

    rows = versions(Measure, measure.pk)
    assert [v.kind for v in rows] == ["create", "update", "update", "update", "delete", "restore"]
    assert [v.version for v in rows] == [1, 2, 3, 4, 5, 6]
    assert all(v.actor_id == world.clerk_a.pk for v in rows)
    assert "修改整改措施" in rows[1].reason
    for (moment, stored), version in zip(seen, rows, strict=True):
        assert version.data == stored  # the copy is the row as the table held it
        state = state_at(Measure, measure.pk, moment)
        assert state is not None and state["fields"] == stored["fields"]
    assert state_at(Measure, measure.pk, rows[0].at - dt.timedelta(seconds=1)) is None
    assert state_at(Measure, measure.pk, seen[2][0])["fields"]["text"] == "每月开展一次专题学习"
    # to the microsecond: the rebuilt row is the row
    last = Measure.with_deleted.get(pk=measure.pk)
    assert dt.datetime.fromisoformat(rows[-1].data["fields"]["updated_at"]) == last.updated_at


def test_a_bare_bulk_write_is_refused_and_the_bulk_path_leaves_history(world: World) -> None:
    measure = _measure(world)
    with pytest.raises(tracking.UntrackedWrite):
        Measure.objects.filter(pk=measure.pk).update(status=MeasureStatus.DONE)
    with pytest.raises(tracking.UntrackedWrite):
        Problem.objects.bulk_create([Problem(aspect=measure.aspect, source=measure.source, unit=world.a, text="x")])
    assert Measure.objects.get(pk=measure.pk).status != MeasureStatus.DONE
    # a denormalised column needs no history
    Measure.objects.filter(pk=measure.pk).update(position="x")
    before = Version.objects.count()
    with tracking.bulk("批量调整", user=world.clerk_a):
        Measure.objects.filter(pk=measure.pk).update(status=MeasureStatus.DONE)
        made = Problem.objects.bulk_create([Problem(aspect=measure.aspect, source=measure.source, unit=world.a,
                                                    text=f"问题{n}", created_by=world.clerk_a) for n in range(3)])
    added = Version.objects.filter(pk__gt=0).count() - before
    assert added == 4
    last = versions(Measure, measure.pk)[-1]
    assert last.kind == "update" and last.reason == "批量调整" and last.data["fields"]["status"] == "done"
    assert [v.kind for v in versions(Problem, made[0].pk)] == ["create"]


def test_history_rows_cannot_be_changed_through_the_orm(world: World) -> None:
    measure = _measure(world)
    row = versions(Measure, measure.pk)[0]
    row.reason = "改"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()


def test_an_activity_and_its_participants_make_one_version_and_a_change_of_people_shows(world: World) -> None:
    activity = make_activity(world.clerk_a, world.a, "central_group_study", dt.date(2026, 3, 2),
                             people=[world.principal_a, world.member_a])
    rows = versions(type(activity), activity.pk)
    assert len(rows) == 1 and rows[0].kind == "create"
    assert rows[0].data["m2m"]["participants"] == sorted([world.principal_a.pk, world.member_a.pk])
    client = client_for(world.clerk_a)
    page = client.get(f"/history/records.activity/{activity.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "历史版本" in html and world.principal_a.name in html


def test_the_command_prints_versions_and_the_state_at_a_moment_with_progress_notes(world: World) -> None:
    measure = _measure(world)
    ledger_progress_add(user=world.clerk_a, measure=measure, text="已印发学习计划", status_after="in_progress",
                        date=dt.date(2026, 3, 20))
    out = io.StringIO()
    call_command("history", "ledger.measure", str(measure.pk), stdout=out)
    listed = json.loads(out.getvalue())
    assert listed[0]["kind"] == "create" and listed[0]["fields"]["text"] == "制定中心组学习计划"
    out = io.StringIO()
    moment = timezone.localtime(timezone.now()).strftime("%Y-%m-%dT%H:%M:%S")
    call_command("history", "ledger.measure", str(measure.pk), "--at", moment, stdout=out)
    state = json.loads(out.getvalue())
    notes = state["related"]["ledger.progress.measure"]
    assert [n["fields"]["text"] for n in notes] == ["已印发学习计划"]
    with pytest.raises(CommandError, match=r"app_label\.model"):
        call_command("history", "no.such", "1")
    with pytest.raises(CommandError, match="还不存在"):
        call_command("history", "ledger.measure", str(measure.pk), "--at", "2000-01-01")


def test_the_page_shows_changes_and_a_moment_and_is_scoped(world: World) -> None:
    measure = _measure(world)
    time.sleep(1.01)  # the page reads moments to the second: let the edit fall in the next one
    ledger_measure_update(user=world.clerk_a, measure=measure, data={"text": "每月开展一次专题学习"},
                          version=measure.version)
    client = client_for(world.clerk_a)
    page = client.get(f"/history/ledger.measure/{measure.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<del>制定中心组学习计划</del>" in html and "<ins>每月开展一次专题学习</ins>" in html
    first = versions(Measure, measure.pk)[0].at
    moment = timezone.localtime(first).strftime("%Y-%m-%d %H:%M:%S")
    html = client.get(f"/history/ledger.measure/{measure.pk}/", {"at": moment}).content.decode()
    assert "第 1 版" in html and "制定中心组学习计划" in html
    bad = client.get(f"/history/ledger.measure/{measure.pk}/", {"at": "三月十五"}).content.decode()
    assert "请写成 2026-03-15 18:00" in bad
    assert client_for(world.clerk_b).get(f"/history/ledger.measure/{measure.pk}/").status_code == 404
    assert client.get("/history/org.user/1/").status_code == 404  # accounts are not records
    assert client.get(f"/ledger/measures/{measure.pk}/").content.decode().count("历史版本") == 1


def _raw(sql: str, params: list[object]) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_raw_update_delete_and_truncate_of_history(world: World) -> None:
    from django.db import DatabaseError, connection

    measure = _measure(world)
    row = versions(Measure, measure.pk)[0]
    with pytest.raises(DatabaseError, match="insert-only"):
        _raw("UPDATE history_version SET reason = %s WHERE id = %s", ["篡改", row.pk])
    with pytest.raises(DatabaseError, match="insert-only"):
        _raw("DELETE FROM history_version WHERE id = %s", [row.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="insert-only"):
            _raw("TRUNCATE history_version", [])
    assert Version.objects.get(pk=row.pk).reason == row.reason
