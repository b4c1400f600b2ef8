import datetime as dt

import pytest

from paperwork.write import Block, Heading, Paragraph, Report, build_docx, number_headings, report_text
from paperwork.write.model import chinese_number


@pytest.mark.parametrize(
    ("n", "zh"),
    [
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (23, "二十三"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
    ],
)
def test_chinese_numbers(n: int, zh: str) -> None:
    assert chinese_number(n) == zh


def test_markers_restart_under_each_parent() -> None:
    blocks: list[Block] = [
        Heading(1, "a"),
        Heading(2, "b"),
        Heading(3, "c"),
        Heading(4, "d"),
        Heading(4, "e"),
        Heading(3, "f"),
        Heading(4, "g"),
        Paragraph("正文"),
        Heading(2, "h"),
        Heading(3, "i"),
        Heading(1, "j"),
        Heading(2, "k"),
        Heading(1, "l", marker="附："),
        Heading(1, "m"),
    ]
    assert number_headings(blocks) == [
        "一、",
        "（一）",
        "1.",
        "（1）",
        "（2）",
        "2.",
        "（1）",
        "",
        "（二）",
        "1.",
        "二、",
        "（一）",
        "附：",
        "四、",
    ]


def test_numbering_reaches_the_document() -> None:
    report = Report(
        title="报告",
        genre="summary",
        issuer="某单位",
        date=dt.date(2024, 1, 5),
        blocks=[
            Heading(1, "总结"),
            Heading(2, "学习"),
            Heading(2, "宣传"),
            Heading(1, "计划"),
            Heading(2, "学习"),
        ],
    )
    assert report_text(build_docx(report)) == [
        "报告",
        "一、总结",
        "（一）学习",
        "（二）宣传",
        "二、计划",
        "（一）学习",
        "某单位",
        "2024年1月5日",
    ]


def test_heading_level_is_validated() -> None:
    with pytest.raises(ValueError, match="标题层级"):
        Heading(5, "x")  # type: ignore[arg-type]
