"""Per-unit .docx templates: download the default, upload an edited one, a broken tag is explained in Chinese
with the tag and its paragraph (never a stack trace), a unit's template serves its subtree."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from paperwork.write import default_template
from qinglian.reports.models import GeneratedReport, ReportTemplate

from .conftest import YEAR


def _edited(replace: dict[str, str] | None = None, extra: str = "") -> bytes:
    doc = Document(io.BytesIO(default_template("summary")))
    for p in doc.paragraphs:
        for old, new in (replace or {}).items():
            if old in p.text:
                p.runs[0].text = p.text.replace(old, new)
                for r in p.runs[1:]:
                    r.text = ""
    if extra:
        doc.add_paragraph(extra)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _upload(client, content: bytes, genre: str = "summary", name: str = "我的模板.docx"):
    return client.post("/reports/templates/", {"genre": genre, "file": SimpleUploadedFile(name, content)})


def test_default_template_downloads(world) -> None:
    response = world.client("clerk_a").get("/reports/templates/default/summary.docx")
    assert response.status_code == 200
    assert "{{ title }}" in "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)


def test_a_broken_tag_is_named_with_its_paragraph(world) -> None:
    clerk = world.client("clerk_a")
    response = _upload(clerk, _edited(extra="抄送：{{ issuer "))
    body = response.content.decode()
    assert response.status_code == 400 and "Traceback" not in body
    assert "没有闭合" in body and "{{ issuer" in body and "所在段落" in body
    response = _upload(clerk, _edited(extra="落款：{{ issuer_name }}"))
    body = response.content.decode()
    assert "issuer_name" in body and "落款：" in body
    assert not ReportTemplate.objects.exists()
    assert "不是有效的 Word 文档" in _upload(clerk, b"not a docx").content.decode()
    assert ".docx" in _upload(clerk, b"x", name="模板.doc").content.decode()


def test_an_uploaded_template_is_used_for_the_unit_and_its_subtree(seeded) -> None:
    w = seeded.world
    clerk = w.client("clerk_a")
    response = _upload(clerk, _edited(extra="（本单位自定义模板）"))
    assert response.status_code == 302
    template = ReportTemplate.objects.get()
    assert template.unit == w.a and template.name == "我的模板.docx"
    for unit in (w.a, w.a1):
        assert clerk.post("/reports/generate/", {"unit": unit.pk, "genre": "summary", "year": YEAR}).status_code == 302
        report = GeneratedReport.objects.latest("id")
        text = [p.text for p in Document(io.BytesIO(clerk.get(f"/reports/{report.pk}/download/").content)).paragraphs]
        assert "（本单位自定义模板）" in text and report.template_name.endswith("我的模板.docx")
    # B has its own default; clerk_b cannot see A's template file
    assert w.client("clerk_b").get(f"/reports/templates/{template.pk}/file/").status_code == 404
    assert w.client("supervisor").post(f"/reports/templates/{template.pk}/delete/").status_code == 403
    assert clerk.post(f"/reports/templates/{template.pk}/delete/").status_code == 302
    assert not ReportTemplate.objects.exists()


def test_a_template_that_fails_on_the_data_is_reported_on_generate(seeded) -> None:
    """A template saved earlier may still fail on real data: the page explains, nothing is stored."""
    from qinglian.reports.services import store_file

    w = seeded.world
    bad = _edited(replace={"{{ title }}": "{{ title + 1 }}"})
    ReportTemplate.objects.create(unit=w.a, genre="summary", name="坏模板.docx", stored=store_file(bad, "templates"))
    response = w.client("clerk_a").post("/reports/generate/", {"unit": w.a.pk, "genre": "summary", "year": YEAR})
    body = response.content.decode()
    assert response.status_code == 400 and "报告模板有误" in body and "Traceback" not in body
    assert not GeneratedReport.objects.exists()
