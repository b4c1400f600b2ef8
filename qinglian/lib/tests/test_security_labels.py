"""Security labels: a record above the reader's clearance answers 404 like a record of another unit (detail,
list, export, download), an account with the clearance sees it, counts include it; 涉密 is refused on forms
and in imports; nobody labels a record above their own clearance."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from qinglian.ledger.models import Measure, Problem
from qinglian.ledger.tests.test_source_page import _source
from qinglian.lib import tracking
from qinglian.lib.models import SecurityLabel
from qinglian.lib.testing import World, client_for, make_user
from qinglian.org.models import Role, User
from qinglian.records.models import Activity, ActivityKind
from qinglian.records.services import ActivityInput, activity_create

pytestmark = pytest.mark.django_db

TOPIC = "关于某干部问题线索的约谈"


def _sensitive_activity(world: World, user: User) -> Activity:
    return activity_create(user=user, data=ActivityInput(
        unit=world.a, kind=ActivityKind.objects.get(code="party_group_meeting"), happened_on=dt.date(2026, 3, 5),
        topic=TOPIC, participants=[world.principal_a], security_label=SecurityLabel.SENSITIVE))


def _sensitive_clerk(world: World) -> User:
    user = make_user("clerk_a_sensitive", Role.CLERK, world.a)
    user.clearance = SecurityLabel.SENSITIVE
    user.save(update_fields=["clearance"])
    return user


def test_a_sensitive_activity_is_404_to_an_internal_clerk_of_the_same_unit(world: World) -> None:
    sensitive_clerk = _sensitive_clerk(world)
    activity = _sensitive_activity(world, sensitive_clerk)
    internal = world.client("clerk_a")
    assert internal.get(f"/records/activities/{activity.pk}/").status_code == 404
    assert internal.get(f"/records/activities/{activity.pk}/edit/").status_code == 404
    assert TOPIC not in internal.get("/records/").content.decode()
    assert internal.get(f"/org/units/{world.a.pk}/").status_code == 200  # the unit itself stays visible

    sensitive = client_for(sensitive_clerk)
    page = sensitive.get(f"/records/activities/{activity.pk}/").content.decode()
    assert TOPIC in page and "敏感" in page  # the badge
    assert TOPIC in sensitive.get("/records/").content.decode()


def test_a_sensitive_problem_is_404_and_left_out_of_the_ledger_export(world: World) -> None:
    source = _source(world, aspects=1, problems=2, parts=0, measures=1)
    problem = Problem.objects.filter(source=source).order_by("id").first()
    with tracking.bulk("测试准备"):
        Problem.objects.filter(pk=problem.pk).update(security_label=SecurityLabel.SENSITIVE)
    measure = Measure.objects.get(problem=problem)
    with tracking.bulk("测试准备"):
        Measure.objects.filter(pk=measure.pk).update(security_label=SecurityLabel.SENSITIVE)

    internal = world.client("clerk_a")
    assert internal.get(f"/ledger/problems/{problem.pk}/").status_code == 404
    assert internal.get(f"/ledger/measures/{measure.pk}/").status_code == 404
    assert problem.text not in internal.get(f"/ledger/sources/{source.pk}/").content.decode()
    ws = load_workbook(io.BytesIO(internal.get(f"/ledger/export.xlsx?source={source.pk}").content)).active
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    assert problem.text not in cells and cells.count(measure.text) == 1  # the other problem's measure only
    assert "问题0-1" in cells  # the internal problem is still there

    sensitive = client_for(_sensitive_clerk(world))
    assert sensitive.get(f"/ledger/problems/{problem.pk}/").status_code == 200
    ws = load_workbook(io.BytesIO(sensitive.get(f"/ledger/export.xlsx?source={source.pk}").content)).active
    assert any(problem.text in str(c.value) for row in ws.iter_rows() for c in row if c.value)


def test_counts_include_records_above_the_readers_clearance(world: World) -> None:
    from qinglian.stats import engine

    _sensitive_activity(world, _sensitive_clerk(world))
    figures = {f.kind: f.count for f in engine.figures(unit=world.a, date_from=dt.date(2026, 1, 1),
                                                        date_to=dt.date(2026, 12, 31))}
    assert figures["activity.party_group_meeting"] == 1


def _activity_post(world: World, **over: str) -> dict[str, object]:
    return {"unit": world.a.pk, "kind": ActivityKind.objects.get(code="party_group_meeting").pk,
            "happened_on": "2026-03-05", "topic": "研究部署党风廉政建设工作",
            "participants": [world.principal_a.pk], **over}


@pytest.mark.parametrize("word", ["涉密", "秘密", "机密", "绝密"])
def test_a_classified_label_posted_is_refused_with_the_offline_rule(world: World, word: str) -> None:
    response = world.client("clerk_a").post("/records/activities/new/", _activity_post(world, security_label=word))
    assert response.status_code == 200 and not Activity.objects.exists()
    assert "涉密材料" in response.content.decode() and "离线处理" in response.content.decode()


def test_no_one_labels_a_record_above_their_own_clearance(world: World) -> None:
    client = world.client("clerk_a")  # 内部
    form = client.get("/records/activities/new/").content.decode()
    assert '<option value="internal"' in form and '<option value="sensitive"' not in form
    response = client.post("/records/activities/new/", _activity_post(world, security_label="sensitive"))
    assert response.status_code == 200 and not Activity.objects.exists()
    assert "可阅密级为“内部”" in response.content.decode()
    sensitive = client_for(_sensitive_clerk(world))
    assert sensitive.post("/records/activities/new/", _activity_post(world, security_label="sensitive")).status_code == 302
    assert Activity.objects.get().security_label == SecurityLabel.SENSITIVE


def test_a_classified_label_is_refused_in_the_activity_import(world: World) -> None:
    from qinglian.records.tests.test_import import HEADER, xlsx

    rows = [["", "中心组学习", "2023年3月5日", "学习全国两会精神", "王部长", "", "王部长", "", "机密"]]
    page = world.client("clerk_a").post("/records/import/", {"unit": world.a.pk, "file": xlsx(rows, HEADER)})
    body = page.content.decode()
    assert "“密级”列" in body and "涉密材料" in body and "离线处理" in body


def test_a_classified_label_is_refused_in_the_ledger_import(world: World) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "问题", "整改措施", "责任人", "整改时限", "密级"])
    ws.append(["1", "党风廉政建设责任落实不到位", "健全责任清单", "", "2026-12-31", "绝密"])
    buf = io.BytesIO()
    wb.save(buf)
    upload = SimpleUploadedFile("台账.xlsx", buf.getvalue())
    response = world.client("clerk_a").post("/ledger/import/", {
        "file": upload, "unit": world.a.pk, "kind": "inspection", "issued_by": "县委第三巡察组",
        "feedback_date": "2026-03-01"}, follow=True)
    body = response.content.decode()
    assert "涉密材料" in body and "离线处理" in body
    assert not Measure.objects.exists()


def test_a_duty_page_lists_no_sensitive_record_to_an_internal_clerk(world: World) -> None:
    from qinglian.records.services import duty_add, duty_list_create

    sensitive_clerk = _sensitive_clerk(world)
    _sensitive_activity(world, sensitive_clerk)
    duties = duty_list_create(user=world.clerk_a, unit=world.a, kind="party_org", year=2026, owner=None)
    duty = duty_add(user=world.clerk_a, duty_list=duties, text="每季度召开党组会研究党风廉政建设",
                    frequency="quarterly", kinds=[ActivityKind.objects.get(code="party_group_meeting")])
    assert TOPIC not in world.client("clerk_a").get(f"/records/duties/{duty.pk}/").content.decode()
    assert TOPIC in client_for(sensitive_clerk).get(f"/records/duties/{duty.pk}/").content.decode()
