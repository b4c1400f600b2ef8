"""A published rule set cannot be changed: not by the service, not by the form, not on any other path
(the admin lists no business records at all — 三员分立 — and the models refuse a changed row whatever saves it)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qinglian.appraisal.models import AppraisalIndicator, AppraisalRuleSet, RuleSetState
from qinglian.appraisal.services import (
    appraisal_indicator_add,
    appraisal_indicator_remove,
    appraisal_rule_set_publish,
    appraisal_rule_set_update,
)
from qinglian.lib.testing import client_for

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def published(draft, leader):  # type: ignore[no-untyped-def]
    return appraisal_rule_set_publish(user=leader, rule_set=draft, today=TODAY)


def test_publishing_needs_100_points_and_the_year_not_past(draft, county_leader):
    appraisal_indicator_remove(user=county_leader, indicator=draft.indicators.get(measure="records.letters"))
    with pytest.raises(ValidationError, match=r"合计为60\.0分，应为100分"):
        appraisal_rule_set_publish(user=county_leader, rule_set=draft, today=TODAY)
    appraisal_indicator_add(user=county_leader, rule_set=draft, measure="records.duties", weight=Decimal(40))
    with pytest.raises(ValidationError, match="2026年度已过"):
        appraisal_rule_set_publish(user=county_leader, rule_set=draft, today=TODAY.replace(year=2027))
    assert published(AppraisalRuleSet.objects.get(pk=draft.pk), county_leader).state == RuleSetState.PUBLISHED


def test_the_service_refuses_every_change(draft, county_leader):
    locked = published(draft, county_leader)
    indicator = locked.indicators.first()
    with pytest.raises(PermissionDenied, match="已于年初发布并锁定"):
        appraisal_indicator_add(user=county_leader, rule_set=locked, measure="records.duties", weight=Decimal(1))
    with pytest.raises(PermissionDenied, match="锁定"):
        appraisal_indicator_remove(user=county_leader, indicator=indicator)
    with pytest.raises(PermissionDenied, match="锁定"):
        appraisal_rule_set_update(user=county_leader, rule_set=locked, data={"excellent_min": 50},
                                  version=locked.version)


def test_the_models_refuse_on_any_path(draft, county_leader):
    locked = published(draft, county_leader)
    indicator = AppraisalIndicator.objects.filter(rule_set=locked).first()
    indicator.weight = Decimal(100)
    with pytest.raises(ValidationError, match="锁定"):
        indicator.save()
    with pytest.raises(ValidationError, match="锁定"):
        AppraisalIndicator(rule_set=locked, measure="records.duties", name="x", weight=Decimal(1)).save()
    locked.excellent_min = Decimal(10)
    with pytest.raises(ValidationError, match="锁定"):
        locked.save()
    row = AppraisalRuleSet.objects.get(pk=locked.pk)
    assert row.excellent_min == Decimal(90) and row.indicators.get(pk=indicator.pk).weight == Decimal(60)


def test_the_pages_refuse(world, draft, county_leader):
    locked = published(draft, county_leader)
    client = client_for(county_leader)
    page = client.get(f"/appraisal/rules/{locked.pk}/").content.decode()
    assert "已锁定" in page and "加入指标" not in page and "删除" not in page
    response = client.post(f"/appraisal/rules/{locked.pk}/indicators/",
                           {"measure": "records.duties", "weight": "5", "if_none": "full"})
    assert response.status_code == 400 and "锁定" in response.content.decode()
    indicator = locked.indicators.first()
    client.post(f"/appraisal/indicators/{indicator.pk}/remove/")
    assert AppraisalIndicator.objects.filter(rule_set=locked).count() == 2
    assert client_for(world.sysadmin).get("/admin/appraisal/appraisalruleset/").status_code == 404
