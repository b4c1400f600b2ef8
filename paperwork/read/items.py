"""In-paragraph enumerations: 一是…二是…三是…, 一要…二要…, 第一，…第二，…, 首先…其次…最后….

Reports list measures, problems and plans this way inside one paragraph (or across a few). An
enumeration only counts when its markers come in order (一 then 二 …), each at a clause boundary, so
"统一是" or "唯一要" inside a sentence never split anything.
"""

from __future__ import annotations

import re

_CN = "一二三四五六七八九十"
_BOUNDARY = "。；;：:，,！？!?\n ”）)"
_ORDINAL_WORDS = ("", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三",
                  "十四", "十五", "十六", "十七", "十八", "十九", "二十")
_SEQUENCE_MARKER = re.compile(r"(?P<n>[" + _CN + r"]{1,3})(?P<k>是|要|方面[，,]|则|来)")
_ORDINAL_MARKER = re.compile(r"第(?P<n>[" + _CN + r"]{1,3})[，,、：:]")
_FIRST_NEXT = re.compile(r"(?P<w>首先|其次|再次|再者|最后)[，,：:]?")
_SENTENCE_END = re.compile(r"[。！？!?；;]")


def _at_boundary(text: str, pos: int) -> bool:
    return pos == 0 or text[pos - 1] in _BOUNDARY


def _ordered_hits(text: str, pattern: re.Pattern[str], kind_group: str | None) -> list[tuple[int, int]]:
    """Marker spans (start, end) forming 一, 二, 三 … in order, all of one kind (是/要 …)."""
    hits: list[tuple[int, int]] = []
    expected = 1
    kind: str | None = None
    for m in pattern.finditer(text):
        if not _at_boundary(text, m.start()):
            continue
        n = m.group("n")
        k = m.group(kind_group) if kind_group else ""
        if expected < len(_ORDINAL_WORDS) and n == _ORDINAL_WORDS[expected] and (kind is None or k == kind):
            hits.append((m.start(), m.end()))
            kind = k
            expected += 1
    return hits


def split_enumeration(text: str) -> tuple[str, list[str]]:
    """(preamble, items). Items keep their full text, markers removed; [] if no enumeration."""
    hits = _ordered_hits(text, _SEQUENCE_MARKER, "k")
    if len(hits) < 2:
        hits = _ordered_hits(text, _ORDINAL_MARKER, None)
    if len(hits) < 2:
        hits = [(m.start(), m.end()) for m in _FIRST_NEXT.finditer(text) if _at_boundary(text, m.start())]
        words = [text[s:e] for s, e in hits]
        if len(hits) < 2 or not words[0].startswith("首先"):
            return text, []
    items: list[str] = []
    for i, (_, end) in enumerate(hits):
        stop = hits[i + 1][0] if i + 1 < len(hits) else len(text)
        item = text[end:stop].strip().rstrip("；;，,。\n ").strip()
        if item:
            items.append(item)
    return text[: hits[0][0]].strip(), items


def first_sentence(text: str) -> str:
    m = _SENTENCE_END.search(text)
    return (text[: m.start()] if m else text).strip()


def sentences(text: str) -> list[str]:
    """Sentences, and each line its own: a list set one item a line ends each item with its line."""
    return [s.strip() for s in re.split(r"[。！？!?\n]", text) if s.strip()]
