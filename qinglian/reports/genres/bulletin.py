"""新闻宣传通报 (seed 000's monthly bulletin): adopted pieces by sub-unit and outlet level, ranked."""

from __future__ import annotations

from paperwork.write import Block, Paragraph, Report
from qinglian.reports.genres.common import FigureTable, Line, period_label, report_date
from qinglian.reports.genres.data import ReportInput


def build(d: ReportInput) -> Report:
    period = period_label(d)
    blocks: list[Block] = []
    total = d.get("publicity.adopted")
    levels = [("publicity.central", "中央级媒体采用"), ("publicity.provincial", "省级媒体采用"),
              ("publicity.city", "市州级媒体采用"), ("publicity.county", "县级媒体采用")]
    line = Line(f"{period}，{d.unit_name}")
    if total is not None and total.count:
        line.fig(total, "各单位在各级媒体采用稿件共")
        parts = [(d.positive(k), label) for k, label in levels]
        parts = [(c, label) for c, label in parts if c is not None]
        if parts:
            line.add("，其中")
            for i, (count, label) in enumerate(parts):
                if i:
                    line.add("、")
                assert count is not None
                line.fig(count, label)
        line.add("。现将各单位采用情况通报如下。")
    else:
        line.add("各单位暂无媒体采用稿件登记。现将各单位采用情况通报如下。")
    blocks.append(line.paragraph())
    ranked = sorted(d.bulletin_rows, key=lambda r: (-r.total, -(r.cells[0].count if r.cells else 0), r.name))
    header = ["排名", "单位", *d.bulletin_levels, "合计"]
    rows, keys = [], []
    for row in ranked:
        rank = 1 + sum(1 for other in ranked if other.total > row.total)
        rows.append([str(rank), row.name, *(str(c.count) for c in row.cells), str(row.total)])
        keys.append(["", "", *(c.key for c in row.cells), ""])
    if rows:
        blocks.append(FigureTable(header=header, rows=rows, title=f"{period}各单位新闻宣传采用情况", keys=keys))
    top = [r.name for r in ranked if r.total > 0][:3]
    if top:
        blocks.append(Paragraph(f"{'、'.join(top)}采用数量位居前列，予以通报表扬。请各单位加强策划、"
                                "多出精品，进一步提升新闻宣传工作质量。"))
    else:
        blocks.append(Paragraph("请各单位加强策划、多出精品，进一步提升新闻宣传工作质量。"))
    return Report(title=f"{d.unit_name}{period}新闻宣传通报", genre="bulletin", issuer=d.unit_name,
                  date=report_date(d), blocks=blocks)
