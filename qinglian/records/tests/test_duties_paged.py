"""三个清单 for a whole county: a page of units at a time, a sub-unit's duties loaded when its list is opened,
and the cost of a page the same however many units and duties lie behind it."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from qinglian.lib import tracking
from qinglian.lib.testing import World, make_unit
from qinglian.org.models import UnitKind
from qinglian.records.models import Duty, DutyList, DutyListKind, Frequency

YEAR = timezone.localdate().year
pytestmark = pytest.mark.django_db


def _lists(units, duties_each=3):  # type: ignore[no-untyped-def]
    for unit in units:
        dl = DutyList.objects.create(unit=unit, kind=DutyListKind.PARTY_ORG, year=YEAR)
        with tracking.bulk("测试准备"):
            Duty.objects.bulk_create([Duty(duty_list=dl, text=f"{unit.name}事项{n}", frequency=Frequency.YEARLY, order=n)
                                      for n in range(duties_each)])


def _offices(world: World, count: int) -> list:  # type: ignore[type-arg]
    return [make_unit(f"股室{n:03d}", world.b, UnitKind.OFFICE) for n in range(count)]


def test_own_lists_show_their_duties_sub_units_show_counts_until_opened(world: World) -> None:
    _lists([world.a, world.a1])
    client = world.client("clerk_a")
    body = client.get("/records/duties/").content.decode()
    assert "县委宣传部事项0" in body  # the current unit's own duties
    assert "新闻宣传股事项0" not in body  # a sub-unit's: counted, collapsed
    assert "3 项" in body and "待履行 3 项" in body
    sub = DutyList.objects.get(unit=world.a1)
    assert f'hx-get="/records/duties/lists/{sub.pk}/"' in body
    rows = client.get(f"/records/duties/lists/{sub.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "新闻宣传股事项0" in rows and "<html" not in rows
    assert "<html" in client.get(f"/records/duties/lists/{sub.pk}/").content.decode()  # without htmx: the page


def test_the_county_is_paged_by_unit(world: World) -> None:
    _lists([world.county, *_offices(world, 14)])
    client = world.client("supervisor")
    first = client.get("/records/duties/").content.decode()
    assert len(re.findall(r'<section class="duty-unit">', first)) == 10
    assert "股室008" in first and "股室009" not in first and "page=2" in first
    second = client.get("/records/duties/?page=2").content.decode()
    assert len(re.findall(r'<section class="duty-unit">', second)) == 5 and "股室013" in second
    assert "page=3" not in second


def test_a_page_costs_the_same_queries_whatever_lies_behind_it(world: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = world.client("supervisor")
    _lists([world.county, *_offices(world, 12)], duties_each=2)
    client.get("/records/duties/")  # warm the session and the calendar
    with django_assert_num_queries(9):  # 7, the session's second-factor device (django-otp), the inbox count
        small = client.get("/records/duties/")
    _lists(_offices(world, 60), duties_each=40)
    with django_assert_num_queries(9):  # 7, the session's second-factor device (django-otp), the inbox count
        large = client.get("/records/duties/")
    assert small.status_code == large.status_code == 200
    assert len(large.content) < 40_000
