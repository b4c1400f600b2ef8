"""Classification and cause: a problem's nature, 共性/个性, type and 原因剖析 saved, audited and in its history;
a type dates the measures that have none; several problems classified at once; figures by class; another
unit's problem out of reach (404)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from qinglian.audit.models import AuditEntry
from qinglian.history.models import Version
from qinglian.ledger.models import Measure, MeasureStatus, Problem
from qinglian.ledger.services import (
    ledger_aspect_create,
    ledger_measure_create,
    ledger_problem_create,
    ledger_source_create,
)
from qinglian.lib.testing import World
from qinglian.stats.engine import figures, records
from qinglian.verify.classes import classes_bulk_set, classes_kind_save, classes_profile_set
from qinglian.verify.models import ProblemNature, ProblemProfile, Reach, RectificationType

FEEDBACK = dt.date(2026, 3, 2)
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def nature(name: str) -> ProblemNature:
    return ProblemNature.objects.get(name=name)


def rtype(name: str) -> RectificationType:
    return RectificationType.objects.get(name=name)


def _source(w: World, unit: object = None, clerk: object = None) -> list[Problem]:
    clerk = clerk or w.clerk_a
    source = ledger_source_create(user=clerk, unit=unit or w.a, kind="inspection", issued_by="县委第一巡察组",
                                  feedback_date=FEEDBACK)
    aspect = ledger_aspect_create(user=clerk, source=source, title="作风建设方面")
    return [ledger_problem_create(user=clerk, aspect=aspect, text=t)
            for t in ("公务用车管理不规范", "会议室使用登记不全", "落实中央八项规定精神不到位")]


@pytest.mark.django_db
def test_standard_natures_and_types_are_seeded() -> None:
    assert list(ProblemNature.objects.values_list("name", flat=True)) == [
        "政治建设", "思想建设", "组织建设", "作风建设", "纪律建设", "财务管理", "意识形态", "其他"]
    assert [(t.name, t.months) for t in RectificationType.objects.all()] == [
        ("立行立改", 1), ("限期整改", 3), ("长期坚持", None)]


def test_profile_saved_audited_and_tracked(world: World) -> None:
    problem = _source(world)[0]
    saved = classes_profile_set(user=world.clerk_a, problem=problem, nature=nature("作风建设"), reach=Reach.COMMON,
                                rect_type=rtype("限期整改"), cause="制度执行不严，监督检查不到位")
    profile = ProblemProfile.objects.get(problem=problem)
    assert profile.pk == saved.profile.pk and profile.nature.name == "作风建设" and profile.reach == "common"
    assert profile.cause == "制度执行不严，监督检查不到位" and profile.unit_id == world.a.pk
    classes_profile_set(user=world.leader_a, problem=problem, nature=nature("纪律建设"), reach=Reach.INDIVIDUAL,
                        rect_type=rtype("限期整改"), cause="纪律意识淡薄")
    profile = ProblemProfile.objects.get(problem=problem)
    assert profile.nature.name == "纪律建设" and profile.version == 2 and profile.cause == "纪律意识淡薄"
    assert ProblemProfile.objects.count() == 1  # one profile per problem, updated
    entries = AuditEntry.objects.filter(summary__contains="问题分类").order_by("id")
    assert [e.summary for e in entries] == [f"问题分类：{problem}", f"修改问题分类：{problem}"]
    assert Version.objects.filter(model="verify.problemprofile", object_id=profile.pk).count() == 2

    # not another unit's clerk, nor a supervisor (who oversees, not writes)
    with pytest.raises(PermissionDenied):
        classes_profile_set(user=world.clerk_b, problem=problem, nature=None, reach="", rect_type=None, cause="")
    with pytest.raises(PermissionDenied):
        classes_profile_set(user=world.supervisor, problem=problem, nature=None, reach="", rect_type=None, cause="")
    assert ProblemProfile.objects.get(problem=problem).version == 2


def test_a_retired_nature_cannot_be_chosen_anew_but_stays_where_used(world: World) -> None:
    first, second = _source(world)[:2]
    other = nature("其他")
    classes_profile_set(user=world.clerk_a, problem=first, nature=other, reach="", rect_type=None, cause="")
    other.active = False
    classes_kind_save(user=world.sysadmin, obj=other)
    with pytest.raises(ValidationError, match="已停用"):
        classes_profile_set(user=world.clerk_a, problem=second, nature=other, reach="", rect_type=None, cause="")
    classes_profile_set(user=world.clerk_a, problem=first, nature=other, reach="", rect_type=None, cause="仍为其他")
    other.code = "renamed"
    with pytest.raises(ValidationError, match="代码创建后不能修改"):
        classes_kind_save(user=world.sysadmin, obj=other)


def test_type_proposes_the_deadline_of_undated_measures(world: World) -> None:
    problem = _source(world)[0]
    undated = ledger_measure_create(user=world.clerk_a, problem=problem, text="建立车辆使用登记制度", today=FEEDBACK)
    dated = ledger_measure_create(user=world.clerk_a, problem=problem, text="开展专项检查",
                                  deadline_text="2026年5月31日", today=FEEDBACK)
    saved = classes_profile_set(user=world.clerk_a, problem=problem, nature=None, reach="",
                                rect_type=rtype("限期整改"), cause="", today=dt.date(2026, 3, 10))
    assert saved.deadline == "2026年6月2日" and [m.pk for m in saved.dated] == [undated.pk]
    assert Measure.objects.get(pk=undated.pk).deadline == dt.date(2026, 6, 2)  # feedback + 3 months
    assert Measure.objects.get(pk=dated.pk).deadline == dt.date(2026, 5, 31)  # a deadline already set stays
    assert AuditEntry.objects.filter(object_id=undated.pk, summary__contains="整改措施").exists()

    # the admin changes the default: the next proposal follows it; 长期坚持 proposes no date
    quick = rtype("立行立改")
    quick.months = 2
    classes_kind_save(user=world.sysadmin, obj=quick)
    second = _source(world)[1]
    m2 = ledger_measure_create(user=world.clerk_a, problem=second, text="完善会议室登记", today=FEEDBACK)
    m3 = ledger_measure_create(user=world.clerk_a, problem=_source(world)[2], text="长效机制", today=FEEDBACK)
    classes_profile_set(user=world.clerk_a, problem=second, nature=None, reach="", rect_type=quick, cause="")
    assert Measure.objects.get(pk=m2.pk).deadline == dt.date(2026, 5, 2)
    classes_profile_set(user=world.clerk_a, problem=m3.problem, nature=None, reach="", rect_type=rtype("长期坚持"),
                        cause="")
    m3 = Measure.objects.get(pk=m3.pk)
    assert m3.deadline is None and m3.deadline_text == "长期坚持" and m3.status == MeasureStatus.LONG_TERM

    # without the proposal ticked nothing is dated
    m4 = ledger_measure_create(user=world.clerk_a, problem=second, text="再补一条", today=FEEDBACK)
    classes_profile_set(user=world.clerk_a, problem=second, nature=None, reach="", rect_type=quick, cause="",
                        propose=False)
    assert Measure.objects.get(pk=m4.pk).deadline is None


def test_bulk_classification_keeps_what_is_not_chosen(world: World) -> None:
    a, b, c = _source(world)
    classes_profile_set(user=world.clerk_a, problem=a, nature=nature("财务管理"), reach=Reach.INDIVIDUAL,
                        rect_type=None, cause="预算约束不强")
    classes_bulk_set(user=world.clerk_a, problems=[a, b], nature=nature("作风建设"))
    pa, pb = ProblemProfile.objects.get(problem=a), ProblemProfile.objects.get(problem=b)
    assert pa.nature.name == pb.nature.name == "作风建设"
    assert pa.reach == "individual" and pa.cause == "预算约束不强"  # kept
    assert not ProblemProfile.objects.filter(problem=c).exists()
    with pytest.raises(ValidationError):
        classes_bulk_set(user=world.clerk_a, problems=[], nature=nature("作风建设"))


def test_figures_by_class(world: World) -> None:
    a, _, c = _source(world)
    parent = Problem.objects.get(pk=c.pk)
    parts = [ledger_problem_create(user=world.clerk_a, aspect=parent.aspect, text=t, parent=parent)
             for t in ("超标准接待", "违规发放津补贴")]
    conduct, finance = nature("作风建设"), nature("财务管理")
    classes_profile_set(user=world.clerk_a, problem=a, nature=conduct, reach=Reach.COMMON,
                        rect_type=rtype("立行立改"), cause="")
    # the parent classified once: both its parts count under it; one part then classified on its own
    classes_profile_set(user=world.clerk_a, problem=parent, nature=conduct, reach=Reach.INDIVIDUAL,
                        rect_type=rtype("限期整改"), cause="")
    classes_profile_set(user=world.clerk_a, problem=parts[1], nature=finance, reach="", rect_type=None, cause="")
    # another unit's problem, classified, outside the subtree counted
    other = _source(world, world.b, world.clerk_b)[0]
    classes_profile_set(user=world.clerk_b, problem=other, nature=conduct, reach="", rect_type=None, cause="")

    found = {f.kind: f for f in figures(unit=world.a, date_from=YEAR[0], date_to=YEAR[1], memo=False)}
    counts = {k.removeprefix("verify_class."): f.count for k, f in found.items() if k.startswith("verify_class.")}
    # specific problems: a, b, part 1, part 2 (c itself is split)
    assert counts["nature.conduct"] == 2 and counts["nature.finance"] == 1 and counts["nature.none"] == 1
    assert counts["nature.political"] == 0
    # what part 2 leaves unset (type, reach) is its parent's
    assert counts["type.immediate"] == 1 and counts["type.limited"] == 2 and counts["type.none"] == 1
    assert counts["reach.common"] == 1 and counts["reach.individual"] == 2
    assert found["verify_class.nature.conduct"].name == "作风建设类问题" and found["verify_class.nature.conduct"].group
    refs = records(unit=world.a, date_from=YEAR[0], date_to=YEAR[1], kind="verify_class.nature.conduct")
    assert {r.id for r in refs} == {a.pk, parts[0].pk}

    county = {f.kind: f.count for f in figures(unit=world.county, date_from=YEAR[0], date_to=YEAR[1], memo=False)}
    assert county["verify_class.nature.conduct"] == 3


def test_statistics_page_shows_the_figures(world: World) -> None:
    a = _source(world)[0]
    classes_profile_set(user=world.clerk_a, problem=a, nature=nature("政治建设"), reach="", rect_type=None, cause="")
    html = world.client("clerk_a").get(reverse("stats:page"), {"date_from": "2026-01-01",
                                                               "date_to": "2026-12-31"}).content.decode()
    assert "问题分类" in html and "政治建设类问题" in html


def test_pages_save_and_scope(world: World) -> None:
    a, b, c = _source(world)
    clerk = world.client("clerk_a")
    page = clerk.get(reverse("ledger:problem", args=[a.pk])).content.decode()
    assert "问题分类与原因剖析" in page and "保存分类" in page
    resp = clerk.post(reverse("verify:profile_set", args=[a.pk]), {
        "nature": nature("作风建设").pk, "reach": "common", "rect_type": "", "cause": "思想认识不到位"})
    assert resp.status_code == 302
    assert ProblemProfile.objects.get(problem=a).cause == "思想认识不到位"
    assert "思想认识不到位" in clerk.get(reverse("ledger:problem", args=[a.pk])).content.decode()

    resp = clerk.post(reverse("verify:bulk_classes", args=[a.source_id]), {
        "problems": [b.pk, c.pk], "nature": nature("纪律建设").pk, "reach": "keep", "rect_type": ""})
    assert resp.status_code == 302
    assert set(ProblemProfile.objects.filter(nature__name="纪律建设").values_list("problem", flat=True)) == {b.pk, c.pk}
    assert "问题分类" in clerk.get(reverse("ledger:source", args=[a.source_id])).content.decode()
    table = clerk.get(reverse("verify:bulk_classes", args=[a.source_id]), HTTP_HX_REQUEST="true").content.decode()
    assert "纪律建设" in table and "批量分类" in table and "<html" not in table  # the lazy panel's fragment

    # another unit: 404 on the problem and the source; its ids slipped into a bulk post are ignored
    outsider = world.client("clerk_b")
    assert outsider.post(reverse("verify:profile_set", args=[a.pk]), {"reach": "common"}).status_code == 404
    assert outsider.post(reverse("verify:bulk_classes", args=[a.source_id]),
                         {"problems": [a.pk], "reach": "common"}).status_code == 404
    theirs = _source(world, world.b, world.clerk_b)[0]
    clerk.post(reverse("verify:bulk_classes", args=[a.source_id]),
               {"problems": [a.pk, theirs.pk], "nature": nature("其他").pk, "reach": "keep"})
    assert not ProblemProfile.objects.filter(problem=theirs).exists()
    assert ProblemProfile.objects.get(problem=a).nature.name == "其他"
    # a supervisor reads the page but is offered no form and may not post
    sup = world.client("supervisor")
    assert "保存分类" not in sup.get(reverse("ledger:problem", args=[a.pk])).content.decode()
    assert sup.post(reverse("verify:profile_set", args=[a.pk]), {"reach": "common"}).status_code == 403
    table = sup.get(reverse("verify:bulk_classes", args=[a.source_id])).content.decode()
    assert "纪律建设" in table and "批量分类" not in table
    assert sup.post(reverse("verify:bulk_classes", args=[a.source_id]),
                    {"problems": [a.pk], "reach": "common"}).status_code == 403
    assert outsider.get(reverse("verify:bulk_classes", args=[a.source_id])).status_code == 404


def test_cause_of_a_sensitive_problem_is_sealed(world: World) -> None:
    from django.db import connection

    from qinglian.lib.models import SecurityLabel
    from qinglian.lib.testing import make_user
    from qinglian.org.models import Role

    clerk = make_user("clerk_a_sensitive", Role.CLERK, world.a)
    clerk.clearance = SecurityLabel.SENSITIVE
    clerk.save(update_fields=["clearance"])
    plain, secret = _source(world)[:2]
    secret = Problem.objects.get(pk=secret.pk)
    from qinglian.lib.services import record_update

    secret = record_update(user=clerk, obj=secret, data={"security_label": SecurityLabel.SENSITIVE},
                           version=secret.version)
    cause = "主要负责人对公务用车问题失察（敏感）"
    for p in (plain, secret):
        classes_profile_set(user=clerk, problem=p, nature=None, reach="", rect_type=None, cause=cause)

    def stored(problem: Problem) -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT cause FROM verify_problemprofile WHERE problem_id = %s", [problem.pk])
            return str(cursor.fetchone()[0])

    assert stored(plain) == cause  # an internal problem's cause stays a plain, searchable column
    assert stored(secret).startswith("sm4:1:") and cause not in stored(secret)
    assert ProblemProfile.objects.get(problem=secret).cause == cause
    # the history keeps a fingerprint of the sealed text, never the text
    data = Version.objects.filter(model="verify.problemprofile",
                                  object_id=ProblemProfile.objects.get(problem=secret).pk).last().data
    assert cause not in str(data)
    # an internal-clearance clerk reaches neither the sensitive problem nor its classification
    assert world.client("clerk_a").post(reverse("verify:profile_set", args=[secret.pk]),
                                        {"reach": "common"}).status_code == 404


def test_the_system_admin_edits_the_lists_in_the_admin_site(world: World) -> None:
    admin = world.client("sysadmin")
    limited = rtype("限期整改")
    resp = admin.post(reverse("admin:verify_rectificationtype_change", args=[limited.pk]), {
        "name": "限期整改", "months": "6", "order": "20", "active": "on"})
    assert resp.status_code == 302 and RectificationType.objects.get(pk=limited.pk).months == 6
    resp = admin.post(reverse("admin:verify_problemnature_add"), {
        "name": "廉洁建设", "code": "integrity", "order": "85", "active": "on"})
    assert resp.status_code == 302 and ProblemNature.objects.filter(code="integrity").exists()
    assert AuditEntry.objects.filter(summary="问题性质：廉洁建设（integrity）").exists()
    assert AuditEntry.objects.filter(summary="整改类型：限期整改（limited）").exists()
    # a business account has no way in
    assert world.client("clerk_a").get(reverse("admin:verify_problemnature_changelist")).status_code in (302, 403)
