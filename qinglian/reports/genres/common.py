"""Pieces every genre builder uses: sentences whose figures come from the data (and vanish with them),
period and date wording, enumerations (一是…二是…), and the current Party congress for the year."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from paperwork.check import CONGRESS_YEAR
from paperwork.read.figures import find_figures
from paperwork.write import FigureRef, Heading, Paragraph, Table
from paperwork.write.model import chinese_number
from qinglian.reports.genres.data import Count, ReportInput


@dataclass(frozen=True)
class FigureTable(Table):
    """A table whose cells may be counted figures: `keys[r][c]` is the figure key of rows[r][c] or ""."""

    keys: list[list[str]] = field(default_factory=list)


# -- text read from an imported report ------------------------------------------------------------------
IMPORTED_NOTE = "来自导入文本，未经统计"


@dataclass(frozen=True)
class ImportedRef:
    """A number inside text read from an imported report ("集中学习会议17次"): typed once by someone, never
    counted from records. A block that reuses such text carries one per number, so the preview can mark it
    and the snapshot keep it."""

    text: str  # the figure as it stands in the block
    origin: str = ""  # the report it was read from


@dataclass(frozen=True)
class MarkedParagraph(Paragraph):
    imported: tuple[ImportedRef, ...] = ()


@dataclass(frozen=True)
class MarkedHeading(Heading):
    imported: tuple[ImportedRef, ...] = ()


def from_import(text: str, item: object) -> list[tuple[str, str]]:
    """[(text, origin)] when `item` (a MeasureItem, ProblemItem, OpenProblem) was read from an imported
    report, else []: `text` is the item's text as the block shows it."""
    return [(text, str(getattr(item, "origin", "")))] if getattr(item, "imported", False) else []


def marked(block: Paragraph | Heading, pieces: Iterable[tuple[str, str]]) -> Paragraph | Heading:
    """The block with the numbers of its imported pieces ((text, origin) as shown in it) marked."""
    refs = tuple(ImportedRef(f.text, origin) for text, origin in pieces for f in find_figures([text])
                 if not f.placeholder and f.text in block.text)
    if not refs:
        return block
    if isinstance(block, Heading):
        return MarkedHeading(block.level, block.text, block.marker, imported=refs)
    return MarkedParagraph(block.text, block.figures, imported=refs)


class Line:
    """A paragraph under construction: literal text and figures, each figure tagged with its key."""

    def __init__(self, text: str = "") -> None:
        self.parts: list[str] = [text] if text else []
        self.refs: list[FigureRef] = []

    def add(self, text: str) -> Line:
        self.parts.append(text)
        return self

    def fig(self, count: Count, label: str = "", suffix: str = "") -> Line:
        """Append "{label}{n}{counting unit}{suffix}", e.g. "中心组学习12次"."""
        text = f"{label}{count.count}{count.counting_unit}{suffix}"
        self.parts.append(text)
        self.refs.append(FigureRef(count.key, text))
        return self

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def paragraph(self) -> Paragraph:
        return Paragraph(self.text, figures=tuple(self.refs))


def present(data: ReportInput, items: Iterable[tuple[str, str]]) -> list[tuple[Count, str]]:
    """(figure, label) for the kinds the engine counted and found non-zero, in the given order."""
    out = []
    for key, label in items:
        found = data.positive(key)
        if found is not None:
            out.append((found, label))
    return out


def listing(data: ReportInput, lead: str, items: Sequence[tuple[str, str]], tail: str = "。",
            sep: str = "，") -> Paragraph | None:
    """"{lead}中心组学习12次，集中学习5次{tail}" with only the figures there are; None if there are none."""
    found = present(data, items)
    if not found:
        return None
    line = Line(lead)
    for i, (count, label) in enumerate(found):
        if i:
            line.add(sep)
        line.fig(count, label)
    return line.add(tail).paragraph()


def sentence(data: ReportInput, items: Sequence[tuple[str, str]], lead: str = "", tail: str = "",
             sep: str = "，") -> tuple[str, list[FigureRef]] | None:
    """Like `listing` but returns (text, refs) to combine into a larger paragraph."""
    para = listing(data, lead, items, tail, sep)
    return (para.text, list(para.figures)) if para else None


def join(pieces: Iterable[tuple[str, list[FigureRef]] | str | None]) -> Paragraph | None:
    """Concatenate literal texts and figure sentences into one paragraph (None pieces are skipped)."""
    text, refs = "", []
    for piece in pieces:
        if piece is None:
            continue
        if isinstance(piece, str):
            text += piece
        else:
            text += piece[0]
            refs.extend(piece[1])
    return Paragraph(text, figures=tuple(refs)) if text else None


_ORDINALS = "一二三四五六七八九十"


def enumerate_zh(items: Sequence[str], verb: str = "是") -> str:
    """一是…。二是…。 (each item's trailing punctuation normalised to a full stop)."""
    out = []
    for i, item in enumerate(items):
        marker = f"{chinese_number(i + 1)}{verb}" if i < 99 else ""
        out.append(f"{marker}{sentence_end(item)}")
    return "".join(out)


def sentence_end(text: str) -> str:
    text = re.sub(r"\s+", "", text.strip()).rstrip("，,；;：:、")
    return text if text.endswith(("。", "！", "？")) else text + "。"


def strip_end(text: str) -> str:
    return re.sub(r"\s+", "", text.strip()).rstrip("。，,；;：:、")


def whole_year(data: ReportInput) -> bool:
    return (data.date_from == dt.date(data.date_from.year, 1, 1)
            and data.date_to == dt.date(data.date_from.year, 12, 31))


def period_label(data: ReportInput) -> str:
    """"2026年度", "2026年1至10月", "2025年3月1日至2026年2月28日"."""
    a, b = data.date_from, data.date_to
    if whole_year(data):
        return f"{a.year}年度"
    if a.year == b.year and a.day == 1:
        last = (b.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        if b == last:
            return f"{a.year}年{a.month}月" if a.month == b.month else f"{a.year}年{a.month}至{b.month}月"
    return f"{a.year}年{a.month}月{a.day}日至{b.year}年{b.month}月{b.day}日"


def period_short(data: ReportInput) -> str:
    """How the body refers to the period: "今年以来", "2026年1至10月"."""
    label = period_label(data)
    return f"{data.date_from.year}年以来" if label.endswith("年度") else label


def report_date(data: ReportInput) -> dt.date:
    """成文日期: today, but never so long after the period that the report contradicts its own year."""
    return min(data.today, dt.date(data.date_to.year + 1, 12, 31))


def congress_phrase(year: int) -> str:
    """The latest Party congress held by `year`: "党的二十大精神" (for the year's guidance sentence)."""
    n = max(k for k, held in CONGRESS_YEAR.items() if held <= year)
    return f"党的{chinese_number(n)}大精神"


def guidance(data: ReportInput) -> str:
    year = data.date_to.year
    return f"坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻{congress_phrase(year)}"


def date_text_short(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def problem_core(text: str, limit: int = 60) -> str:
    """A ledger problem as a noun phrase: "针对“执行财经纪律不严”问题" → "执行财经纪律不严"."""
    core = strip_end(text)
    core = re.sub(r"^(?:针对|关于)", "", core)
    core = re.sub(r"(?:的)?问题$", "", core)
    core = core.strip("“”\"")
    return core if len(core) <= limit else core[: limit - 1] + "…"
