"""`qinglian check FILE --unit …` and the upload page: the pure findings of paperwork.check, plus figures
that disagree with the records of a unit and period.

A figure read from the document ("中心组学习14次") is matched to the statistics engine's kinds by name: the
longest kind name (or alias) found in the words before the number, with the same counting unit. "3个方面12项
具体问题" is compared with the ledger's aspects and problems. Figures that match no kind are not judged.

A figure that stands in text the unit's ledger read from an imported report ("集中学习会议17次" of a measure
imported from a 2021 notice) was never counted: it is flagged as such ("来自导入文本，未经统计") instead of
being compared with the records.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from paperwork.check import Finding, check_text
from paperwork.read import ReadResult
from paperwork.read.outline import chinese_value
from qinglian.stats.registry import Figure

KIND_LABELS = {"placeholder": "占位符", "contradiction": "数字矛盾", "date": "日期", "congress": "会议届次",
               "records": "与记录不符", "imported": "来自导入文本，未经统计"}
IMPORTED_LIMIT = 20000  # imported problems and measures looked at (a county imports a few hundred)
_CONTEXT = 6  # characters before an imported figure that must stand before it in the document too
_CLAUSE_STOP = re.compile(r"[。；;！？!?，,：:、\n]")

# Other ways reports name what a kind counts (the kind's own name, and each part of "党组会（部务会）", always count).
ALIASES: dict[str, tuple[str, ...]] = {
    "activity.party_group_meeting": ("党组会议", "部务会议", "党组会", "部务会"),
    "activity.central_group_study": ("理论学习中心组学习", "中心组集中学习"),
    "activity.study_class": ("读书班",),
    "activity.integrity_lecture": ("廉政党课",),
    "activity.party_lecture": ("专题党课", "讲党课"),
    "activity.admonition_talk": ("约谈",),
    "activity.integrity_reminder_talk": ("提醒谈话",),
    "activity.warning_film": ("警示片", "警示教育片"),
    "activity.education_base_visit": ("教育基地",),
    "activity.court_hearing": ("旁听庭审",),
    "activity.inspection": ("监督检查",),
    "activity.integrity_sms": ("提醒短信",),
    "activity.rules_made": ("管理制度", "内部管理制度"),
    "activity.integrity_certificate": ("廉洁自律证明",),
    "risk.points": ("廉政风险点",),
    "ledger.measures": ("整改措施",),
    "ledger.done": ("已完成",),
    "ledger.long_term": ("长期坚持",),
    "ledger.in_progress": ("正在推进", "推进中"),
    "ledger.not_started": ("尚未启动", "未启动"),
    "ledger.closed": ("销号的问题", "已销号"),
    "publicity.central": ("中央级媒体", "央媒", "中央媒体"),
    "publicity.provincial": ("省级媒体", "省媒"),
    "publicity.city": ("市州级媒体", "州媒", "市级媒体", "市媒"),
    "publicity.county": ("县级媒体",),
    "opinion.alert_letters": ("舆情提示函",),
    "opinion.digests": ("网上舆情",),
    "review.drafts_signed": ("三审签发", "经三审"),
}
_ASPECTS_PROBLEMS = re.compile(r"(?P<a>\d+)\s*个方面\s*(?P<p>\d+)\s*(?:项|条|个)(?:具体)?问题")


def _names(f: Figure) -> list[str]:
    kind = f.kind.removeprefix("person.")
    names = {f.name, *ALIASES.get(kind, ())}
    for part in re.split(r"[（）()]", f.name):
        names.add(part)
    return [n for n in names if len(n) >= 2]


def _value(number: str) -> int | None:
    if number.isdigit():
        return int(number)
    try:
        return chinese_value(number) or None
    except (KeyError, ValueError):
        return None


def match_kind(text: str, number: str, counting_unit: str, figures: Iterable[Figure]) -> Figure | None:
    """The engine figure a read figure ("县委中心组学习14次") speaks of, or None."""
    prefix = text[: text.rfind(number)] if number in text else text
    best: tuple[int, Figure] | None = None
    for f in figures:
        if f.counting_unit != counting_unit:
            continue
        for name in _names(f):
            if name in prefix and (best is None or len(name) > best[0]):
                best = (len(name), f)
    return best[1] if best else None


@dataclass(frozen=True)
class ImportedText:
    """A problem's or a measure's text the ledger read from an imported report."""

    text: str
    origin: str  # the report's file name
    what: str  # 整改措施 / 问题


def imported_texts(*, unit: Any, date_to: dt.date) -> list[ImportedText]:
    """The imported texts of the unit subtree's sources fed back by `date_to`: what a report for a period
    ending then may reuse (reports.selectors.open_items, ledger_sources)."""
    from django.db.models import Q

    from qinglian.ledger.models import Measure, Problem, TextOrigin, fed_back_by_q
    from qinglian.org.scoping import subtree_q

    rule = subtree_q(unit) & fed_back_by_q(date_to) & Q(origin=TextOrigin.IMPORTED)
    out = [ImportedText(text, origin, "整改措施")
           for text, origin in Measure.objects.filter(rule).values_list("text", "origin_document")[:IMPORTED_LIMIT]]
    out += [ImportedText(text, origin, "问题")
            for text, origin in Problem.objects.filter(rule).values_list("text", "origin_document")[:IMPORTED_LIMIT]]
    return out


def _windows(texts: Iterable[ImportedText]) -> dict[str, list[tuple[str, ImportedText]]]:
    """Figure text → (the figure with up to _CONTEXT characters of its clause before it, whose text)."""
    from paperwork.read.figures import find_figures

    out: dict[str, list[tuple[str, ImportedText]]] = {}
    for item in texts:
        text = re.sub(r"\s+", "", item.text)
        for f in find_figures([text]):
            if f.placeholder:
                continue
            clause = max((m.end() for m in _CLAUSE_STOP.finditer(text, 0, f.start)), default=0)
            out.setdefault(f.text, []).append((text[max(clause, f.start - _CONTEXT):f.end], item))
    return out


def imported_findings(result: ReadResult, texts: list[ImportedText]) -> tuple[list[Finding], set[tuple[int, int]]]:
    """Figures of the document that stand in imported text (with its words around them), and their places
    (paragraph, start) so the records comparison leaves them alone."""
    windows = _windows(texts)
    out: list[Finding] = []
    places: set[tuple[int, int]] = set()
    for fig in result.figures:
        paragraph = re.sub(r"\s+", "", result.paragraphs[fig.paragraph]) if fig.paragraph < len(result.paragraphs) else ""
        item = next((it for window, it in windows.get(fig.text, []) if window in paragraph), None)
        if item is None:
            continue
        places.add((fig.paragraph, fig.start))
        origin = f"导入的“{item.origin}”中" if item.origin else "导入的报告中"
        out.append(Finding("imported", fig.paragraph, fig.text,
                           f"“{fig.text}”是从{origin}读入台账的{item.what}原文，未经统计，不是由记录得出的数字。"
                           f"请核实后修改或删除；也可在整改台账中修改该{item.what}的文字后重新生成报告。"))
    return out, places


def compare_with_records(result: ReadResult, figures: list[Figure],
                         skip: set[tuple[int, int]] | None = None) -> list[Finding]:
    out: list[Finding] = []
    for fig in result.figures:
        if fig.placeholder or (fig.paragraph, fig.start) in (skip or set()):
            continue
        n = _value(fig.number)
        if n is None:
            continue
        found = match_kind(fig.text, fig.number, fig.counting_unit, figures)
        if found is None:
            continue
        approximate = any(w in fig.text[fig.text.rfind(fig.number):] for w in ("余", "多"))
        if (approximate and found.count >= n) or (not approximate and found.count == n):
            continue
        out.append(Finding("records", fig.paragraph, fig.text,
                           f"报告写 {fig.number}{'余' if approximate else ''} {fig.counting_unit}，"
                           f"记录为 {found.count} {found.counting_unit}（统计项“{found.name}”）。"
                           "请核对数字，或补录缺少的记录。"))
    by_kind = {f.kind.removeprefix("person."): f for f in figures}
    aspects, problems = by_kind.get("ledger.aspects"), by_kind.get("ledger.problems")
    if aspects is not None and problems is not None:
        for i, text in enumerate(result.paragraphs):
            for m in _ASPECTS_PROBLEMS.finditer(text):
                a, p = int(m.group("a")), int(m.group("p"))
                if (a, p) != (aspects.count, problems.count):
                    out.append(Finding("records", i, m.group(0),
                                       f"报告写“{m.group(0)}”，整改台账为{aspects.count}个方面{problems.count}项具体问题。"
                                       "请核对。"))
    return out


def findings_for(result: ReadResult, *, figures: list[Figure] | None = None, year: int | None = None,
                 imported: list[ImportedText] | None = None) -> list[Finding]:
    """`imported`: the unit's imported texts (imported_texts); figures standing in them are flagged, and
    not compared with the records."""
    found = check_text(result, year=year)
    flagged, places = imported_findings(result, imported) if imported else ([], set())
    found += flagged
    if figures is not None:
        found += compare_with_records(result, figures, places)
    found.sort(key=lambda f: f.paragraph)
    return found


def record_figures(*, unit: Any, date_from: dt.date, date_to: dt.date, person: Any = None) -> list[Figure]:
    """The figures a document is compared with: the unit subtree's, or one person's (述责述廉)."""
    if person is not None:
        from qinglian.reports.person import person_figures

        return person_figures(person, date_from, date_to)
    from qinglian.stats import engine

    return engine.figures(unit=unit, date_from=date_from, date_to=date_to)


def format_finding(f: Finding) -> str:
    return f"第{f.paragraph + 1}段 [{KIND_LABELS.get(f.kind, f.kind)}] {f.excerpt}\n    {f.message_zh}"


def read_for_check(data: bytes, filename: str) -> ReadResult:
    """The document as the checker sees it; a text without headings is still checked paragraph by paragraph.
    Raises paperwork.read.ReadError (Chinese message) for a file that cannot be read at all."""
    from paperwork.read import ReadError, analyse
    from paperwork.read.decode import DEFAULT_MAX_BYTES, bytes_to_paragraphs
    from paperwork.read.figures import find_figures

    try:
        paragraphs, kind = bytes_to_paragraphs(data, filename, DEFAULT_MAX_BYTES)
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError("读取文件时发生意外错误。请把文件“另存为” .docx 后重试。") from exc
    try:
        return analyse(paragraphs, kind)
    except ReadError:
        if not paragraphs:
            raise
        return ReadResult(title="", genre=None, outline=[], problems=[], plans=[],
                          figures=find_figures(paragraphs), paragraphs=paragraphs, source=kind)


def unit_named_in(title: str, user: Any) -> Any:
    """The visible unit whose name the report's title carries ("县委宣传部2025年度…"), the longest name when
    several match; None when none does. One query, whatever the size of the tree."""
    from django.db.models import CharField, F, Value
    from django.db.models.functions import Length

    from qinglian.org.scoping import visible_units

    if not title:
        return None
    found = (visible_units(user).annotate(title_text=Value(title[:300], output_field=CharField()))
             .filter(title_text__contains=F("name")).order_by(Length("name").desc(), "path"))
    return found.first()
