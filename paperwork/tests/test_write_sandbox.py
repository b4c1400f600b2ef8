"""A report template is untrusted code: the well-known Jinja escapes are refused in Chinese, naming the tag
and its paragraph, and nothing they would run ever runs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from paperwork.tests.template_payloads import PAYLOADS
from paperwork.write import TemplateError, build_docx, render_template, report_text
from paperwork.write.sandbox import environment

from .test_write_template import REPORT, make_template


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_escape_payloads_are_refused_and_nothing_runs(name: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payload = PAYLOADS[name].replace("{marker}", str(marker))
    template = make_template("{{ title }}", f"落款：{payload}", "{{ date }}")
    with pytest.raises(TemplateError) as info:
        build_docx(REPORT, template=template)
    err = info.value
    assert not marker.exists()
    assert err.paragraph == f"落款：{payload}" and err.tag and err.tag in payload
    assert "Traceback" not in err.message_zh and ("不允许" in err.message_zh or "不存在的数据" in err.message_zh)


def test_a_payload_in_the_document_properties_is_refused(tmp_path: Path) -> None:
    """docxtpl renders the core properties too, where no paragraph shows the tag."""
    marker = tmp_path / "pwned"
    doc = Document()
    doc.add_paragraph("{{ title }}")
    doc.core_properties.title = "{{ lipsum.__globals__.os.popen('touch MARKER').read() }}".replace("MARKER", str(marker))
    out = io.BytesIO()
    doc.save(out)
    with pytest.raises(TemplateError) as info:
        build_docx(REPORT, template=out.getvalue())
    assert not marker.exists()
    assert "文档属性" in info.value.message_zh and "lipsum" in info.value.message_zh


def test_the_sandbox_stops_what_the_check_would_miss(tmp_path: Path) -> None:
    """Defence in depth: the environment itself has no globals and refuses private attributes."""
    env = environment()
    assert not env.globals
    with pytest.raises(Exception) as info:
        env.from_string("{{ x.__class__.__mro__ }}").render(x="")
    assert type(info.value).__name__ in {"SecurityError", "UndefinedError"}


def test_the_allowed_vocabulary_still_renders() -> None:
    """Filters, tests, loops and conditions a clerk does need keep working."""
    template = make_template(
        "{{ title|trim }}（{{ genre_name }}）",
        "{%p for b in blocks %}",
        "{%p if b.kind == 'h1' and loop.first %}",
        "第{{ loop.index }}部分：{{ b.text|truncate(6, true, '…') }}",
        "{%p endif %}",
        "{%p endfor %}",
        "共{{ blocks|length }}段，{{ blocks[0]['kind'] }}，{{ year + 1 }}年",
    )
    texts = report_text(build_docx(REPORT, template=template))
    assert texts == ["述责述廉报告（述责述廉报告）", "第1部分：遵守政治纪律", "共2段，h1，2025年"]


def test_a_context_of_another_shape_is_its_own_vocabulary() -> None:
    """render_template takes any context: its own keys, and the keys of dicts inside it, are the names."""
    data = render_template(make_template("{% for r in rows %}{{ r.name }}{% endfor %}"), {"rows": [{"name": "甲"}]})
    assert report_text(data) == ["甲"]
    with pytest.raises(TemplateError):
        render_template(make_template("{{ rows.__len__ }}"), {"rows": []})
