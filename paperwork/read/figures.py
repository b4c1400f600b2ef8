"""Counted figures: a number (or a placeholder for one) followed by a counting unit.

"集中学习14次", "《舆情提示函》34期", "60余人次", "1.2万人次", "98.5%", "廉政党课*次", "XX名干部", "x次".
A figure is an Arabic number or a placeholder: "两次", "三个月" and the genre's fixed formulas ("三会一课",
"四种形态", "八项规定") are words, not counts. Dates have no counting unit (年/月/日 are not in the list) so
they fall out by construction; ordinals are rejected by "第"; name masks ("**省", "XX市") have none either.
"""

from __future__ import annotations

import re

from .model import Figure

# Longest first so "人次" wins over "人" and "个月" over "个".
COUNTING_UNITS: tuple[str, ...] = tuple(sorted(
    (
        "次", "人次", "场次", "篇次", "批次", "期", "场", "篇", "条", "人", "件", "份", "项", "个", "个月",
        "名", "批", "家", "万元", "亿元", "万人次", "万人", "元", "天", "课时", "小时", "轮", "部", "处",
        "册", "户", "袋", "本", "台", "套", "所", "座", "幅", "张", "首", "位", "例", "起", "笔", "封",
        "节", "堂", "类", "组", "辆", "周", "支", "学时", "个次", "户次", "件次", "台次", "卷", "宗", "亩",
        "公里", "平方米", "吨", "票", "间", "枚", "集", "部次", "家次", "分", "字", "万字", "分钟",
        "页", "卷次", "美元",
    ),
    key=len,
    reverse=True,
))
_UNIT_ALT = "|".join(COUNTING_UNITS)

# Placeholders people leave for a number: *, **, X, XX, x, ××, __ (a blank to fill in).
# A decimal left open is a placeholder too: "XX.X万元".
_PLACEHOLDER = r"[*＊]{1,6}|[XＸxｘ]{1,4}(?:\.[XＸxｘ]{1,2})?|×{1,4}|_{2,8}|＿{1,6}"
# Only Arabic numbers are counts: "两次", "三个月", "四种形态" are words of the text, not figures.
_FIGURE = re.compile(
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|" + _PLACEHOLDER + r")"
    r"(?P<mod>余|多|来)?(?P<mag>万|亿)?(?P<mod2>余|多)?"
    r"(?P<unit>%|％|个百分点|" + _UNIT_ALT + r")"
    r"(?P<alt>[（(](?:次|条|篇|人次|场|个|件)[）)])?"
)
# Words that begin with a unit character but are not that unit: "台账", "项目", "部门", "元旦" …
_UNIT_FALSE_FRIENDS = re.compile(
    r"^(?:台[账阶风湾]|项目|部[门署分长]|元[旦素]|次[日要序数]|期[间限望待刊]|场[所地馆景]|处[理置分长室]"
    r"|条[例款件规]|名[单称义额]|家[庭属长风乡]|户[口籍外型]|批[示准复评]|天[然下地津气]|所[在有属谓以]"
    r"|张[贴]|位[置于]|起[草来到始]|本[人单级地部]|组[织成建长]|节[点约日]|首[要先都]|类[型别似]|笔[记]"
    r"|周[年边密期]|份[额子]|套[餐]|堂[课]|座[谈]|件[事]|支[持部出付撑援柱书]|卷[入]|宗[旨教]|间[隔断接]"
    r"|票[据]|集[中体团合成聚]|分[析别管类享工层级批期解布配散子局会队组成值数担类段辨]|字[号体样母]"
    r"|万字[号]|页[面码眉脚])"
)
# After "次", a plenum or congress: "二次全会" is an ordinal, not a count.
_ORDINAL_AFTER = re.compile(r"^(?:全会|会议精神|党代会|代表大会)")
# "八小时之外" (off-duty hours), "24小时以内": a limit or a time of day, not a count.
_NOT_COUNT_AFTER = re.compile(r"^(?:之外|以外|之内|以内|之后|以后|制)")
_STOP = set("，。；：、,.;:！？!?（）()[]【】\n\t 　")
_CUT_AFTER = re.compile(r"(?:了|共|累计|对|向|在|为|并|先后|组织|开展|召开|举办)")
_MAX_SPAN = 16


def is_placeholder(number: str) -> bool:
    return bool(number) and all(c in "*＊XＸxｘ×_＿." for c in number) and number[0] != "."


def _inside(paragraph: str, pos: int, open_: str, close: str) -> bool:
    before = paragraph[:pos]
    return before.count(open_) > before.count(close)


def _span_start(paragraph: str, start: int, floor: int) -> int:
    """Walk back from the number over the noun phrase that says what was counted."""
    i = start
    while i > floor:
        ch = paragraph[i - 1]
        if ch in "》”":  # include a quoted or titled name: "《舆情提示函》34期", "“主题党日”活动10次"
            opener = "《" if ch == "》" else "“"
            j = paragraph.rfind(opener, floor, i - 1)
            if j < 0:
                break
            i = j
            continue
        if ch in _STOP or ch in "“《‘’":
            break
        i -= 1
    if start - i > _MAX_SPAN:
        window = paragraph[i:start]
        cut = i
        for m in _CUT_AFTER.finditer(window):
            if start - (i + m.end()) <= _MAX_SPAN and start - (i + m.end()) >= 2:
                cut = i + m.end()
                break
        i = cut if cut != i else start - _MAX_SPAN
    return i


def _accept(paragraph: str, m: re.Match[str]) -> bool:
    num, unit = m.group("num"), m.group("unit")
    start, end = m.start("num"), m.end()
    before = paragraph[start - 1] if start > 0 else ""
    after = paragraph[end:end + 4]
    unit_tail = paragraph[m.start("unit"):m.start("unit") + 2 + len(unit)]
    if _UNIT_FALSE_FRIENDS.match(unit_tail):
        return False
    if unit == "次" and _ORDINAL_AFTER.match(after):
        return False
    if _NOT_COUNT_AFTER.match(after):
        return False
    if unit == "分" and before in "时点:：":  # 9时30分: a time of day
        return False
    if before == "第" or (before in " \t" and paragraph[max(0, start - 2):start - 1] == "第"):
        return False
    if _inside(paragraph, start, "《", "》"):  # part of a document title: 《…五项制度》
        return False
    if num[0].isdigit():  # not "1920×1080", "0571-8888", "5G": a number after a letter, sign or times
        return not (before and ((before.isascii() and (before.isalnum() or before in ".-/+_:#")) or before in "×*"))
    if num[0] in "XＸxｘ":
        nxt = paragraph[m.end("num"):m.end("num") + 1]
        if (before.isascii() and before.isalnum()) or (nxt.isascii() and nxt.isalpha()):
            return False
        return not (num[0] in "xｘ" and before == "0")  # 0x1F
    if num[0] == "×":
        return not before.isdigit()  # 3×4: multiplication
    if num[0] in "_＿":
        return not (before.isascii() and before.isalnum())
    return True


def _unit_of(m: re.Match[str]) -> str:
    unit = m.group("unit").replace("％", "%")
    mag = m.group("mag") or ""
    if mag and not unit.startswith(mag):
        return mag + unit
    return unit


def find_figures(paragraphs: list[str]) -> list[Figure]:
    figures: list[Figure] = []
    for index, paragraph in enumerate(paragraphs):
        floor = 0
        for m in _FIGURE.finditer(paragraph):
            if not _accept(paragraph, m):
                continue
            num_start = m.start("num")
            begin = _span_start(paragraph, num_start, floor)
            # Keep "近/约/共" that qualify the number inside the span; they already are (walked over).
            end = m.end()
            number = m.group("num")
            figures.append(Figure(
                text=paragraph[begin:end],
                number=number,
                counting_unit=_unit_of(m),
                placeholder=is_placeholder(number),
                paragraph=index,
                start=begin,
                end=end,
            ))
            floor = end
    return figures
