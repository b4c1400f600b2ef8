"""The findings list: claims that disagree with the records, copied text, late-entry rushes — one row each,
exportable (.xlsx, .docx) and each one click from a 督办 (services.finding_order_issue)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from qinglian.org.models import Unit
from qinglian.oversight import claims, late, similar
from qinglian.oversight.models import FindingOrder

KIND_LABELS = {"claims": "报告数字与记录不符", "similar": "报告雷同", "late": "集中补录"}
HEADER = ["序号", "类别", "单位", "报告或月份", "情况", "程度", "督办"]


@dataclass
class Finding:
    key: str
    kind: str
    unit: Unit
    title: str
    detail: str
    score: float  # claims: the gap; similar: the similarity; late: records entered late
    url: str
    order_id: int | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def _claims(user: Any, root: Unit, year: int) -> list[Finding]:
    out = []
    for report in claims.claim_reports(user, root, year):
        if not report.flagged:
            continue
        parts = "；".join(f"“{r.text}”，记录为{r.counted}{r.counting_unit}（{r.name}）" for r in report.flagged[:6])
        u = report.upload
        out.append(Finding(report.key, "claims", u.unit, u.title, f"报告写{parts}", report.gap,
                           reverse("oversight:claim", args=[u.pk])))
    return out


def _similar(user: Any, root: Unit, year: int) -> list[Finding]:
    out = []
    for pair in similar.similar_pairs(root, within=root):
        if pair.b.year != year:
            continue
        how = "同一单位（或同一人）不同年度的报告" if pair.same_owner else f"与{pair.a.unit.name}的报告"
        text = f"《{pair.b.title}》{how}《{pair.a.title}》（{pair.a.year}年）去掉套话和生成器原文后相似度为{pair.similarity:.0%}"
        first = pair.passages(1)
        if first:
            text += f"，相同段落如“{first[0][:40]}”"
        out.append(Finding(pair.key, "similar", pair.b.unit, pair.b.title, text, pair.similarity,
                           reverse("oversight:pair", args=[pair.a.ref, pair.b.ref])))
    return out


def _late(user: Any, root: Unit, year: int) -> list[Finding]:
    out = []
    for c in late.rushes(late.late_cells(user, root, year)):
        since = f"，最早的记录是{c.oldest:%Y年%-m月%-d日}的活动" if c.oldest else ""
        out.append(Finding(c.key + f":{year}", "late", c.unit, f"{year}年{c.month}月",
                           f"{year}年{c.month}月录入纪实记录{c.entered}条，其中补录{c.late}条（{c.share:.0%}）{since}",
                           c.late, reverse("oversight:late") + f"?unit={c.unit.pk}&year={year}"))
    return out


def findings(user: Any, root: Unit, year: int) -> list[Finding]:
    found = _claims(user, root, year) + _similar(user, root, year) + _late(user, root, year)
    orders = dict(FindingOrder.objects.filter(key__in=[f.key for f in found]).values_list("key", "order_id"))
    for f in found:
        f.order_id = orders.get(f.key)
    return found


def find(user: Any, root: Unit, year: int, key: str) -> Finding | None:
    return next((f for f in findings(user, root, year) if f.key == key), None)


def table(found: list[Finding]) -> list[list[Any]]:
    def degree(f: Finding) -> str:
        if f.kind == "claims":
            return f"相差{int(f.score)}"
        if f.kind == "similar":
            return f"{f.score:.0%}"
        return f"补录{int(f.score)}条"

    return [[i, f.kind_label, f.unit.full_name, f.title, f.detail, degree(f), "已督办" if f.order_id else ""]
            for i, f in enumerate(found, 1)]


def docx_bytes(found: list[Finding], root: Unit, year: int, today: dt.date) -> bytes:
    """The findings as a Word document: a title, one sentence of totals, the table."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "仿宋_GB2312"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    doc.add_heading(f"{root.name}{year}年监督发现问题清单", level=1)
    counts = {k: sum(1 for f in found if f.kind == k) for k in KIND_LABELS}
    doc.add_paragraph(f"截至{today:%Y年%-m月%-d日}，共发现问题{len(found)}个，其中"
                      + "，".join(f"{label}{counts[k]}个" for k, label in KIND_LABELS.items()) + "。")
    rows = table(found)
    grid = doc.add_table(rows=1, cols=len(HEADER))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for row in rows:
        for cell, value in zip(grid.add_row().cells, row, strict=True):
            cell.text = str(value)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
