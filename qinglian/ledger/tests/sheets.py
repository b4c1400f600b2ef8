"""Workbooks the tests build: a ledger in the layout of seed 003 (3 aspects, 12 specific problems), as a
unit would type it (title row, loosely named headers, merged cells, deadlines written every which way)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook

HEADER = ["序号", "存在问题", "整改措施", "责任领导", "责任单位", "责任人", "整改时限（完成时间）", "完成情况"]

# (aspect, [(problem, [sub-problems] or None)])
SEED_003 = [
    ("学习贯彻落实党的路线方针政策和党中央重大决策部署方面", [
        ("关于党中央重大决策部署学习贯彻不到位的问题。", None),
        ("关于主管领域工作推动不力，部门职能履行不到位的问题。", [
            "针对“领导班子还未真正将党的领导贯穿到履行职责的全过程、各环节”问题。",
            "针对“对县委理论学习中心组学习的重要性认识不足，重视不够，有计划不执行”问题。",
            "针对“对网络舆情转办情况跟踪问效不到位”问题。",
        ]),
        ("关于落实意识形态工作责任制有差距的问题。", [
            "针对“领导班子对意识形态工作重要性认识不足，安排部署不到位”问题。",
            "针对“2018年《中国通渭网》发布的65条信息，未执行“三审”制度”问题。",
        ]),
    ]),
    ("落实管党治党政治责任和整治作风问题方面", [
        ("关于履行管党治党政治责任不到位的问题。", None),
        ("单位财务管理不规范，制度执行不严格。", [
            "针对“财务支出审核把关不严，违规报销差旅费问题依然存在”问题。",
            "针对“执行财经纪律不严”问题。",
        ]),
    ]),
    ("党组织建设、党内政治生活和单位管理方面", [
        ("关于党建工作主体责任落实不到位，组织生活不严肃的问题。", [
            "针对“领导班子对开好组织生活会的作用和意义认识不足”问题。",
            "针对“‘三会一课’制度落实不严格”问题。",
        ]),
        ("关于领导班子用制度管人管事意识不强，管理制度更新不及时的问题。", None),
    ]),
]

CN = "一二三四五六七八九十"
DEADLINES: list[Any] = ["2021年9月底", "2021.10.31", "长期坚持", "立行立改", dt.datetime(2021, 10, 20), "2021-10-25"]
SITUATIONS = ["已完成", "推进中", "长期坚持", "已完成：修订制度5项", "", "未启动"]


def seed003_rows(owner: str = "张干事", leader: str = "李副部长", office: str = "新闻宣传股",
                 office_owner: str = "赵股长") -> list[tuple[str, list[Any], list[tuple[int, int]]]]:
    """Rows as (kind, values, vertical merges to make) — kept plain so tests can spoil one cell."""
    rows: list[tuple[str, list[Any], list[tuple[int, int]]]] = []
    n = 0
    for a_index, (aspect, problems) in enumerate(SEED_003):
        rows.append(("aspect", [f"{CN[a_index]}、{aspect}"], []))
        for p_index, (problem, parts) in enumerate(problems, start=1):
            leaves = [(str(p_index), problem)] if parts is None else []
            if parts is not None:
                rows.append(("parent", [str(p_index), problem], []))
                leaves = [(f"（{i}）", part) for i, part in enumerate(parts, start=1)]
            for number, text in leaves:
                for k in range(2):  # two measures a problem: 序号 and 问题 merged over them
                    n += 1
                    who = (leader, "", owner) if n % 2 else ("王部长", office, office_owner)
                    rows.append(("measure" if k else "first", [
                        number, text, f"{'一是' if k == 0 else '二是'}措施{n}：针对{text[:8]}逐项整改。", who[0], who[1],
                        who[2], DEADLINES[n % len(DEADLINES)], SITUATIONS[n % len(SITUATIONS)]], []))
    return rows


def build(rows: list[tuple[str, list[Any], list[tuple[int, int]]]] | None = None, *, header: list[str] = HEADER,
          title: str = "市委第七提级交叉巡察组巡察县委宣传部反馈问题整改台账", extra_sheet: bool = False,
          merge: bool = True) -> bytes:
    rows = seed003_rows() if rows is None else rows
    wb = Workbook()
    ws = wb.active
    ws.title = "整改台账"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    first_of_pair = None
    for kind, values, _ in rows:
        if kind == "measure" and merge and first_of_pair is not None:
            values = [None, None, *values[2:]]  # what a merged cell leaves below its top-left
        ws.append(values)
        r = ws.max_row
        if kind == "aspect":
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(header))
        if kind == "first":
            first_of_pair = r
        elif kind == "measure" and merge and first_of_pair is not None:
            ws.merge_cells(start_row=first_of_pair, start_column=1, end_row=r, end_column=1)
            ws.merge_cells(start_row=first_of_pair, start_column=2, end_row=r, end_column=2)
            first_of_pair = None
    if extra_sheet:
        other = wb.create_sheet("第二张表")
        other.append(["序号", "问题", "整改措施"])
        other.append(["1", "另一个问题", "另一条措施"])
    wb.create_sheet("Sheet3")  # an empty sheet, as WPS leaves them: ignored
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
