"""A generated document shows phone numbers masked and quotes only the problems within its reader's
clearance (its figures still count them all)."""

from __future__ import annotations

import io

from docx import Document

from qinglian.ledger.models import Measure, Problem
from qinglian.lib import tracking
from qinglian.lib.models import SecurityLabel
from qinglian.reports.models import GeneratedReport

from .conftest import YEAR

PHONE = "13812341234"


def _rectification_text(client, world) -> str:  # type: ignore[no-untyped-def]
    response = client.post("/reports/generate/", {"unit": world.a.pk, "genre": "rectification", "year": YEAR})
    assert response.status_code == 302, response.content.decode()[:800]
    report = GeneratedReport.objects.latest("id")
    download = client.get(f"/reports/{report.pk}/download/")
    doc = Document(io.BytesIO(download.content))
    return "\n".join(p.text for p in doc.paragraphs)


def test_the_notice_names_its_contact_with_the_phone_masked(seeded) -> None:  # type: ignore[no-untyped-def]
    w = seeded.world
    w.staff_a.phone = PHONE  # the clerk's own person
    w.staff_a.save()
    text = _rectification_text(w.client("clerk_a"), w)
    assert "联系人：张干事；联系电话：138****1234" in text
    assert PHONE not in text


def test_a_sensitive_problem_is_not_quoted_for_an_internal_reader(seeded) -> None:  # type: ignore[no-untyped-def]
    w = seeded.world
    problem = Problem.objects.get(text="党中央重大决策部署学习贯彻不到位")
    with tracking.bulk("测试准备"):
        Problem.objects.filter(pk=problem.pk).update(security_label=SecurityLabel.SENSITIVE)
    with tracking.bulk("测试准备"):
        Measure.objects.filter(problem=problem).update(security_label=SecurityLabel.SENSITIVE)
    text = _rectification_text(w.client("clerk_a"), w)
    assert "党中央重大决策部署学习贯彻不到位" not in text and "创新学习方式" not in text
    assert "执行财经纪律不严" in text
