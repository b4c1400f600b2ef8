"""Reading a sheet of activity records (纪实批量录入) — plain data in and out, no Django.

The sheet has a header row naming its columns (order free, extra columns ignored):

    单位 | 类型 | 发生日期 | 主题 | 参加人员 | 谈话对象 | 主持人 | 记录内容

`read_sheet(bytes)` returns the rows as text and dates, and every problem it found as (row, column, message)
in the words a clerk understands ("第 5 行“发生日期”列：…"). Resolving units, kinds and people against the
database is the caller's job (records.importing); nothing here writes anything.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from paperwork.calendar import parse_date
from paperwork.ooxml import DEFAULT_MAX_UNPACKED, PackageRefused, open_package
from paperwork.xlsx import append_row

COLUMNS = {
    "unit": ("单位",),
    "kind": ("类型", "活动类型", "记录类型"),
    "happened_on": ("发生日期", "日期", "时间"),
    "topic": ("主题", "内容", "议题"),
    "participants": ("参加人员", "参会人员", "参加人"),
    "talked_to": ("谈话对象", "提醒对象", "约谈对象"),
    "presided_by": ("主持人", "主讲人", "谈话人"),
    "minutes": ("记录内容", "纪要", "备注"),
    "security_label": ("密级",),
}
REQUIRED = ("kind", "happened_on", "topic")
LABEL = {key: names[0] for key, names in COLUMNS.items()}
MAX_ROWS = 2000
MAX_COLUMNS = 64  # the template has eight columns; a forged <dimension> must not widen every row to 16,384
NAME_SPLIT = re.compile(r"[、，,；;\s]+")


@dataclass(frozen=True)
class Problem:
    row: int  # sheet row number as Excel shows it (0 for the file as a whole)
    column: str  # Chinese column name, "" for the row or file
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        if self.column:
            where += f"“{self.column}”列"
        return f"{where}：{self.message}"


@dataclass
class SheetRow:
    row: int
    unit: str = ""
    kind: str = ""
    happened_on: dt.date | None = None
    topic: str = ""
    participants: list[str] = field(default_factory=list)
    talked_to: list[str] = field(default_factory=list)
    presided_by: str = ""
    minutes: str = ""
    security_label: str = ""  # as typed: 公开/内部/敏感, empty for 内部; a 涉密 word is refused on import

    def to_plain(self) -> dict[str, Any]:
        data = asdict(self)
        data["happened_on"] = self.happened_on.isoformat() if self.happened_on else None
        return data

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> SheetRow:
        values = dict(data)
        values["happened_on"] = dt.date.fromisoformat(values["happened_on"]) if values.get("happened_on") else None
        return cls(**values)


@dataclass
class Sheet:
    rows: list[SheetRow]
    problems: list[Problem]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def split_names(text: str) -> list[str]:
    """"张三、李四，王五" → ["张三", "李四", "王五"]; "张三（新闻宣传股）" stays one name with its unit."""
    text = text.replace("(", "（").replace(")", "）")
    # protect separators inside brackets
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "（":
            depth += 1
        elif ch == "）":
            depth = max(0, depth - 1)
        if depth == 0 and NAME_SPLIT.fullmatch(ch):
            if cur.strip():
                out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


_UNREADABLE = "无法读取文件：请上传 Excel 2007 及以上格式（.xlsx）的文件，可先下载模板填写。"


def read_sheet(content: bytes, *, max_unpacked: int = DEFAULT_MAX_UNPACKED, max_rows: int = MAX_ROWS) -> Sheet:
    """The first sheet's rows and problems. Never raises for a bad file: a file refused by the guard
    (paperwork.ooxml) or one openpyxl cannot read is one problem on row 0 that says what to do."""
    try:
        package = open_package(content, max_unpacked=max_unpacked)
    except PackageRefused as exc:
        return Sheet([], [Problem(0, "", _UNREADABLE if exc.reason == "broken" else exc.message_zh)])
    try:
        wb = load_workbook(io.BytesIO(package.data), read_only=True, data_only=True)
        try:
            return _read(wb, max_rows)
        finally:
            wb.close()
    except Exception:  # openpyxl parses lazily and raises many kinds of error for a broken part
        return Sheet([], [Problem(0, "", _UNREADABLE)])


def _read(wb: Any, max_rows: int) -> Sheet:
    problems: list[Problem] = []
    if not wb.worksheets:
        return Sheet([], [Problem(0, "", _UNREADABLE)])
    ws = wb.worksheets[0]
    rows = ws.iter_rows(max_col=min(ws.max_column or MAX_COLUMNS, MAX_COLUMNS), values_only=True)
    header_row = 0
    columns: dict[str, int] = {}
    for number, values in enumerate(rows, start=1):
        cells = [_text(v) for v in values]
        found = {key: cells.index(name) for key, names in COLUMNS.items() for name in names if name in cells}
        if "kind" in found and "happened_on" in found:
            header_row, columns = number, found
            break
        if number >= 10:
            break
    if not header_row:
        return Sheet([], [Problem(0, "", "在前 10 行中找不到表头：须有“类型”“发生日期”“主题”等列，请按模板填写。")])
    for key in REQUIRED:
        if key not in columns:
            problems.append(Problem(header_row, LABEL[key], "缺少此列，请按模板添加。"))
    if problems:
        return Sheet([], problems)
    result: list[SheetRow] = []
    for number, values in enumerate(rows, start=header_row + 1):
        cells = list(values)

        def cell(key: str, cells: list[Any] = cells) -> Any:
            i = columns.get(key)
            return cells[i] if i is not None and i < len(cells) else None

        if all(_text(v) == "" for v in cells):
            continue
        if len(result) >= max_rows:
            problems.append(Problem(0, "", f"一次最多导入 {max_rows} 行，请拆分为多个文件分批导入。"))
            break
        row = SheetRow(row=number, unit=_text(cell("unit")), kind=_text(cell("kind")), topic=_text(cell("topic")),
                       participants=split_names(_text(cell("participants"))),
                       talked_to=split_names(_text(cell("talked_to"))),
                       presided_by=_text(cell("presided_by")), minutes=_text(cell("minutes")),
                       security_label=_text(cell("security_label")))
        raw_date = cell("happened_on")
        if raw_date in (None, ""):
            problems.append(Problem(number, LABEL["happened_on"], "请填写发生日期，如 2023-03-05。"))
        else:
            try:
                parsed = parse_date(raw_date)
            except ValueError as exc:
                problems.append(Problem(number, LABEL["happened_on"], str(exc)))
            else:
                if parsed.date is None or parsed.approximate:
                    problems.append(Problem(number, LABEL["happened_on"],
                                            f"“{_text(raw_date)}”不是具体某一天，请写成 2023-03-05。"))
                else:
                    row.happened_on = parsed.date
        if not row.kind:
            problems.append(Problem(number, LABEL["kind"], "请填写活动类型，如 中心组学习。"))
        if not row.topic:
            problems.append(Problem(number, LABEL["topic"], "请填写主题。"))
        result.append(row)
    if not result and not problems:
        problems.append(Problem(0, "", "表格中没有数据行。"))
    return Sheet(result, problems)


def template_bytes(kinds: list[str], example_unit: str) -> bytes:
    """An empty sheet with the header, one example row and the list of kinds."""
    wb = Workbook()
    ws = wb.active
    ws.title = "纪实记录"
    header = [LABEL[k] for k in COLUMNS]
    ws.append(header)
    for c in ws[1]:
        c.font = Font(bold=True)
    append_row(ws, [example_unit, "中心组学习", "2023年3月5日", "传达学习全国两会精神", "张三、李四", "", "王五", "（可不填）", "内部"])
    for i, width in enumerate([24, 14, 14, 36, 30, 20, 10, 40, 8], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    help_ws = wb.create_sheet("填写说明")
    help_ws.append(["可用的活动类型"])
    for k in kinds:
        append_row(help_ws, [k])
    help_ws.append([])
    help_ws.append(["日期可写 2023-3-5、2023.3.5 或 2023年3月5日；人员用顿号分隔，重名时写成 姓名（单位）。"])
    help_ws.append(["密级填公开、内部或敏感（不填为内部）；涉密材料不得录入本系统，请按保密规定离线处理。"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
