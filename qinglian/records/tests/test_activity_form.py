"""Fast entry of an activity through the real form, and who may see or change it."""

from __future__ import annotations

import datetime as dt
import hashlib
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qinglian.lib import filecheck, files
from qinglian.records.models import Activity, ActivityTally
from qinglian.records.tests.helpers import kind, make_activity


def post_data(world, **over):
    data = {"unit": world.a.pk, "kind": kind("party_group_meeting").pk, "happened_on": "2023年3月5日",
            "topic": "研究部署党风廉政建设工作", "participants": [world.principal_a.pk, world.member_a.pk],
            "presided_by": world.principal_a.pk, "minutes": "会议纪要"}
    data.update(over)
    return data


def test_clerk_records_a_meeting_with_a_chinese_date_and_the_form_remembers_unit_and_kind(world):
    client = world.client("clerk_a")
    response = client.post("/records/activities/new/", post_data(world, another="1"))
    assert response.status_code == 302 and response["Location"] == "/records/activities/new/"
    activity = Activity.objects.get()
    assert activity.happened_on == dt.date(2023, 3, 5)
    assert set(activity.participants.all()) == {world.principal_a, world.member_a}
    assert activity.late  # entered long after 2023-03-05: 补录, but accepted
    page = client.get("/records/activities/new/").content.decode()
    assert f'<option value="{world.a.pk}" selected>' in page
    assert f'<option value="{kind("party_group_meeting").pk}" selected>' in page
    # the picker shows the unit's people grouped by unit, as checkboxes
    assert 'type="checkbox" name="participants"' in page and "<legend>新闻宣传股</legend>" in page
    assert "补录" in client.get(f"/records/activities/{activity.pk}/").content.decode()


def test_dotted_and_dashed_dates_are_accepted(world):
    client = world.client("clerk_a")
    for text, day in (("2023.3.6", dt.date(2023, 3, 6)), ("2023-3-7", dt.date(2023, 3, 7))):
        client.post("/records/activities/new/", post_data(world, happened_on=text))
        assert Activity.objects.filter(happened_on=day).exists()


def test_bad_input_gets_chinese_messages_and_nothing_is_saved(world):
    client = world.client("clerk_a")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    cases = [
        (post_data(world, happened_on=f"{tomorrow:%Y-%m-%d}"), "晚于今天"),
        (post_data(world, participants=[]), "请至少勾选一名参加人员"),
        (post_data(world, participants=[world.staff_b.pk]), "不在您的管辖范围内"),
        (post_data(world, kind=kind("admonition_talk").pk), "请至少选择一名谈话（提醒）对象"),
        (post_data(world, happened_on="2023-13-01"), "月份"),
        (post_data(world, unit=world.b.pk), "选择一个有效的选项"),
    ]
    for data, message in cases:
        response = client.post("/records/activities/new/", data)
        assert response.status_code == 200
        assert message in response.content.decode(), message
    assert not Activity.with_deleted.exists()
    assert not ActivityTally.objects.exists()
    # the name of a person outside the clerk's units is not revealed
    response = client.post("/records/activities/new/", post_data(world, participants=[world.staff_b.pk]))
    assert world.staff_b.name not in response.content.decode()


def test_talk_counts_persons_talked_to_and_attachment_is_served_only_in_scope(world):
    client = world.client("clerk_a")
    data = post_data(world, kind=kind("integrity_reminder_talk").pk, participants=[world.principal_a.pk],
                     talked_to=[world.staff_a.pk, world.staff_a1.pk], happened_on="2024年1月20日",
                     files=SimpleUploadedFile("谈话记录.pdf", b"%PDF-1.4 talk notes"))
    assert client.post("/records/activities/new/", data).status_code == 302
    activity = Activity.objects.get()
    assert activity.weight == 2
    attachment = activity.attachments.get()
    response = client.get(f"/records/attachments/{attachment.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 talk notes"
    assert world.client("clerk_b").get(f"/records/attachments/{attachment.pk}/").status_code == 404
    # kept as the ledger keeps evidence: a random name outside the web root, its checksum, and a clear
    # message (not an error page) when the file has gone from the disk
    assert attachment.name == "谈话记录.pdf" and "谈话记录" not in attachment.stored
    assert attachment.sha256 == hashlib.sha256(b"%PDF-1.4 talk notes").hexdigest()
    files.path_of(attachment).unlink()
    response = client.get(f"/records/attachments/{attachment.pk}/", follow=True)
    assert "文件“谈话记录.pdf”已丢失" in response.content.decode()


def test_a_refused_activity_leaves_no_row_and_at_most_an_orphan_file(world, settings):
    client = world.client("clerk_a")
    data = post_data(world, happened_on="2099年1月1日", files=SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 x"))
    assert client.post("/records/activities/new/", data).status_code == 200  # a future date: refused
    data = post_data(world, files=SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 x"))
    with mock.patch("qinglian.records.services.tally_apply", side_effect=RuntimeError("崩溃")):
        with pytest.raises(RuntimeError):
            client.post("/records/activities/new/", data)
    assert not Activity.with_deleted.exists()
    # the bytes written before the failed commit are left for `files collect` (the same bytes may be another
    # row's), and nothing refers to them
    report = filecheck.check()
    assert report.ok and report.orphans == [files.store_name(hashlib.new("sm3", b"%PDF-1.4 x").hexdigest())]


def test_scoping_clerk_b_404_supervisor_reads_only_admins_nothing(world):
    activity = make_activity(world.clerk_a, world.a, "central_group_study", dt.date(2024, 5, 6))
    detail, edit = f"/records/activities/{activity.pk}/", f"/records/activities/{activity.pk}/edit/"
    clerk_b = world.client("clerk_b")
    assert clerk_b.get(detail).status_code == 404
    assert clerk_b.get(edit).status_code == 404
    assert clerk_b.post(f"/records/activities/{activity.pk}/delete/").status_code == 404
    assert activity.topic not in clerk_b.get("/records/").content.decode()
    supervisor = world.client("supervisor")
    assert supervisor.get(detail).status_code == 200
    assert activity.topic in supervisor.get("/records/").content.decode()
    assert supervisor.get(edit).status_code == 403
    assert supervisor.get("/records/activities/new/").status_code == 403
    assert supervisor.post(f"/records/activities/{activity.pk}/delete/").status_code == 403
    for admin in ("sysadmin", "secadmin", "auditor"):
        assert world.client(admin).get("/records/").status_code == 403
        assert world.client(admin).get(detail).status_code == 403


def test_edit_keeps_entered_at_recounts_and_detects_conflicts(world):
    activity = make_activity(world.clerk_a, world.a, "admonition_talk", dt.date(2024, 5, 6),
                             talked_to=[world.member_a])
    client = world.client("clerk_a")
    data = post_data(world, kind=kind("admonition_talk").pk, happened_on="2024-05-06",
                     talked_to=[world.member_a.pk, world.staff_a.pk], version=activity.version)
    assert client.post(f"/records/activities/{activity.pk}/edit/", data).status_code == 302
    activity.refresh_from_db()
    assert activity.weight == 2 and activity.version == 2
    stale = client.post(f"/records/activities/{activity.pk}/edit/", {**data, "topic": "另一主题", "version": 1})
    assert "已被他人修改" in stale.content.decode()


def test_delete_and_restore(world):
    activity = make_activity(world.clerk_a, world.a, "central_group_study", dt.date(2024, 5, 6))
    client = world.client("clerk_a")
    client.post(f"/records/activities/{activity.pk}/delete/")
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert "已删除" in client.get(f"/records/activities/{activity.pk}/").content.decode()
    client.post(f"/records/activities/{activity.pk}/restore/")
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_list_page_queries_do_not_grow_with_rows(world, django_assert_max_num_queries):
    for i in range(30):
        make_activity(world.clerk_a, world.a, "central_group_study", dt.date(2024, 1, 1) + dt.timedelta(days=i))
    client = world.client("clerk_a")
    with django_assert_max_num_queries(12):
        response = client.get("/records/?late=on")
    assert response.status_code == 200
