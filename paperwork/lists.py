"""Numbered lists written inside one cell or paragraph: "1.…；2.…", "1、…2、…", "（1）…（2）…", "①…②…",
"一是…二是…" (the report reader's paperwork.read.items knows more ways of enumerating within prose; a cell
is stricter: the whole text must be the list).

A ledger's measure cell often holds several measures this way. `numbered_parts` says how the text would
split, and only when the split is certain: the text starts with the first marker, the markers come in order
(1 then 2 …, all of one style), each at a clause boundary, so "2021.10" or "3.5万元" never split anything and
no words before the first marker are lost.
"""

from __future__ import annotations

import re

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CN = "一二三四五六七八九十"
_BOUNDARY = "。；;：:，,！？!?\n\t ”）)"
# (pattern, whether a marker must follow a clause boundary); group "n" is the number as written. "1." may
# sit inside words ("第1.2条"); "（1）" and "①" are markers wherever they stand
_STYLES = (
    (re.compile(r"[（(]\s*(?P<n>\d{1,2})\s*[)）]\s*[、.．]?"), False),
    (re.compile(r"(?<![\d.．])(?P<n>\d{1,2})\s*[.．、](?![\d.．])"), True),
    (re.compile(f"(?P<n>[{_CIRCLED}])\\s*[、.．]?"), False),
    (re.compile(f"(?P<n>[{_CN}]{{1,2}})是"), True),
)


def _number(text: str) -> int:
    if text in _CIRCLED:
        return _CIRCLED.index(text) + 1
    if text.isdigit():
        return int(text)
    tens, _, ones = text.rpartition("十") if "十" in text else ("", "", text)
    value = (_CN.index(tens) + 1 if tens else 1) * 10 if "十" in text else 0
    return value + (_CN.index(ones) + 1 if ones else 0)


def _hits(text: str, pattern: re.Pattern[str], boundary: bool) -> list[tuple[int, int]]:
    hits: list[tuple[int, int]] = []
    for m in pattern.finditer(text):
        at_boundary = m.start() == 0 or text[m.start() - 1] in _BOUNDARY
        if _number(m["n"]) == len(hits) + 1 and (at_boundary or not boundary):
            hits.append((m.start(), m.end()))
    return hits


def numbered_parts(text: str) -> list[str]:
    """The items of a numbered list that makes up all of `text`, markers and trailing separators removed;
    [] when the text is not such a list (fewer than two items, or words before the first marker)."""
    text = text.strip()
    for pattern, boundary in _STYLES:
        hits = _hits(text, pattern, boundary)
        if len(hits) >= 2 and hits[0][0] == 0:
            parts = []
            for i, (_, end) in enumerate(hits):
                stop = hits[i + 1][0] if i + 1 < len(hits) else len(text)
                parts.append(text[end:stop].strip().rstrip("；;，,\n ").strip())
            return parts if all(parts) else []
    return []
