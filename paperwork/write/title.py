"""Breaking a long title into lines at word boundaries (GB/T 9704-2012 §7.3.3: 回行时词意完整，排列对称，
使用梯形或菱形), instead of letting the renderer cut "责任/制" wherever the line is full.

Chinese has no spaces, so the places a title may break are found by its grammar: after “的” or “年”, before
“关于”, before the words official titles are made of (落实, 情况报告, 工作总结 …), after a unit's name. Of the
ways to break at those places into the fewest lines that fit, the most even one is chosen, the upper line
not longer than the lower (正梯形) when two are as even.
"""

from __future__ import annotations

import itertools
import re

# 2号 (22 pt) in the 156 mm text block: 20 full-width characters a line
TITLE_LINE_CHARS = 20.0
# words a line may start with (so a break may fall just before them)
_WORDS = (
    "关于", "落实", "全面从严治党", "党风廉政建设", "主体责任", "责任制", "情况", "报告", "工作", "总结", "计划",
    "整改", "巡察", "巡视", "审计", "反馈", "意见", "进展", "通报", "公开", "述责述廉", "新闻宣传", "专项",
)
_UNIT_END = re.compile(r"(?:部|局|委|组|办|院|室|所|站|中心|党组|党委|支部|政府|县|市|镇|乡)$")
_WORD_START = re.compile("|".join(map(re.escape, _WORDS)))


def _width(text: str) -> float:
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


# a break after a phrase (…的 / …年 / before 关于) keeps the sense of both lines; one before a word only keeps
# the word whole, so it costs as much as this many characters of unevenness
WEAK_BREAK_COST = 5.0


def _breaks(title: str) -> dict[int, float]:
    """Positions (0 < i < len) before which a line may start, with what breaking there costs."""
    found: dict[int, float] = {}
    for i in range(1, len(title)):
        before, rest = title[:i], title[i:]
        if (before.endswith("的") or rest.startswith("关于")
                or (re.search(r"[\d〇一二三四五六七八九十]年度?$", before) and not rest.startswith("度"))):
            found[i] = 0.0
        elif _WORD_START.match(rest) and (_UNIT_END.search(before) or before.endswith(_WORDS)
                                          or re.search(r"[\d年度）)]$", before)):
            found[i] = WEAK_BREAK_COST
    return found


def title_lines(title: str, max_chars: float = TITLE_LINE_CHARS) -> list[str]:
    """The title's lines: one when it fits; else the fewest lines that fit, broken at word boundaries and
    as even as possible. A title with no usable boundary is cut at the line width (as the renderer would)."""
    if _width(title) <= max_chars:
        return [title]
    points = _breaks(title)
    for count in range(2, 5):
        best: tuple[tuple[float, float], list[str]] | None = None
        for cut in itertools.combinations(points, count - 1):
            lines = [title[a:b] for a, b in itertools.pairwise((0, *cut, len(title)))]
            widths = [_width(line) for line in lines]
            if max(widths) > max_chars:
                continue
            # sense and evenness first; then an upper line no longer than the one below it (梯形)
            score = (max(widths) - min(widths) + sum(points[i] for i in cut),
                     sum(max(0.0, a - b) for a, b in itertools.pairwise(widths)))
            if best is None or score < best[0]:
                best = (score, lines)
        if best is not None:
            return best[1]
    lines, line = [], ""
    for ch in title:
        if _width(line + ch) > max_chars:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line]
