"""A report as plain data, and the template context made from it.

The model is deliberately small: headings (auto-numbered 一、→（一）→ 1. →（1）), paragraphs, tables. What
a template sees is plain dicts and strings, so users can write Jinja tags in Word without knowing Python.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from paperwork.write.title import title_lines

GENRES: dict[str, str] = {
    "responsibility": "落实党风廉政建设责任制情况报告",
    "personal": "述责述廉报告",
    "rectification": "巡察整改情况通报",
    "summary": "工作总结及下年计划",
    "bulletin": "新闻宣传通报",
    "integrity": "党风廉政意见回复",
}

HeadingLevel = Literal[1, 2, 3, 4]


@dataclass(frozen=True)
class FigureRef:
    """Marks where a counted figure (``key``, e.g. "activity:study:count") sits in a paragraph's text."""

    key: str
    text: str


@dataclass(frozen=True)
class Heading:
    level: HeadingLevel
    text: str
    marker: str = ""  # empty: numbered automatically, restarting under each parent

    def __post_init__(self) -> None:
        if self.level not in (1, 2, 3, 4):
            raise ValueError(f"标题层级只能是 1 到 4，收到 {self.level}")


@dataclass(frozen=True)
class Paragraph:
    text: str
    figures: tuple[FigureRef, ...] = ()

    def __post_init__(self) -> None:
        for ref in self.figures:
            if ref.text not in self.text:
                raise ValueError(f"数字“{ref.text}”（{ref.key}）不在段落中：{self.text[:30]}")


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    title: str = ""


Block = Heading | Paragraph | Table


@dataclass(frozen=True)
class Report:
    title: str
    genre: str
    issuer: str  # 落款单位 (or the person, for 述责述廉)
    date: dt.date
    recipient: str = ""  # 主送机关, e.g. "县委："
    blocks: list[Block] = field(default_factory=list)
    subtitle: str = ""
    contact: str = ""  # 联系方式, one item a line

    def __post_init__(self) -> None:
        if self.genre not in GENRES:
            raise ValueError(f"未知的报告类型“{self.genre}”，应为：{'、'.join(GENRES)}")

    def figure_refs(self) -> list[tuple[int, FigureRef]]:
        """Every tagged figure with the index of the block it sits in (for the traceability view)."""
        return [(i, ref) for i, b in enumerate(self.blocks) if isinstance(b, Paragraph) for ref in b.figures]


# -- numbering -------------------------------------------------------------------------------------------
_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (the way headings are numbered)."""
    if not 0 < n < 1000:
        raise ValueError(f"序号 {n} 超出 1–999")
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = f"{_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    if ones:
        out += _DIGITS[ones]
    return out


def heading_marker(level: int, n: int) -> str:
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


def number_headings(blocks: list[Block]) -> list[str]:
    """The marker of each block ("" for non-headings); counters restart under each new parent."""
    counters = [0, 0, 0, 0]
    markers: list[str] = []
    for block in blocks:
        if not isinstance(block, Heading):
            markers.append("")
            continue
        i = block.level - 1
        counters[i] += 1
        counters[i + 1 :] = [0] * (3 - i)
        markers.append(block.marker or heading_marker(block.level, counters[i]))
    return markers


# -- cleaning and context --------------------------------------------------------------------------------
# characters XML 1.0 cannot hold, plus the ones docxtpl turns into paragraphs and page breaks (\a, \f)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def clean(text: str) -> str:
    """Text safe for a Word run: no control characters; CRLF and CR become line breaks."""
    return _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def paragraph_lines(text: str) -> list[str]:
    """A paragraph's text split into the paragraphs Word will show (blank lines and indent spaces dropped)."""
    return [line.strip() for line in clean(text).split("\n") if line.strip()]


def date_text(d: dt.date) -> str:
    """成文日期 in Arabic numerals without leading zeros, as GB/T 9704-2012 §7.3.5 asks."""
    return f"{d.year}年{d.month}月{d.day}日"


# The template vocabulary: the context's names and a block's keys (sandbox.py allows these and no others).
CONTEXT_NAMES = ("title", "subtitle", "recipient", "issuer", "date", "year", "genre", "genre_name",
                 "contact_lines", "blocks")
BLOCK_KEYS = ("kind", "text", "marker", "title", "header", "rows")


def _block_dict(
    kind: str,
    text: str = "",
    marker: str = "",
    title: str = "",
    header: list[str] | None = None,
    rows: list[list[str]] | None = None,
) -> dict[str, object]:
    # every block carries every key so a template testing ``b.title`` never hits an undefined name
    return {
        "kind": kind,
        "text": text,
        "marker": marker,
        "title": title,
        "header": header or [],
        "rows": rows or [],
    }


def report_context(report: Report) -> dict[str, object]:
    """The Jinja context for a report; its keys are the template's vocabulary (see templates.py)."""
    blocks: list[dict[str, object]] = []
    for block, marker in zip(report.blocks, number_headings(report.blocks), strict=True):
        if isinstance(block, Heading):
            blocks.append(_block_dict(f"h{block.level}", clean(block.text), marker=clean(marker)))
        elif isinstance(block, Paragraph):
            blocks.extend(_block_dict("p", line) for line in paragraph_lines(block.text))
        else:
            width = max([len(block.header), *(len(r) for r in block.rows)], default=0)
            if width == 0:
                continue
            header = [clean(c) for c in block.header]
            # pad ragged rows: a row with fewer cells than the grid is invalid for Word
            header += [""] * (width - len(header)) if header else []
            rows = [[clean(c) for c in r] + [""] * (width - len(r)) for r in block.rows]
            blocks.append(_block_dict("table", title=clean(block.title), header=header, rows=rows))
    return {
        "genre": report.genre,
        "genre_name": GENRES[report.genre],
        "title": "\n".join(title_lines(clean(report.title))),  # docxtpl draws "\n" as a line break
        "subtitle": clean(report.subtitle),
        "recipient": clean(report.recipient),
        "blocks": blocks,
        "issuer": clean(report.issuer),
        "date": date_text(report.date),
        "year": report.date.year,
        "contact_lines": paragraph_lines(report.contact),
    }
