"""A new duty list refused comes back on the duties page with the choices the user made and the message next
to what to fix."""

from __future__ import annotations

from django.utils import timezone

from qinglian.records.models import DutyList


def test_a_refused_duty_list_keeps_kind_year_and_owner(world) -> None:
    year = timezone.localdate().year
    response = world.client("clerk_a").post("/records/duties/new/", {
        "kind": "principal", "year": year - 1, "owner": world.member_a.pk})
    html = response.content.decode()
    assert response.status_code == 400
    assert "第一责任人清单的责任人应为主要领导，“李副部长”不是" in html
    assert '<option value="principal" selected>' in html and f'value="{year - 1}"' in html
    assert f'<option value="{world.member_a.pk}" selected>' in html
    assert not DutyList.objects.exists()
