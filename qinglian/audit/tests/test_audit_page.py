"""The audit page reads in Chinese and China's time: each change by its field's label, choices by name,
related rows by name, times local; never a dict with English keys, a UTC time or a code like ledger.measure."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from qinglian.audit.models import Action
from qinglian.audit.services import audit_log
from qinglian.lib.services import record_update
from qinglian.lib.testing import World
from qinglian.org.models import Person, TeamRole

pytestmark = pytest.mark.django_db
CODE = re.compile(r"\b[a-z]+\.[a-z_]+\b")


def _text(html: str) -> str:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_a_change_shows_field_labels_choice_names_and_related_names(world: World) -> None:
    person = Person.objects.get(pk=world.staff_a.pk)
    record_update(user=world.clerk_a, obj=person, data={"team_role": TeamRole.TEAM_MEMBER, "post": "副部长"},
                  version=person.version, summary="修改干部：张干事")
    audit_log(action=Action.CREATE, summary="新增干部", actor=world.clerk_a, obj=world.staff_a1,
              after={"unit": world.a1.pk, "name": "赵股长", "team_role": TeamRole.STAFF})
    text = _text(world.client("auditor").get("/audit/").content.decode())
    assert "班子角色 一般干部 → 班子成员" in text and "职务 干事 → 副部长" in text
    assert "单位 新闻宣传股" in text and "干部 #" in text
    assert "team_role" not in text and "{" not in text and "'" not in text and not CODE.search(text)


def test_times_in_before_and_after_are_china_time(world: World) -> None:
    utc = dt.datetime(2026, 12, 1, 19, 42, tzinfo=dt.UTC)
    audit_log(action=Action.DELETE, summary="删除单位", obj=world.b, before={"deleted_at": None},
              after={"deleted_at": utc})
    text = _text(world.client("auditor").get("/audit/").content.decode())
    assert "删除时间 （空） → 2026-12-02 03:42:00" in text and "+00:00" not in text and "19:42" not in text


def test_the_filter_offers_object_types_by_name(world: World) -> None:
    audit_log(action=Action.CREATE, summary="新增干部", obj=world.staff_a1, after={"name": "赵股长"})
    audit_log(action=Action.CREATE, summary="新增单位", obj=world.b, after={"name": "县财政局"})
    client = world.client("auditor")
    page = client.get("/audit/").content.decode()
    assert '<option value="org.person">干部</option>' in page
    assert not CODE.search(re.sub(r"<[^>]+>", " ", page))
    only = _text(client.get("/audit/", {"object_type": "org.person"}).content.decode())
    assert "新增干部" in only and "新增单位" not in only


def test_a_page_of_entries_costs_the_same_queries_however_many(world: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = world.client("auditor")
    audit_log(action=Action.CREATE, summary="新增干部", obj=world.staff_a1, after={"unit": world.a1.pk})
    client.get("/audit/")
    with django_assert_num_queries(QUERIES):
        client.get("/audit/")
    for n in range(150):
        audit_log(action=Action.CREATE, summary=f"新增干部{n}", obj=world.staff_a, after={"unit": world.a.pk},
                  actor=world.clerk_a)
    with django_assert_num_queries(QUERIES):
        client.get("/audit/")


QUERIES = 6  # session, user, second-factor device (django-otp), the page, the units shown, the inbox count (top bar)
