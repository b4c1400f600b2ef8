"""The pages of 抽查, 质效评估 and 申诉 as people use them: a supervisor draws and records through the forms,
the unit sees its finding and may appeal it, another unit gets 404; the documents download."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from qinglian.ledger.models import Closure, Measure
from qinglian.verify.models import SpotCheck, SpotCheckEvidence
from qinglian.verify.tests.test_spotcheck import closed_measures


def test_draw_record_and_download_through_the_pages(v) -> None:  # type: ignore[no-untyped-def]
    w = v.w
    closed_measures(v, 3)
    sup = w.client("supervisor")
    assert "随机抽取" in sup.get("/verify/spotchecks/").content.decode()
    bad = sup.post("/verify/spotchecks/", {"title": "核查", "target": "measure", "size": "2", "ratio": "10"})
    assert bad.status_code == 400 and "一项" in bad.content.decode()
    response = sup.post("/verify/spotchecks/", {"title": "第三季度反向核查", "target": "measure", "size": "2",
                                                "seed": "99"})
    check = SpotCheck.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/verify/spotchecks/{check.pk}/"
    page = sup.get(f"/verify/spotchecks/{check.pk}/").content.decode()
    assert "随机种子 <code>99</code>" in page and "登记核查结论" in page

    item = check.items.order_by("order").first()
    photo = SimpleUploadedFile("走访记录.pdf", b"%PDF-1.4 visit", "application/pdf")
    sup.post(f"/verify/spotcheck-items/{item.pk}/finding/", {"verdict": "false", "notes": "制度未执行，群众不知情",
                                                             "files": [photo]})
    assert Measure.objects.get(pk=item.measure_id).closure == Closure.REOPENED
    evidence = SpotCheckEvidence.objects.get()
    assert sup.get(f"/verify/spotcheck-evidence/{evidence.pk}/").status_code == 200

    docx = sup.get(f"/verify/spotchecks/{check.pk}/docx/")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "不属实1项" in text and "尚有1项待核查" in text

    # the unit sees the finding about itself and may appeal it; another unit sees nothing of it
    own = w.client("clerk_a").get("/verify/spotchecks/").content.decode()
    assert "制度未执行" in own and f"/verify/appeals/new/?finding={item.pk}" in own
    assert w.client("clerk_a").get(f"/verify/appeals/new/?finding={item.pk}").status_code == 200
    b = w.client("clerk_b")
    assert "制度未执行" not in b.get("/verify/spotchecks/").content.decode()
    assert b.get(f"/verify/appeals/new/?finding={item.pk}").status_code == 404
    assert b.get(f"/verify/spotcheck-evidence/{evidence.pk}/").status_code == 404
    assert w.client("clerk_a").post(f"/verify/spotcheck-items/{item.pk}/finding/",
                                    {"verdict": "true", "notes": "x"}).status_code == 403


def test_assessment_pages(v) -> None:  # type: ignore[no-untyped-def]
    sup = v.w.client("supervisor")
    response = sup.post("/verify/assessments/", {"name": "质效评估指标", "months_after": "6", "excellent_min": "90",
                                                 "good_min": "80", "fair_min": "60"})
    assert response.status_code == 302
    page = sup.get(response["Location"]).content.decode()
    assert "主体责任落实" in page and "民主测评" in page and "应为100分" not in page
    assert "开始评估" in sup.get("/verify/assessments/").content.decode()
    assert "开始评估" not in v.w.client("clerk_a").get("/verify/assessments/").content.decode()
