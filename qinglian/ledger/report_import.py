"""Importing a Word/txt report (read by `paperwork.read`) into the ledger, and its plans into duties.

The report is turned into preview rows (aspects, problems with their parts, measures, plans) whose
structure comes from the file and whose texts and fields the user may edit. `report_plan` turns the rows
plus the user's edits into the plan `ledger_create_from_plan` accepts and a list of duties;
`report_import` writes both in one transaction. Rows already in the ledger (or duties already in the
chosen list) are matched by text, so importing the same report twice creates nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from paperwork.read import ReadResult, StateReading
from qinglian.ledger.excel import RowError
from qinglian.ledger.imports import PlanResult, ledger_create_from_plan
from qinglian.ledger.models import MeasureStatus, Source, SourceKind
from qinglian.org.models import Unit
from qinglian.org.scoping import may_write_unit

MAIN_ASPECT = "存在的主要问题"
PLAN_PROBLEM = "下步工作计划"
NO_ASPECT = "未分方面"
# Whose words set a measure's state (paperwork.read.states), as the preview says it.
STATE_WHERE = {"measure": "措施原文", "problem": "该问题的整改情况", "group": "上级问题的整改情况", "notice": "通报中"}
KIND_LABELS = {"aspect": "方面", "group": "问题", "problem": "问题", "part": "具体问题", "measure": "整改措施",
               "plan": "工作计划"}
TARGETS = {"skip": "不导入", "measure": "整改措施", "duty": "责任事项"}
DUTY_TEXT_MAX = 300

_ISSUER = re.compile(r"([\u4e00-\u9fff]{2,20}?(?:巡察组|巡视组|督查组|审计组|审计局|审计厅|巡察办|巡视办))")
_KIND_WORDS = (("巡视", SourceKind.TOUR), ("巡察", SourceKind.INSPECTION), ("审计", SourceKind.AUDIT),
               ("督查", SourceKind.SUPERVISION), ("民主生活会", SourceKind.DEMOCRATIC_MEETING))


@dataclass
class Row:
    """One line of the preview. `id` is stable for a given file, so edits posted back find their row."""

    id: str
    number: int  # 序号 shown to the user and used in error messages
    kind: str  # aspect | group | problem | part | measure | plan
    text: str
    parent: str = ""  # the id of the row above (aspect of a problem, problem of a measure)
    status: str = ""  # measures: the 完成状态 the notice states
    status_note: str = ""  # why: "据通报中“已全面完成整改”" ("" when the notice says nothing)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def is_measure(self) -> bool:
        return self.kind == "measure"


@dataclass
class Edit:
    """What the user chose for one row (texts edited, unchecked, people, deadline, where a plan goes)."""

    on: bool = True
    text: str = ""
    status: str = ""
    leader: str = ""
    responsible_unit: str = ""
    owner: str = ""
    deadline_text: str = ""
    target: str = "skip"  # plans: skip | measure | duty
    problem: str = "new"  # plans sent to 整改措施: a problem row id, or "new" (a problem 下步工作计划)
    duty_list: str = ""  # plans sent to 责任事项: a DutyList pk
    frequency: str = ""


@dataclass
class ReportOutcome:
    plan: list[dict[str, Any]] = field(default_factory=list)
    duties: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ledger: PlanResult | None = None
    duties_created: int = 0
    duties_existing: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        r = self.ledger
        return {"aspects": r.aspects if r else 0, "problems": r.problems if r else 0,
                "measures": r.measures if r else 0, "duties": len(self.duties)}

    @property
    def created(self) -> int:
        return (self.ledger.created if self.ledger else 0) + self.duties_created

    @property
    def would_create(self) -> int:
        return (self.ledger.would_create if self.ledger else 0) + sum(1 for d in self.duties if not d["exists"])

    def actions(self) -> dict[int, str]:
        """Row number → 新建 / 已存在, from a dry run."""
        found: dict[int, str] = {}
        for item in self.ledger.items if self.ledger else []:
            if item["row"]:
                found[item["row"]] = item["action"]
        for d in self.duties:
            found[d["row"]] = "已存在" if d["exists"] else "新建"
        return found

    def summary(self) -> str:
        c = self.counts
        text = f"{c['aspects']}个方面{c['problems']}项具体问题，{c['measures']}条措施"
        return text + (f"，{c['duties']}项责任事项" if c["duties"] else "")


# -- from the reader's result to preview rows ----------------------------------------------------------
def state_note(reading: StateReading) -> str:
    """"据通报中“已全面完成整改”": the words that set a measure's state, for the user to check."""
    if not reading.phrase:
        return "通报未说明，按推进中"
    return f"据{STATE_WHERE.get(reading.where, '')}“{reading.phrase}”"


def is_rectification(result: ReadResult) -> bool:
    return bool(result.rectification)


def report_rows(result: ReadResult) -> list[Row]:
    """The preview rows of a report, in reading order.

    A rectification notice: each aspect (方面) with its problems; a problem split into （1）（2）（3） is a
    group whose parts are the specific problems; each specific problem with its 整改情况 items as measures,
    each measure in the state the notice gives it (已完成 / 持续推进 / 长期坚持, else the notice-wide
    "已全面完成整改", else 推进中).
    Any other report: its problems under one aspect "存在的主要问题", no measures. Plans come last."""
    rows: list[Row] = []

    def add(kind: str, text: str, parent: str = "", status: str = "", note: str = "") -> Row:
        row = Row(id=f"r{len(rows) + 1}", number=len(rows) + 1, kind=kind, text=text.strip(), parent=parent,
                  status=status, status_note=note)
        rows.append(row)
        return row

    if is_rectification(result):
        aspects: dict[str, Row] = {}
        groups: dict[tuple[str, str], Row] = {}
        for rp in result.rectification:
            title = rp.aspect.strip() or NO_ASPECT
            aspect = aspects.get(title)
            if aspect is None:
                aspect = aspects[title] = add("aspect", title)
            parent, kind = aspect.id, "problem"
            if rp.group.strip():
                group = groups.get((title, rp.group.strip()))
                if group is None:
                    group = groups[(title, rp.group.strip())] = add("group", rp.group, aspect.id)
                parent, kind = group.id, "part"
            problem = add(kind, rp.problem, parent)
            for i, m in enumerate(rp.measures):
                if m.strip():
                    reading = rp.state_of(i)
                    status = reading.state if reading.state in MeasureStatus.values else MeasureStatus.IN_PROGRESS
                    add("measure", m, problem.id, status, state_note(reading))
    elif result.problems:
        aspect = add("aspect", MAIN_ASPECT)
        for text in result.problems:
            if text.strip():
                add("problem", text, aspect.id)
    for text in result.plans:
        if text.strip():
            add("plan", text)
    return rows


def source_guess(result: ReadResult, unit: Unit) -> dict[str, Any]:
    """Initial 来源 fields: a rectification notice names its inspection team; an own report is 自查; a
    source already in the unit's ledger under that name lends its feedback date."""
    head = "\n".join([result.title, *result.paragraphs[:8]])
    if is_rectification(result):
        m = _ISSUER.search(head)
        issuer = m.group(1) if m else ""
        # the team that gave the feedback says the kind; else the word the opening uses most
        counts = [(issuer.count(word) * 1000 + head.count(word), k) for word, k in _KIND_WORDS]
        best = max(counts)
        fields = {"kind": best[1] if best[0] else "", "issued_by": issuer, "title": "", "feedback_date": None}
    else:
        fields = {"kind": SourceKind.SELF_CHECK, "issued_by": unit.name, "title": "", "feedback_date": None}
    if fields["kind"] and fields["issued_by"]:  # imported before: the same source, so a repeat matches it
        known = Source.objects.filter(unit=unit, kind=fields["kind"], issued_by=fields["issued_by"]).order_by(
            "-feedback_date", "-id").first()
        if known is not None:
            fields.update(feedback_date=known.feedback_date, title=known.title)
    return fields


def default_edits(rows: list[Row], *, rectification: bool) -> dict[str, Edit]:
    """The preview before the user touched it: everything checked, the states the notice gives; in a rectification
    notice the closing plans (持续深化…) are general and left out, elsewhere they become measures."""
    edits = {}
    for row in rows:
        edit = Edit(text=row.text, status=row.status)
        if row.kind == "plan":
            edit.target = "skip" if rectification else "measure"
            edit.status = MeasureStatus.NOT_STARTED
        edits[row.id] = edit
    return edits


# -- from rows and edits to a plan ------------------------------------------------------------------------
def _measure(row: Row, edit: Edit, defaults: Edit) -> dict[str, Any]:
    return {"text": edit.text, "status": edit.status or MeasureStatus.IN_PROGRESS, "row": row.number,
            "leader": edit.leader or defaults.leader,
            "responsible_unit": edit.responsible_unit or defaults.responsible_unit,
            "owner": edit.owner or defaults.owner, "deadline_text": edit.deadline_text or defaults.deadline_text}


def report_plan(rows: list[Row], edits: dict[str, Edit], defaults: Edit, *,
                duty_lists: dict[str, Any] | None = None) -> ReportOutcome:
    """Rows + the user's edits → (ledger plan, duties, errors). Unchecked rows drop what lies under them."""
    out = ReportOutcome()
    duty_lists = duty_lists or {}
    by_id: dict[str, dict[str, Any]] = {}  # row id → the plan node it became
    for row in rows:
        edit = edits.get(row.id) or Edit(text=row.text, status=row.status)
        edit.text = edit.text.strip()
        if row.kind == "plan":
            _plan_row(out, row, edit, defaults, by_id, duty_lists)
            continue
        parent = by_id.get(row.parent)
        if not edit.on or (row.kind != "aspect" and parent is None):  # unchecked, or under an unchecked row
            continue
        if not edit.text:
            out.errors.append(RowError(row.number, "内容", f"第{row.number}项{row.kind_label}的内容为空；不导入请取消勾选。"))
            continue
        if row.kind == "aspect":
            node = {"title": edit.text, "row": row.number, "problems": []}
            out.plan.append(node)
            by_id[row.id] = node
        elif row.kind in ("group", "problem", "part") and parent is not None:
            node = {"text": edit.text, "row": row.number, "children": [], "measures": []}
            (parent["problems"] if row.kind != "part" else parent["children"]).append(node)
            by_id[row.id] = node
        elif row.kind == "measure" and parent is not None:
            parent["measures"].append(_measure(row, edit, defaults))
    # (a group whose parts were all unchecked stays, as a specific problem itself)
    for aspect in out.plan:
        for problem in aspect["problems"]:
            if problem["children"] and problem["measures"]:
                out.errors.append(RowError(problem["row"], "整改措施",
                                           f"第{problem['row']}项问题已分为具体问题，请把措施放到具体问题下。"))
    return out


def _plan_row(out: ReportOutcome, row: Row, edit: Edit, defaults: Edit, by_id: dict[str, dict[str, Any]],
              duty_lists: dict[str, Any]) -> None:
    if not edit.on or edit.target not in ("measure", "duty"):
        return
    if not edit.text:
        out.errors.append(RowError(row.number, "内容", f"第{row.number}项工作计划的内容为空；不导入请选“不导入”。"))
        return
    if edit.target == "duty":
        duty_list = duty_lists.get(edit.duty_list)
        if duty_list is None:
            out.errors.append(RowError(row.number, "责任清单", f"第{row.number}项：请选择放入哪份责任清单。"))
            return
        if len(edit.text) > DUTY_TEXT_MAX:
            out.errors.append(RowError(row.number, "内容",
                                       f"第{row.number}项超过{DUTY_TEXT_MAX}字，责任事项请精简后再导入。"))
            return
        from qinglian.records.models import Frequency

        frequency = edit.frequency if edit.frequency in Frequency.values else Frequency.QUARTERLY
        out.duties.append({"row": row.number, "text": edit.text, "duty_list": duty_list, "frequency": frequency,
                           "exists": duty_list.duties.filter(text=edit.text).exists()})
        return
    measure = _measure(row, edit, defaults)
    measure["status"] = edit.status or MeasureStatus.NOT_STARTED
    if edit.problem and edit.problem != "new":
        problem = by_id.get(edit.problem)
        if problem is None or "text" not in problem:
            out.errors.append(RowError(row.number, "放到问题", f"第{row.number}项：所选问题没有勾选导入，请另选问题。"))
            return
        if problem["children"]:
            out.errors.append(RowError(row.number, "放到问题",
                                       f"第{row.number}项：所选问题已分为具体问题，请选其中一项具体问题。"))
            return
        problem["measures"].append(measure)
        return
    if not out.plan:
        out.plan.append({"title": PLAN_PROBLEM, "row": 0, "problems": []})
    aspect = out.plan[-1]
    target = next((p for p in aspect["problems"] if p["text"] == PLAN_PROBLEM and not p.get("row")), None)
    if target is None:
        target = {"text": PLAN_PROBLEM, "children": [], "measures": []}
        aspect["problems"].append(target)
    target["measures"].append(measure)


# -- writing ------------------------------------------------------------------------------------------------
def report_import(*, user: Any, unit: Unit, rows: list[Row], edits: dict[str, Edit], defaults: Edit,
                  source_fields: dict[str, Any], duty_lists: dict[str, Any] | None = None, dry_run: bool = False,
                  today: dt.date | None = None, origin: str = "", request: Any = None) -> ReportOutcome:
    """Write the chosen problems and measures into the ledger and the chosen plans as duties, in one
    transaction; nothing is written when anything is wrong (the errors say which row and what to fix)."""
    if user is not None and not may_write_unit(user, unit):
        raise PermissionDenied(f"无权向“{unit.name}”导入。")
    out = report_plan(rows, edits, defaults, duty_lists=duty_lists)
    if out.errors:
        return out
    if not out.plan and not out.duties:
        out.errors.append(RowError(0, "", "没有勾选任何要导入的内容。"))
        return out
    with transaction.atomic():
        if out.plan:
            out.ledger = ledger_create_from_plan(user=user, unit=unit, source_fields=source_fields, aspects=out.plan,
                                                 dry_run=dry_run, today=today, origin=origin, request=request,
                                                 imported_from=origin or "导入的报告")
            out.errors.extend(out.ledger.errors)
        if out.errors or dry_run:
            return out
        out.duties_created, out.duties_existing = _write_duties(user=user, duties=out.duties, request=request)
    return out


def _write_duties(*, user: Any, duties: list[dict[str, Any]], request: Any) -> tuple[int, int]:
    from qinglian.records.services import duty_add

    created = existing = 0
    for d in duties:
        if d["duty_list"].duties.filter(text=d["text"]).exists():
            existing += 1
            continue
        duty_add(user=user, duty_list=d["duty_list"], text=d["text"], frequency=d["frequency"], kinds=[],
                 request=request)
        created += 1
    return created, existing
