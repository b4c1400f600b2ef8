"""A template replaced is used at once: rendering keeps what it compiled from a template, in each process, so
the next draft after an upload (or after the unit's template is deleted) must come from the new file, never
from what was kept of the old one."""

from __future__ import annotations

import io

from docx import Document

from qinglian.reports.models import GeneratedReport, ReportTemplate

from .conftest import YEAR
from .test_templates import _edited, _upload


def _generated_text(clerk, unit) -> list[str]:  # type: ignore[no-untyped-def]
    assert clerk.post("/reports/generate/", {"unit": unit.pk, "genre": "summary", "year": YEAR}).status_code == 302
    report = GeneratedReport.objects.latest("id")
    return [p.text for p in Document(io.BytesIO(clerk.get(f"/reports/{report.pk}/download/").content)).paragraphs]


def test_the_next_draft_follows_a_replaced_or_deleted_template(seeded) -> None:
    w = seeded.world
    clerk = w.client("clerk_a")
    default = _generated_text(clerk, w.a)
    assert _upload(clerk, _edited(extra="（第一版模板：送审稿）")).status_code == 302
    first = _generated_text(clerk, w.a)
    assert "（第一版模板：送审稿）" in first
    # the same template with one word changed in its fixed text, and in a tag's surroundings
    second_template = _edited(replace={"{{ title }}": "（第二版）{{ title }}"}, extra="（第二版模板：定稿）")
    assert _upload(clerk, second_template).status_code == 302
    second = _generated_text(clerk, w.a)
    assert "（第二版模板：定稿）" in second and "（第一版模板：送审稿）" not in second
    assert any(t.startswith("（第二版）") for t in second)
    assert clerk.post(f"/reports/templates/{ReportTemplate.objects.get().pk}/delete/").status_code == 302
    again = _generated_text(clerk, w.a)
    assert again == default and not any("第二版" in t for t in again)
