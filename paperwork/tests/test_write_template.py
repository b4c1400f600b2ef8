"""User-edited templates: the data still flows, and mistakes are named by tag and paragraph."""

import datetime as dt
import io

import pytest
from docx import Document

from paperwork.write import (
    Heading,
    Paragraph,
    Report,
    TemplateError,
    build_docx,
    default_template,
    render_template,
    report_text,
)


def make_template(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


REPORT = Report(
    title="述责述廉报告",
    genre="personal",
    issuer="张三",
    date=dt.date(2024, 1, 10),
    blocks=[
        Heading(1, "遵守政治纪律"),
        Paragraph("本人始终把严守党的政治纪律和政治规矩作为最根本的行为准则。"),
    ],
)


def test_user_template_keeps_its_wording_and_receives_data() -> None:
    template = make_template(
        "{{ title }}",
        "{%p for b in blocks %}",
        "{{ b.marker }}{{ b.text }}",
        "{%p endfor %}",
        "特此报告。",
        "{{ issuer }}　{{ date }}",
    )
    assert report_text(build_docx(REPORT, template=template)) == [
        "述责述廉报告",
        "一、遵守政治纪律",
        "本人始终把严守党的政治纪律和政治规矩作为最根本的行为准则。",
        "特此报告。",
        "张三　2024年1月10日",
    ]


def test_smart_quotes_typed_in_word_work() -> None:
    template = make_template(
        "{%p for b in blocks %}", "{%p if b.kind == ‘h1’ %}", "{{ b.text }}", "{%p endif %}", "{%p endfor %}"
    )
    assert report_text(build_docx(REPORT, template=template)) == ["遵守政治纪律"]


def test_the_default_template_can_be_edited_and_reused() -> None:
    doc = Document(io.BytesIO(default_template("summary")))
    doc.paragraphs[0].insert_paragraph_before("（内部资料）")
    out = io.BytesIO()
    doc.save(out)
    report = Report("总结", "summary", "宣传部", dt.date(2024, 1, 2), blocks=[Paragraph("正文。")])
    assert report_text(build_docx(report, template=out.getvalue()))[:3] == ["（内部资料）", "总结", "正文。"]


@pytest.mark.parametrize(
    ("paragraphs", "tag", "paragraph", "message"),
    [
        (("标题：{{ title }", "正文"), "{{ title }", "标题：{{ title }", "没有闭合"),
        (
            ("报告日期：{{ date | nosuchfilter }}",),
            "{{ date | nosuchfilter }}",
            "报告日期：{{ date | nosuchfilter }}",
            "不允许的过滤器“nosuchfilter”",
        ),
        (("{{ title + }}",), "{{ title + }}", "{{ title + }}", "写法有误"),
        (
            ("开头", "{%p for b in blocks %}", "{{ b.text }}"),
            "{%p for b in blocks %}",
            "{%p for b in blocks %}",
            "缺少结束标签",
        ),
        (("{%p if title %}", "x", "{%p endfor %}"), "{%p endfor %}", "{%p endfor %}", "没有对应的开始标签"),
        (("{% fi title %}",), "{% fi title %}", "{% fi title %}", "写法有误"),
    ],
)
def test_broken_tags_are_named(paragraphs: tuple[str, ...], tag: str, paragraph: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message) as info:
        build_docx(REPORT, template=make_template(*paragraphs))
    assert info.value.tag.startswith(tag[:9])
    assert info.value.paragraph == paragraph
    assert tag[:9] in str(info.value)


def test_undefined_variable_is_named_with_its_paragraph() -> None:
    template = make_template("{{ title }}", "本报告由{{ unit_name }}报送。", "{{ date }}")
    with pytest.raises(TemplateError) as info:
        build_docx(REPORT, template=template)
    err = info.value
    assert err.tag == "{{ unit_name }}"
    assert err.paragraph == "本报告由{{ unit_name }}报送。"
    assert "unit_name" in str(err) and "可用的数据有" in str(err) and "issuer" in str(err)
    assert "Traceback" not in str(err) and err.detail  # the cause is kept for developers


def test_undefined_attribute_in_a_loop_is_named() -> None:
    template = make_template("{%p for b in blocks %}", "第{{ b.numbr }}项", "{%p endfor %}")
    with pytest.raises(TemplateError) as info:
        build_docx(REPORT, template=template)
    assert info.value.tag == "{{ b.numbr }}"
    assert info.value.paragraph == "第{{ b.numbr }}项"


def test_tag_in_a_table_cell_is_found() -> None:
    doc = Document()
    doc.add_table(rows=1, cols=1).cell(0, 0).text = "合计：{{ totl }}"
    out = io.BytesIO()
    doc.save(out)
    with pytest.raises(TemplateError) as info:
        render_template(out.getvalue(), {"total": 3})
    assert info.value.paragraph == "合计：{{ totl }}"


def test_not_a_docx() -> None:
    with pytest.raises(TemplateError, match="不是有效的 Word 文档"):
        render_template(b"plain text", {})


def test_variables_named_like_docxtpl_prefixes_are_plain_variables() -> None:
    data = render_template(
        make_template("{{ p }}/{{ tr }}", "{%p if r %}", "有", "{%p endif %}"), {"p": 1, "tr": 2, "r": 1}
    )
    assert report_text(data) == ["1/2", "有"]
