"""The official numbering hierarchy 一、 → （一） → 1. → （1）, as people really type it.

Also 第一部分 (level 1, a sequence of its own above 一、) and 一） (level 2, a （一） missing its bracket).

A marker at the start of a paragraph is only a candidate. What makes it a heading is that it
continues a sequence: "二、" after "一、", "（三）" after "（二）", "1." again after a new "（二）".
That rejects most false hits (a paragraph that happens to start with "5、" or a stray "三、")
without a list of exceptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import OutlineItem

_CN_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}

# Order matters: parenthesised forms first so "（一）" is never read as level 1.
_MARKER = re.compile(
    r"""^\s*(?:
      (?P<l2>[（(]\s*(?P<n2>[一二三四五六七八九十]{1,3})\s*[）)]\s*[、.．，,]?)
     |(?P<l4>[（(]\s*(?P<n4>\d{1,2})\s*[）)]\s*[、.．，,]?)
     |(?P<l4b>(?P<n4b>\d{1,2})[)）]\s*)
     |(?P<l0>第(?P<n0>[一二三四五六七八九十]{1,3})部分\s*[、.．，,：:]?)
     |(?P<l2b>(?P<n2b>[一二三四五六七八九十]{1,3})[）)]\s*[、.．，,]?)
     |(?P<l1>(?P<n1>[一二三四五六七八九十]{1,3})\s*[、.．，,])
     |(?P<l3>(?P<n3>\d{1,2})\s*(?:[、，,]|[.．](?!\d)))
    )""",
    re.VERBOSE,
)
# A heading that runs into its paragraph ends at the first full stop or colon.
_HEADING_END = re.compile(r"[。！？：:；;]")
# After "1、" a digit means "1、2月份…" or a figure line, not a heading.
_NOT_HEADING_START = re.compile(r"^\s*\d")
_MAX_SHORT_HEADING = 80


def chinese_value(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 九十九 → 99; 0 if it is not a plain numeral."""
    if not text:
        return 0
    if "十" in text:
        head, _, tail = text.partition("十")
        if "十" in tail:
            return 0
        tens = _CN_VALUES.get(head, -1) if head else 1
        ones = _CN_VALUES.get(tail, -1) if tail else 0
        if tens <= 0 or ones < 0:
            return 0
        return tens * 10 + ones
    if len(text) == 1:
        return _CN_VALUES.get(text, 0)
    return 0


@dataclass(frozen=True)
class Candidate:
    level: int
    value: int
    marker: str
    rest: str  # the paragraph after the marker
    rank: int = 0  # the sequence it continues: its level, or 0 for 第一部分 (parts hold level-1 sections)


def match_marker(paragraph: str) -> Candidate | None:
    m = _MARKER.match(paragraph)
    if m is None:
        return None
    marker = m.group(0).strip()
    rest = paragraph[m.end():].strip()
    if m.group("l2"):
        level, value = 2, chinese_value(m.group("n2"))
    elif m.group("l4"):
        level, value = 4, int(m.group("n4"))
    elif m.group("l4b"):
        level, value = 4, int(m.group("n4b"))
    elif m.group("l2b"):  # "一）": a （一） whose opening bracket was not typed
        level, value = 2, chinese_value(m.group("n2b"))
    elif m.group("l0"):
        level, value = 1, chinese_value(m.group("n0"))
    elif m.group("l1"):
        level, value = 1, chinese_value(m.group("n1"))
    else:
        level, value = 3, int(m.group("n3"))
    if value <= 0 or not rest:
        return None
    if level in (3, 4) and _NOT_HEADING_START.match(rest):
        return None
    return Candidate(level, value, marker, rest, 0 if m.group("l0") else level)


def heading_text(rest: str) -> str:
    """The heading proper: up to the first 。/： (a run-in heading), else the whole short line."""
    m = _HEADING_END.search(rest)
    if m is not None:
        return rest[: m.start()].strip()
    if len(rest) > _MAX_SHORT_HEADING:
        # A long unpunctuated paragraph after a marker: keep the first clause as its heading.
        cut = rest.find("，")
        return rest[:cut].strip() if 0 < cut <= _MAX_SHORT_HEADING else rest[:_MAX_SHORT_HEADING]
    return rest.strip()


def heading_body(paragraph: str) -> str:
    """What follows a run-in heading in its paragraph ("" for a standalone heading)."""
    cand = match_marker(paragraph)
    if cand is None:
        return paragraph
    m = _HEADING_END.search(cand.rest)
    return cand.rest[m.end():].strip() if m is not None else ""


def find_outline(paragraphs: list[str]) -> list[OutlineItem]:
    items: list[OutlineItem] = []
    last: dict[int, int] = {}  # level → last accepted value since a higher heading
    for index, paragraph in enumerate(paragraphs):
        cand = match_marker(paragraph)
        if cand is None:
            continue
        prev = last.get(cand.rank, 0)
        # Accept the next number, a restart at 1, or one skipped number (people renumber by hand).
        if not (cand.value == prev + 1 or cand.value == 1 or (prev >= 1 and cand.value == prev + 2)):
            continue
        heading = heading_text(cand.rest)
        if not heading:
            continue
        last[cand.rank] = cand.value
        for deeper in [k for k in last if k > cand.rank]:
            del last[deeper]
        items.append(OutlineItem(cand.level, cand.marker, heading, index, cand.value))
    return items
