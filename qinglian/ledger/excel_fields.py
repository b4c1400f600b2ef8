"""The vocabulary of a ledger workbook, shared by its reader and its writer: the fields and the names people
give their columns, the parsed result (ParsedLedger, RowError), and how one cell's text is read."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

# field → (the header the export writes, other names people give the column)
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "number": ("序号", ("编号", "序")),
    "aspect": ("方面", ("问题类别", "问题类型", "类别", "板块", "问题方面", "所属方面", "问题分类", "方面问题")),
    "problem": ("问题", ("存在问题", "反馈问题", "问题描述", "问题清单", "主要问题", "存在的问题", "巡察反馈问题",
                        "问题内容", "反馈的问题", "问题名称")),
    # the （1）（2） of a feedback problem, one per row under the problem cell merged down over them; a sheet
    # whose only problem column has one of these names keeps it as the problem (_columns)
    "specific": ("具体问题", ("具体表现", "问题表现", "表现形式", "具体问题表现", "具体表现形式", "问题具体表现",
                          "主要表现", "存在的具体问题", "具体问题描述", "问题具体内容")),
    "measure": ("整改措施", ("整改举措", "措施", "整改措施及要求", "整改任务", "整改要求", "具体措施", "具体整改措施",
                         "整改目标及措施", "整改思路及措施")),
    "leader": ("责任领导", ("牵头领导", "分管领导", "包抓领导", "责任领导人", "领导", "分管负责人", "牵头负责人",
                         "责任领导干部", "分管县领导")),
    "responsible_unit": ("责任单位", ("牵头单位", "责任股室", "责任部门", "承办单位", "责任科室", "牵头股室",
                                      "牵头部门", "责任单位部门", "主责单位", "牵头责任单位")),
    "owner": ("责任人", ("具体责任人", "经办人", "承办人", "具体负责人", "直接责任人", "具体经办人")),
    "deadline": ("整改时限", ("完成时限", "时限", "整改期限", "完成时间", "时间节点", "整改时间", "整改完成时限",
                          "完成期限")),
    "situation": ("完成情况", ("整改情况", "进展情况", "整改进展", "完成状态", "整改状态", "整改完成情况",
                           "整改落实情况", "落实情况", "整改进度", "目前进展")),
    "label": ("密级", ("密级标注",)),  # 公开/内部/敏感; a 涉密 grade is refused on import (lib.security)
}
EXPORT_FIELDS = ["number", "problem", "measure", "leader", "responsible_unit", "owner", "deadline", "situation"]
REQUIRED = ("problem", "measure")
FIELD_LABELS = {key: spec[0] for key, spec in FIELDS.items()}

STATUS_LABELS = {"not_started": "未启动", "in_progress": "推进中", "done": "已完成", "long_term": "长期坚持"}
SOURCE_KIND_LABELS = {"inspection": "巡察", "tour": "巡视", "audit": "审计", "supervision": "督查",
                      "democratic_meeting": "民主生活会", "self_check": "自查", "assigned": "上级交办"}

CN_NUM = "一二三四五六七八九十"


@dataclass(frozen=True)
class RowError:
    row: int  # the sheet's row number (1-based); 0 for the file as a whole
    column: str  # the header text of the column, "" when the whole row or file is concerned
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        return f"{where}{f'“{self.column}”列' if self.column else ''}：{self.message}"


@dataclass
class Column:
    index: int  # 0-based
    header: str
    sure: bool


@dataclass
class ParsedLedger:
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)  # the sheets with content
    ledger_sheets: list[str] = field(default_factory=list)  # of several sheets, those with a ledger header
    header_row: int = 0
    headers: list[str] = field(default_factory=list)  # header texts by column index
    columns: dict[str, Column] = field(default_factory=dict)  # field → column
    needs_mapping: bool = False  # a column name was guessed: ask the user to confirm the mapping
    meta: dict[str, str] = field(default_factory=dict)  # 来源/反馈机关/反馈日期 read from title rows
    aspects: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    # columns no field was found for (or a second column of a field already read): [{"index", "header"}];
    # their texts wait on each measure as measure["extra"] {header: text}, and each has a warning
    unmapped: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # worth a look, but no reason to refuse the import
    split_measures: bool = False  # measures written as "1.…；2.…" were split into one measure per item

    @property
    def ok(self) -> bool:
        return not self.errors

    def mapping(self) -> dict[str, str]:
        """field → header text, as a mapping form would show it."""
        return {key: col.header for key, col in self.columns.items()}

    def to_plain(self) -> dict[str, Any]:
        """JSON-ready, so an import parses its upload once and its preview and confirm read what was stored."""
        data = asdict(self)
        for measure in plan_measures(data["aspects"]):
            measure["deadline"] = measure["deadline"].isoformat() if measure["deadline"] else None
        return data

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> ParsedLedger:
        values = dict(data)
        values["columns"] = {key: Column(**col) for key, col in data["columns"].items()}
        values["errors"] = [RowError(**e) for e in data["errors"]]
        values["warnings"] = [RowError(**e) for e in data.get("warnings", [])]
        for measure in plan_measures(values["aspects"]):
            measure["deadline"] = dt.date.fromisoformat(measure["deadline"]) if measure["deadline"] else None
        return cls(**values)


def plan_measures(aspects: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every measure of a plan, under problems and their parts alike."""
    for aspect in aspects:
        for problem in aspect["problems"]:
            for leaf in [problem, *problem["children"]]:
                yield from leaf["measures"]


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[（(].*?[)）]", "", text)  # "整改时限（完成时间）" → "整改时限"
    return re.sub(r"[\s:：*＊/、\-_]+", "", text)


def match_header(text: str) -> tuple[str | None, bool]:
    """(field, sure) for one header cell: exact names are sure, a contained name is a guess."""
    name = _norm(text)
    if not name:
        return None, False
    for key, (main, others) in FIELDS.items():
        if name == main or name in others:
            return key, True
    best: tuple[int, str] | None = None
    for key, (main, others) in FIELDS.items():
        for candidate in (main, *others):
            if len(candidate) >= 2 and candidate in name and (best is None or len(candidate) > best[0]):
                best = (len(candidate), key)
    return (best[1], False) if best else (None, False)


def read_status(situation: str) -> tuple[str, str]:
    """(status, note) from what a 完成情况 cell says; a bare status word leaves no note."""
    text = situation.strip()
    for code, label in STATUS_LABELS.items():
        if text == label:
            return code, ""
        if text.startswith(label) and text[len(label):len(label) + 1] in ("：", ":", "，", "。", "；"):
            return code, text[len(label) + 1:].strip()  # "已完成：制定制度5项", as the export writes it
    if not text:
        return "not_started", ""
    if any(w in text for w in ("未启动", "未开始", "尚未开展")):
        return "not_started", text
    if any(w in text for w in ("未完成", "正在", "推进", "整改中", "持续")):
        return ("long_term" if "长期" in text else "in_progress"), text
    if "长期" in text:
        return "long_term", text
    if any(w in text for w in ("已完成", "完成整改", "已整改", "办结", "已落实", "已销号", "完成")):
        return "done", text
    return "in_progress", text
