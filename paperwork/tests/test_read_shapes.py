"""The shapes real reports come in (issue 15), each read from text and from a .docx built here.

The documents are written for these tests: a web page's chrome around the body, mixed punctuation, traditional
characters, PDF wraps, a page on one line, a cut-off body, problems told in prose, figures as people write them.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from paperwork.check import check_text
from paperwork.read import ReadError, ReadResult, read_bytes, read_text
from paperwork.read.figures import find_figures
from paperwork.tests.data.builders import make_docx


def _both(lines: list[str]) -> list[ReadResult]:
    """The same document read as .txt and as .docx."""
    return [read_text("\n".join(lines)), read_bytes(make_docx(lines), "报告.docx")]


def _each(lines: list[str], check: Callable[[ReadResult], None]) -> None:
    for result in _both(lines):
        check(result)


def _figures(result: ReadResult) -> list[tuple[str, str]]:
    return [(f.number, f.counting_unit) for f in result.figures]


PROSE = [
    "县档案馆2023年度落实党风廉政建设责任制情况报告",
    "县委：",
    "今年以来，馆党支部召开专题会议6次，组织集中学习12次，开展廉政谈话30余人次。",
    "对照要求，工作中还存在一些不足：廉政教育的形式比较单一；对外包人员的监督还不够到位；制度执行有时不够严格。",
    "今后，我们将进一步压实责任，持续加强教育监督。",
]


def test_a_report_without_numbered_headings_is_read() -> None:
    def check(r: ReadResult) -> None:
        assert r.outline == []
        assert r.title == "县档案馆2023年度落实党风廉政建设责任制情况报告"
        assert _figures(r) == [("6", "次"), ("12", "次"), ("30", "人次")]
        assert r.problems == ["廉政教育的形式比较单一", "对外包人员的监督还不够到位", "制度执行有时不够严格"]
    _each(PROSE, check)


def test_only_a_file_without_text_is_refused() -> None:
    with pytest.raises(ReadError):
        read_text("\n \u3000 \n")
    assert read_text("会议很成功。").paragraphs == ["会议很成功。"]


CHROME = [
    "首页 > 信息公开 > 工作总结",
    "当前位置：首页 » 工作动态",
    "青山县纪委监委网站",
    "县委宣传部2023年工作总结",
    "县委宣传部2023年工作总结",
    "索引号：11530000-2023-00045 发布机构：县委宣传部 成文日期：2023-12-20",
    "发布时间：2024-01-08 09:30 来源：县委宣传部 浏览次数：2381",
    "【字体：大 中 小】 【打印】 【关闭】 分享到：微信 微博",
    "一、主要工作",
    "全年刊发稿件156篇，举办培训班3期，培训宣传干部210人次。",
    "二、存在的问题",
    "一是网络评论队伍力量不足；二是基层阵地利用率不高。……（省略1200字）",
    "全文约5000字，登录后查看全文",
    "相关文章",
    "县委宣传部召开2023年度民主生活会",
    "县委宣传部2022年工作总结",
]


def test_page_chrome_is_dropped_before_reading() -> None:
    def check(r: ReadResult) -> None:
        assert r.title == "县委宣传部2023年工作总结"
        assert [o.heading for o in r.outline] == ["主要工作", "存在的问题"]
        assert _figures(r) == [("156", "篇"), ("3", "期"), ("210", "人次")]  # not 浏览次数, not the dates
        assert r.problems == ["网络评论队伍力量不足", "基层阵地利用率不高"]
        text = "\n".join(r.paragraphs)
        for chrome in ("索引号", "浏览次数", "字体", "分享到", "省略", "登录", "相关文章", "2022年工作总结"):
            assert chrome not in text
    _each(CHROME, check)


def test_a_sentence_said_in_two_sections_keeps_both_figures() -> None:
    """The page's title said again under its heading is dropped; a body sentence said twice is not."""
    lines = ["关于2023年度落实党风廉政建设责任制情况的报告", "关于2023年度落实党风廉政建设责任制情况的报告",
             "一、加强理论学习", "累计开展专题学习1次。", "二、加强警示教育", "累计开展专题学习1次。"]
    r = read_bytes(make_docx(lines), "报告.docx")
    assert r.paragraphs.count("关于2023年度落实党风廉政建设责任制情况的报告") == 1
    assert _figures(r) == [("1", "次"), ("1", "次")]


MIXED = [
    "区委网信办2023年落实全面从严治党主体责任情况报告",
    "一、履行主体责任情况。全年召开专题会议4次。",
    "(一)压实责任。签订责任书18份。",
    "（二）强化教育。开展警示教育2次。",
    "1.开展谈心谈话。谈话46人次。",
    "2、开展廉政提醒。发送提醒短信300余条。",
    "3．开展专项检查。检查5次。",
    "二、存在的问题。",
    "监督覆盖还不够全面。",
]


def test_mixed_punctuation_and_run_in_headings() -> None:
    def check(r: ReadResult) -> None:
        assert [(o.level, o.heading) for o in r.outline] == [
            (1, "履行主体责任情况"), (2, "压实责任"), (2, "强化教育"), (3, "开展谈心谈话"), (3, "开展廉政提醒"),
            (3, "开展专项检查"), (1, "存在的问题")]
        assert ("300", "条") in _figures(r) and ("46", "人次") in _figures(r)
        assert r.problems == ["监督覆盖还不够全面"]
    _each(MIXED, check)


TRADITIONAL = [
    "縣文聯2023年度落實黨風廉政建設責任制情況報告",
    "一、加強組織領導",
    "黨組召開專題會議6次，簽訂責任書15份，開展廉政談話40餘人次，撥付經費2.5萬元。",
    "二、存在的問題",
    "一是廉政教育形式不夠新穎；二是對基層協會的監督還不到位。",
    "三、下一步打算",
    "進一步壓實責任。",
]


def test_traditional_characters_are_read_and_shown_as_written() -> None:
    def check(r: ReadResult) -> None:
        assert r.title == TRADITIONAL[0]
        assert [o.heading for o in r.outline] == ["加強組織領導", "存在的問題", "下一步打算"]
        assert [(f.text, f.number, f.counting_unit) for f in r.figures][-2:] == [
            ("開展廉政談話40餘人次", "40", "人次"), ("撥付經費2.5萬元", "2.5", "萬元")]
        assert r.problems == ["廉政教育形式不夠新穎", "對基層協會的監督還不到位"]
        assert r.genre == "responsibility"
    _each(TRADITIONAL, check)


# PDF text: every line but a paragraph's last is cut at one width (26 full-width characters; a digit is half).
WRAPPED = [
    "区委宣传部2022年度落实党风廉政建设责任制情况报告",
    "区委：",
    "2022年，区委宣传部认真落实全面从严治党的要求，切实履",
    "行党风廉政建设主体责任。现将有关情况报告如下：",
    "一、主要做法",
    "部务会专题研究党风廉政建设工作6次，与各股室签订责任",
    "书32份；开展集中学习24次，上廉政党课4次，涉及资金12",
    "6.8万元，整改问题9个。",
    "二、存在的问题",
    "廉政教育的针对性还不够强，对下属单位的监督检查不够经",
    "常。",
]


def test_hard_wraps_are_joined() -> None:
    def check(r: ReadResult) -> None:
        assert [o.heading for o in r.outline] == ["主要做法", "存在的问题"]
        assert ("126.8", "万元") in _figures(r) and ("32", "份") in _figures(r)
        assert "书32份" in r.paragraphs[4] and r.paragraphs[2].endswith("报告如下：")
    _each(WRAPPED, check)


def test_stray_spaces_between_characters_are_removed() -> None:
    lines = ["县 委 宣 传 部 2023 年 度 述 责 述 廉 报 告", "一、履 行 责 任 情 况", "召 开 会 议 1 2 次 。"]

    def check(r: ReadResult) -> None:
        assert r.title == "县委宣传部2023年度述责述廉报告"
        assert [o.heading for o in r.outline] == ["履行责任情况"]
        assert _figures(r)[0][1] == "次"
    _each(lines, check)


ONE_LINE = ("鹿鸣县纪委监委宣传部2023年工作总结2023年，县纪委监委宣传部围绕中心工作，现将工作情况总结如下。"
            "一、主要工作（一）新闻宣传。全年刊发稿件156篇，推送信息480余条。（二）警示教育。拍摄警示教育片2部。"
            "二、存在的问题宣传报道的策划性还不强；新媒体运营水平不高。三、下一步打算持续加强宣传教育。")


def test_a_document_on_one_line_is_split() -> None:
    def check(r: ReadResult) -> None:
        assert r.title == "鹿鸣县纪委监委宣传部2023年工作总结"
        assert [(o.level, o.heading) for o in r.outline][:3] == [(1, "主要工作"), (2, "新闻宣传"), (2, "警示教育")]
        assert [o.marker for o in r.outline] == ["一、", "（一）", "（二）", "二、", "三、"]
        assert _figures(r) == [("156", "篇"), ("480", "条"), ("2", "部")]
    _each([ONE_LINE], check)


def test_a_truncated_document_is_read() -> None:
    lines = ["市委宣传部2023年工作总结", "一、主要工作", "全年开展理论宣讲120场，覆盖群众1.2万人次，其中"]

    def check(r: ReadResult) -> None:
        assert r.title == "市委宣传部2023年工作总结" and r.plans == [] and r.problems == []
        assert _figures(r) == [("120", "场"), ("1.2", "万人次")]
    _each(lines, check)


DISCLOSURE = [
    "十五届青山县委第三轮巡察反馈情况公开",
    "一、县农业农村局党组",
    "巡察发现的主要问题：一是落实乡村振兴战略有差距；二是对下属单位监督偏松偏软；三是财务管理不规范。",
    "二、县卫健局党组",
    "巡察发现的主要问题：一是医疗领域专项整治不深入；二是“三重一大”制度执行不严格。",
]


def test_problems_as_lists_for_each_unit() -> None:
    def check(r: ReadResult) -> None:
        assert r.problems == ["落实乡村振兴战略有差距", "对下属单位监督偏松偏软", "财务管理不规范",
                              "医疗领域专项整治不深入", "“三重一大”制度执行不严格"]
    _each(DISCLOSURE, check)


TARGETED = [
    "县委网信办关于县委巡察整改情况的通报",
    "根据县委统一部署，现将巡察整改情况通报如下。",
    "针对“网络舆情应急处置机制不健全”问题，修订应急预案，组织演练2次。",
    "关于“政务新媒体管理不严”的问题。对全县62个账号全面排查，关停整合14个。",
    "针对“干部专业能力不足”问题，选派4名干部参加培训。",
]


def test_problems_named_in_quotes() -> None:
    def check(r: ReadResult) -> None:
        assert r.problems == ["网络舆情应急处置机制不健全", "关于“政务新媒体管理不严”的问题", "干部专业能力不足"]
        assert r.genre == "rectification"
    _each(TARGETED, check)


@pytest.mark.parametrize(("text", "expected"), [
    ("开展谈话60余人次，培训近300人，参训率达98.5%。", [("60", "人次"), ("300", "人"), ("98.5", "%")]),
    ("拨付资金126.8万元，节约3.8万元，追缴0.42万元。", [("126.8", "万元"), ("3.8", "万元"), ("0.42", "万元")]),
    ("召开4次党组会议，更新图书9800余册。", [("4", "次"), ("9800", "册")]),
    ("开展学习x次，谈话X名，刊发XX篇，检查**次，督办***件，整改__项。",
     [("x", "次"), ("X", "名"), ("XX", "篇"), ("**", "次"), ("***", "件"), ("__", "项")]),
    ("县委第3巡察组第2次进驻，青政发〔2023〕12号文件，2023年5月12日。", []),
    ("开展两次检查，历时三个月，落实“三会一课”、“一岗双责”和“四种形态”。", []),
    ("**省XX市*区的XX县", []),
    ("9时30分召开，5G基站，拨打12345热线，提交50字以内的说明，建党100周年。", []),
    ("考核得分92.6分，培训时长30分钟，参观3间展室。", [("92.6", "分"), ("30", "分钟"), ("3", "间")]),
])
def test_figures_as_written(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.number, f.counting_unit) for f in find_figures([text])] == expected


def test_traditional_yu_is_a_figure() -> None:
    (r, _) = _both(["縣委宣傳部工作總結", "組建志願服務隊32支，發佈信息5200餘條。"])
    assert [(f.number, f.counting_unit) for f in r.figures] == [("32", "支"), ("5200", "條")]


def test_site_counters_are_not_figures() -> None:
    r = read_text("县委宣传部工作总结\n浏览量：1234次\n全年开展学习12次。")
    assert _figures(r) == [("12", "次")]


def test_check_flags_lowercase_x_like_uppercase() -> None:
    findings = check_text("县委宣传部工作总结\n一、主要工作\n开展学习x次，谈话xx人次。\n")
    assert [f.kind for f in findings] == ["placeholder", "placeholder"]
    assert check_text("县委宣传部工作总结\n一、主要工作\n通过APP发布，尺寸3x4米，地址0x1F。\n") == []


NESTED = [
    "县统计局2023年落实全面从严治党主体责任情况报告",
    "一、主要工作",
    "全年召开党组会议8次。",
    "二、存在的问题及下一步打算",
    "（一）存在的问题",
    "1.理论学习不够系统",
    "2.监督检查覆盖不全",
    "（二）下一步打算",
    "1.持续加强理论学习",
    "2.扩大监督检查覆盖面",
]


def test_problems_and_plans_in_named_subsections() -> None:
    def check(r: ReadResult) -> None:
        assert r.problems == ["理论学习不够系统", "监督检查覆盖不全"]
        assert r.plans == ["持续加强理论学习", "扩大监督检查覆盖面"]
    _each(NESTED, check)


def test_corner_bracket_quotes_of_traditional_sites() -> None:
    lines = ["縣委網信辦關於巡察整改情況的通報", "一、整改情況", "針對「網絡輿情處置機制不健全」問題，修訂預案，演練2次。"]

    def check(r: ReadResult) -> None:
        assert r.problems == ["網絡輿情處置機制不健全"]
    _each(lines, check)


def test_site_footer_is_chrome() -> None:
    r = read_text("县委宣传部2023年工作总结\n全年开展学习12次。\n本文由网友投稿，版权归原作者所有。如有侵权请联系删除。\n"
                  "主办单位：县人民政府办公室 网站标识码：5301000012 滇ICP备12345678号")
    assert r.paragraphs == ["县委宣传部2023年工作总结", "全年开展学习12次。"]


def test_chrome_of_a_traditional_page() -> None:
    lines = ["首頁 > 信息公開 > 工作總結", "縣委宣傳部2023年工作總結", "發佈時間：2024-01-08 瀏覽次數：2381",
             "全年開展學習12次。", "【打印】 【關閉】"]

    def check(r: ReadResult) -> None:
        assert r.paragraphs == ["縣委宣傳部2023年工作總結", "全年開展學習12次。"]
        assert _figures(r) == [("12", "次")]
    _each(lines, check)
