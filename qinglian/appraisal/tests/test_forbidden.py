"""The rule editor refuses every kind of indicator DESIGN §7 forbids: by a crafted catalogue key, by the name a
leader types, by the evidence asked for, by a formula of one's own; through the service, the form over HTTP,
the command line and the catalogue's own registry. Each refusal cites the rule."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from qinglian.appraisal.catalogue import CATALOGUE, CatalogueMeasure, ForbiddenMeasure, register
from qinglian.appraisal.models import AppraisalIndicator
from qinglian.appraisal.services import appraisal_indicator_add
from qinglian.audit.models import Action, AuditEntry
from qinglian.lib.testing import client_for

pytestmark = pytest.mark.django_db

# kind → (a crafted key, a label a leader might type)
FORBIDDEN = {
    "login": ("ledger.login_count", "登录次数"),
    "click": ("publicity.page_views", "点击量"),
    "online_time": ("records.online_hours", "在线时长"),
    "study_time": ("records.study_duration", "学习时长"),
    "uploads": ("ledger.photo_uploads", "上传照片数"),
    "likes": ("publicity.likes", "点赞数"),
    "checkin": ("records.checkin_count", "打卡次数"),
    "track": ("records.gps_track", "位置轨迹完整率"),
}
RULE = "《政务移动互联网应用程序规范化管理办法》"


@pytest.mark.parametrize("kind", FORBIDDEN)
def test_service_refuses_by_key_and_by_name(kind, draft, county_leader):
    key, label = FORBIDDEN[kind]
    with pytest.raises(PermissionDenied, match=RULE):
        appraisal_indicator_add(user=county_leader, rule_set=draft, measure=key, weight=Decimal(10))
    with pytest.raises(PermissionDenied, match=RULE):  # a catalogue measure, renamed to what it must not be
        appraisal_indicator_add(user=county_leader, rule_set=draft, measure="records.letters", name=label,
                                weight=Decimal(10))
    assert AppraisalIndicator.objects.filter(rule_set=draft).count() == 2
    assert AuditEntry.objects.filter(action=Action.REFUSED, summary__contains=RULE).count() == 2


@pytest.mark.parametrize("kind", FORBIDDEN)
def test_form_over_http_refuses_by_key_and_by_name(kind, draft, county_leader):
    key, label = FORBIDDEN[kind]
    client = client_for(county_leader)
    url = f"/appraisal/rules/{draft.pk}/indicators/"
    by_key = client.post(url, {"measure": key, "weight": "10", "if_none": "full"})
    by_name = client.post(url, {"measure": "records.letters", "name": label, "weight": "10", "if_none": "full"})
    for response in (by_key, by_name):
        assert response.status_code == 400
        assert RULE in response.content.decode()
    assert AppraisalIndicator.objects.filter(rule_set=draft).count() == 2


def test_form_refuses_evidence_and_formulas(draft, county_leader):
    client = client_for(county_leader)
    url = f"/appraisal/rules/{draft.pk}/indicators/"
    photos = client.post(url, {"measure": "records.letters", "weight": "10", "if_none": "full",
                               "evidence": "每月上传工作照片不少于5张"})
    formula = client.post(url, {"measure": "records.letters", "weight": "10", "if_none": "full",
                                "formula": "count(Activity) / 12"})
    online = client.post(url, {"measure": "records.letters", "weight": "10", "if_none": "full",
                               "formula": "sum(online_minutes)"})
    assert photos.status_code == formula.status_code == online.status_code == 400
    assert RULE in photos.content.decode() and RULE in online.content.decode()
    assert "不接受自定义的公式" in formula.content.decode()
    unknown = client.post(url, {"measure": "records.activities", "weight": "10", "if_none": "full"})
    assert unknown.status_code == 400 and "不在考核指标目录中" in unknown.content.decode()
    assert AppraisalIndicator.objects.filter(rule_set=draft).count() == 2


def test_the_command_refuses(draft):
    with pytest.raises(CommandError, match=RULE):
        call_command("appraisal", "indicator-add", str(draft.pk), "records.study_duration", "10",
                     "--as", "county_leader", stdout=io.StringIO())
    with pytest.raises(CommandError, match=RULE):
        call_command("appraisal", "indicator-add", str(draft.pk), "records.letters", "10", "--name", "在线时长",
                     "--as", "county_leader", stdout=io.StringIO())


@pytest.mark.parametrize("kind", FORBIDDEN)
def test_the_catalogue_itself_refuses_a_forbidden_entry(kind):
    key, label = FORBIDDEN[kind]
    for k, n in ((key, "某项结果"), ("records.outcome", label)):
        with pytest.raises(ForbiddenMeasure, match=RULE):
            register(CatalogueMeasure(k, n, "完成的", "应完成的", "纪实", lambda *a: {}, lambda *a: []))
    assert key not in CATALOGUE and "records.outcome" not in CATALOGUE


def test_every_catalogue_entry_is_an_outcome():
    from qinglian.appraisal.forbidden import refusal

    assert len(CATALOGUE) >= 6
    for m in CATALOGUE.values():
        assert not any(refusal(t) for t in (m.key, m.name, m.numerator, m.denominator)), m.key
