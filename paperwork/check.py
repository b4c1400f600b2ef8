"""Checks on a report's text before it goes out (the pure half of issue 7).

    findings = check_text(read_path("报告.docx"))       # or check_text("…plain text…", year=2023)

Four kinds of finding, each tied to a paragraph:
- placeholder: a figure or name never filled in (*, **, X, XX, ××, ___);
- contradiction: a count that disagrees with the document ("3个方面12项" but 11 problems listed,
  "共50篇，其中…" with parts adding up to more);
- date: a date that cannot exist, or one later than the report's year allows;
- congress: a Party congress or plenum that had not happened yet in the report's year, or an old one
  cited as the current guidance ("十九届六中全会精神" in a 2023 report that never mentions 二十大).
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from paperwork.read.decode import DEFAULT_MAX_BYTES, bytes_to_paragraphs, clean_paragraphs
from paperwork.read.figures import find_figures
from paperwork.read.items import split_enumeration
from paperwork.read.model import Figure, ReadError, ReadResult
from paperwork.read.outline import chinese_value
from paperwork.read.reader import analyse

KIND_LABELS = {"placeholder": "占位符", "contradiction": "数字矛盾", "date": "日期", "congress": "会议届次"}


@dataclass(frozen=True)
class Finding:
    kind: str  # 'placeholder' | 'contradiction' | 'date' | 'congress'
    paragraph: int  # 0-based index into the paragraphs; shown to users as 第N段 (N = index + 1)
    excerpt: str
    message_zh: str


# --- placeholders -------------------------------------------------------------------------------
# X next to Latin letters is a word (APP, tongweixcb); "X光/X射线" is an X-ray; × between digits is a
# multiplication sign; a lowercase x counts only before Chinese text ("x次", "xx名"). Everything else that
# looks like a blank is one.
_PLACEHOLDER = re.compile(
    r"\*+|(?<![A-Za-z])[XＸ]{1,4}(?![A-Za-z光射线])|×{1,4}|_{3,}|＿{2,}"
    # lowercase x only where it stands for a number: next to Chinese text, not in 0x1F, 3x4 or a word
    r"|(?<![A-Za-z0-9])[xｘ]{1,4}(?=[\u4e00-\u9fff])(?![光射线])"
)

# --- dates --------------------------------------------------------------------------------------
_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*年(?:\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号])?)?"
)
_YEAR = re.compile(r"(?<!\d)(20\d\d)\s*年")
_INTRO_YEAR = re.compile(r"现将.{0,30}?(?<!\d)(20\d\d)\s*年")
_TARGET_AFTER = re.compile(r"^(?:远景|前|底前|以前|之前|目标|规划|年远景)")

# --- congresses ---------------------------------------------------------------------------------
_CN_ORD = "一二三四五六七八九"
# "十九大精神", "十九大和十九届历次全会精神": cited as guidance; "十八大以来" is history.
_AS_CURRENT = ("精神", "和", "及", "、")
_CONGRESS = re.compile(r"(?:党的)?(?P<n>二十一|二十|十九|十八|十七)大(?P<after>.{0,12})")
_CC_PLENUM = re.compile(r"(?P<n>二十|十九|十八)届(?P<s>[" + _CN_ORD + r"])中全会(?P<after>.{0,8})")
_CCDI_PLENUM = re.compile(r"(?P<n>二十|十九)届中央纪委(?P<s>[" + _CN_ORD + r"])次全会(?P<after>.{0,8})")
_TERM_GENERIC = re.compile(r"(?P<n>二十|十九|十八)届(?:历次|各次)?全会(?P<after>.{0,8})")
_ANTICIPATING = re.compile(r"(?:迎接|喜迎|筹备|召开前|备战)\S{0,3}$")
CONGRESS_YEAR = {17: 2007, 18: 2012, 19: 2017, 20: 2022, 21: 2027}
# Central Committee plenums and CCDI plenums by (congress, session) → year held.
CC_PLENUM_YEAR = {
    (18, 1): 2012, (18, 2): 2013, (18, 3): 2013, (18, 4): 2014, (18, 5): 2015, (18, 6): 2016, (18, 7): 2017,
    (19, 1): 2017, (19, 2): 2018, (19, 3): 2018, (19, 4): 2019, (19, 5): 2020, (19, 6): 2021, (19, 7): 2022,
    (20, 1): 2022, (20, 2): 2023, (20, 3): 2024, (20, 4): 2025,
}
CCDI_PLENUM_YEAR = {
    (19, 1): 2017, (19, 2): 2018, (19, 3): 2019, (19, 4): 2020, (19, 5): 2021, (19, 6): 2022,
    (20, 1): 2022, (20, 2): 2023, (20, 3): 2024, (20, 4): 2025,
}

# --- contradictions -----------------------------------------------------------------------------
_ASPECTS_PROBLEMS = re.compile(r"(?P<a>\d+)\s*个方面\s*(?P<p>\d+)\s*(?:项|条|个)(?:具体)?问题")
_N_ASPECTS_ENUM = re.compile(r"(?P<n>\d+|[两二三四五六七八九十]+)个方面(?:的)?(?:问题|不足)[：:]")
_TOTAL_WORDS = re.compile(r"(?:共|累计|总计|合计|全年|共计)")
_SENTENCE_STOP = re.compile(r"[。；;]")
_EXCERPT_CHARS = 10


def _excerpt(paragraph: str, start: int, end: int) -> str:
    a = max(0, start - _EXCERPT_CHARS)
    b = min(len(paragraph), end + _EXCERPT_CHARS)
    return ("…" if a > 0 else "") + paragraph[a:b] + ("…" if b < len(paragraph) else "")


def _placeholders(paragraphs: list[str], figures: list[Figure]) -> list[Finding]:
    by_paragraph: dict[int, list[Figure]] = {}
    for f in figures:
        by_paragraph.setdefault(f.paragraph, []).append(f)
    out: list[Finding] = []
    for i, text in enumerate(paragraphs):
        for m in _PLACEHOLDER.finditer(text):
            token = m.group(0)
            if token[0] == "×" and m.start() > 0 and text[m.start() - 1].isdigit():
                continue
            fig = next((f for f in by_paragraph.get(i, []) if f.start <= m.start() < f.end), None)
            if fig is not None:
                message = f"“{fig.text}”中的“{token}”是未填写的数字，请填入实际统计数字。"
                excerpt = fig.text
            else:
                excerpt = _excerpt(text, m.start(), m.end())
                message = f"“{token}”是未填写的占位符（或被隐去的名称），请填写实际内容。"
            out.append(Finding("placeholder", i, excerpt, message))
    return out


def infer_year(paragraphs: list[str], title: str = "") -> int | None:
    """The year a report covers: its title, else the intro ("现将2023年…"), else the first date."""
    for text in (title, *paragraphs[:1]):
        m = _YEAR.search(text)
        if m:
            return int(m.group(1))
    for text in paragraphs[:3]:
        m = _INTRO_YEAR.search(text)
        if m:
            return int(m.group(1))
    for text in paragraphs[:3]:
        m = _YEAR.search(text)
        if m:
            return int(m.group(1))
    for text in reversed(paragraphs[-3:]):  # the date line under the signature
        m = _YEAR.search(text)
        if m:
            return int(m.group(1))
    return None


def _dates(paragraphs: list[str], year: int | None, title: str) -> list[Finding]:
    out: list[Finding] = []
    for i, text in enumerate(paragraphs):
        for m in _DATE.finditer(text):
            y = int(m.group("y"))
            month = int(m.group("m")) if m.group("m") else None
            day = int(m.group("d")) if m.group("d") else None
            excerpt = _excerpt(text, m.start(), m.end())
            if month is not None and not 1 <= month <= 12:
                out.append(Finding("date", i, excerpt, f"“{m.group(0)}”中的月份不存在，请核对日期。"))
                continue
            if month is not None and day is not None and not 1 <= day <= calendar.monthrange(y, month)[1]:
                out.append(Finding("date", i, excerpt, f"“{m.group(0)}”这一天不存在，请核对日期。"))
                continue
            if year is None or y <= year + 1:
                continue
            before = text[max(0, m.start() - 2):m.start()]
            if (before.endswith(("到", "至")) and not before.endswith("截至")) or _TARGET_AFTER.match(
                text[m.end():m.end() + 4]
            ):
                continue  # a target year: "到2035年", "2035年远景目标"
            out.append(Finding(
                "date", i, excerpt,
                f"“{m.group(0)}”晚于本报告所属的{year}年度，请核对是否写错年份或沿用了其他材料。",
            ))
    if title and year is not None:
        for i, text in enumerate(paragraphs[:3]):
            intro = _INTRO_YEAR.search(text)
            if intro and int(intro.group(1)) != year:
                out.append(Finding(
                    "date", i, _excerpt(text, intro.start(1), intro.end(1) + 1),
                    f"标题写的是{year}年，正文却写“{intro.group(1)}年”，请统一报告年度。",
                ))
    return out


def _congress_number(text: str) -> int:
    return chinese_value(text) if len(text) <= 2 else 21


def _congresses(paragraphs: list[str], year: int | None) -> list[Finding]:
    if year is None:
        return []
    whole = "".join(paragraphs)
    mentioned: set[int] = set()
    for pattern in (_CONGRESS, _CC_PLENUM, _CCDI_PLENUM, _TERM_GENERIC):
        for m in pattern.finditer(whole):
            mentioned.add(_congress_number(m.group("n")))
    masked = bool(re.search(r"(?:XX|ＸＸ|\*+)大", whole))  # "党的XX大": cannot judge, do not nag
    out: list[Finding] = []
    for i, text in enumerate(paragraphs):
        for m in _CONGRESS.finditer(text):
            n = _congress_number(m.group("n"))
            held = CONGRESS_YEAR.get(n)
            excerpt = _excerpt(text, m.start(), m.end("n") + 1)
            if held is not None and held > year and not _ANTICIPATING.search(text[:m.start()]):
                out.append(Finding("congress", i, excerpt,
                                   f"党的{m.group('n')}大在{held}年召开，{year}年的报告不应引用，请核对。"))
            elif _stale(n, year, mentioned, masked) and m.group("after").startswith(_AS_CURRENT):
                out.append(_stale_finding(i, excerpt, f"党的{m.group('n')}大", n, year))
        for pattern, table in ((_CC_PLENUM, CC_PLENUM_YEAR), (_CCDI_PLENUM, CCDI_PLENUM_YEAR)):
            for m in pattern.finditer(text):
                n = _congress_number(m.group("n"))
                session = _CN_ORD.index(m.group("s")) + 1
                held = table.get((n, session))
                excerpt = _excerpt(text, m.start(), m.start("after"))
                name = m.group(0)[: m.start("after") - m.start()]
                if held is not None and held > year:
                    out.append(Finding("congress", i, excerpt,
                                       f"{name}在{held}年召开，{year}年的报告不应引用，请核对。"))
                elif _stale(n, year, mentioned, masked) and "精神" in m.group("after"):
                    out.append(_stale_finding(i, excerpt, name, n, year))
    return out


def _stale(n: int, year: int, mentioned: set[int], masked: bool) -> bool:
    nxt = CONGRESS_YEAR.get(n + 1)
    return nxt is not None and nxt < year and (n + 1) not in mentioned and not masked


def _stale_finding(i: int, excerpt: str, name: str, n: int, year: int) -> Finding:
    nxt = CONGRESS_YEAR[n + 1]
    return Finding(
        "congress", i, excerpt,
        f"{year}年的报告把{name}精神作为当前要求，"
        f"却没有提到{nxt}年召开的党的{_ordinal(n + 1)}大，请更新表述。",
    )


def _ordinal(n: int) -> str:
    return {18: "十八", 19: "十九", 20: "二十", 21: "二十一", 22: "二十二"}.get(n, str(n))


def _contradictions(result: ReadResult | None, paragraphs: list[str], figures: list[Figure]) -> list[Finding]:
    out: list[Finding] = []
    statements: list[tuple[int, int, int, str]] = []
    for i, text in enumerate(paragraphs):
        for m in _ASPECTS_PROBLEMS.finditer(text):
            statements.append((i, int(m.group("a")), int(m.group("p")), m.group(0)))
        for m in _N_ASPECTS_ENUM.finditer(text):
            word = m.group("n")
            n = int(word) if word.isdigit() else chinese_value(word.replace("两", "二"))
            _, items = split_enumeration(text[m.end():])
            if len(items) >= 2 and n and len(items) != n:
                out.append(Finding("contradiction", i, _excerpt(text, m.start(), m.end()),
                                   f"这里说“{m.group(0).rstrip('：:')}”，后面却列了{len(items)}条，请核对。"))
    if len({(a, p) for _, a, p, _ in statements}) > 1:
        for i, a, p, phrase in statements[1:]:
            first = statements[0]
            if (a, p) != (first[1], first[2]):
                out.append(Finding("contradiction", i, phrase,
                                   f"“{phrase}”与第{first[0] + 1}段的“{first[3]}”不一致，请核对问题数量。"))
    if result is not None and result.rectification and statements:
        aspects = len({r.aspect for r in result.rectification if r.aspect}) or 0
        problems = len(result.rectification)
        for i, a, p, phrase in statements:
            if (aspects and a != aspects) or p != problems:
                out.append(Finding(
                    "contradiction", i, phrase,
                    f"“{phrase}”与正文不符：正文列出了{aspects}个方面{problems}个具体问题，请核对。",
                ))
    out.extend(_sums(paragraphs, figures))
    return out


def _sums(paragraphs: list[str], figures: list[Figure]) -> list[Finding]:
    """"共50篇，其中中央级10篇、省级60篇": parts cannot add up to more than the total."""
    out: list[Finding] = []
    by_paragraph: dict[int, list[Figure]] = {}
    for f in figures:
        by_paragraph.setdefault(f.paragraph, []).append(f)
    for i, figs in by_paragraph.items():
        text = paragraphs[i]
        for k, total in enumerate(figs):
            if total.placeholder or not _TOTAL_WORDS.search(total.text):
                continue
            rest = text[total.end:]
            if not rest.lstrip("，,").startswith("其中"):
                continue
            stop = _SENTENCE_STOP.search(rest)
            sentence_end = total.end + (stop.start() if stop else len(rest))
            parts = [
                f for f in figs[k + 1:] if f.end <= sentence_end and f.counting_unit == total.counting_unit
            ]
            if len(parts) < 2 or any(p.placeholder for p in parts):
                continue
            try:
                whole, summed = float(total.number), sum(float(p.number) for p in parts)
            except ValueError:
                continue
            if summed > whole:
                out.append(Finding(
                    "contradiction", i, _excerpt(text, total.start, sentence_end - _EXCERPT_CHARS),
                    f"分项合计{summed:g}{total.counting_unit}，超过了总数“{total.text}”，请核对。",
                ))
    return out


def check_text(result_or_text: ReadResult | str, *, year: int | None = None) -> list[Finding]:
    """All findings, in paragraph order. Plain text without an outline is still checked."""
    result: ReadResult | None
    if isinstance(result_or_text, ReadResult):
        result = result_or_text
        paragraphs = result.paragraphs
    else:
        paragraphs = clean_paragraphs(result_or_text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
        try:
            result = analyse(paragraphs)
        except ReadError:
            result = None
    if not paragraphs:
        return []
    figures = result.figures if result is not None else find_figures(paragraphs)
    title = result.title if result is not None else ""
    report_year = year if year is not None else infer_year(paragraphs, title)
    findings = [
        *_placeholders(paragraphs, figures),
        *_contradictions(result, paragraphs, figures),
        *_dates(paragraphs, report_year, title),
        *_congresses(paragraphs, report_year),
    ]
    findings.sort(key=lambda f: f.paragraph)
    return findings


def check_path(
    path: str | Path, *, year: int | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[Finding]:
    """Read a .docx/.txt and check it. Raises ReadError if the file cannot be read at all."""
    p = Path(path)
    try:
        if p.stat().st_size > max_bytes:
            raise ReadError(f"文件超过 {max_bytes / (1024 * 1024):g} MB，无法检查。")
        data = p.read_bytes()
    except ReadError:
        raise
    except OSError:
        raise ReadError(f"无法打开文件“{p.name}”。请检查路径和读取权限。") from None
    try:
        paragraphs, kind = bytes_to_paragraphs(data, p.name, max_bytes)
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError("读取文件时发生意外错误。请把文件“另存为” .docx 后重试。") from exc
    try:
        return check_text(analyse(paragraphs, kind), year=year)
    except ReadError:  # no outline: still worth checking as plain text
        return check_text("\n".join(paragraphs), year=year)


def format_finding(f: Finding) -> str:
    return f"第{f.paragraph + 1}段 [{KIND_LABELS.get(f.kind, f.kind)}] {f.excerpt}\n    {f.message_zh}"


def main(argv: list[str] | None = None) -> int:
    """`qinglian check FILE [--year 2023]`: 0 nothing found, 1 findings, 2 unreadable file."""
    parser = argparse.ArgumentParser(
        prog="qinglian check", description="检查报告中的占位符、数字矛盾、日期和会议届次。"
    )
    parser.add_argument("file", help="报告文件（.docx 或 .txt）")
    parser.add_argument("--year", type=int, default=None, help="报告所属年度（默认从标题推断）")
    args = parser.parse_args(argv)
    try:
        findings = check_path(args.file, year=args.year)
    except ReadError as exc:
        print(exc.message_zh, file=sys.stderr)
        return 2
    for f in findings:
        print(format_finding(f))
    if findings:
        print(f"共发现 {len(findings)} 处需要核对的地方。")
        return 1
    print("未发现问题。")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


_PERIOD_MONTHS = re.compile(r"((?:19|20)\d{2})年(?:度)?(?:(\d{1,2})(?:月)?(?:至|—|-|～|~)(\d{1,2})月)?")


def document_period(title: str) -> tuple[dt.date, dt.date] | None:
    """The period a report's title names: "2025年度…" → the year, "2026年1至10月…" → those months; None
    when the title names no year (the checker then asks for one instead of guessing this year)."""
    m = _PERIOD_MONTHS.search(title)
    if m is None:
        return None
    year = int(m.group(1))
    if m.group(2) and m.group(3) and 1 <= int(m.group(2)) <= int(m.group(3)) <= 12:
        last = int(m.group(3))
        end = dt.date(year + (last == 12), last % 12 + 1, 1) - dt.timedelta(days=1)
        return dt.date(year, int(m.group(2)), 1), end
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
