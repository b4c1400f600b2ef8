"""Creating a ledger from plain data: the Excel import and the (later) Word report import both call
`ledger_create_from_plan`. Names are resolved to people and units of the answering unit's subtree; rows
already in the ledger are matched by text, so a repeated import creates nothing; any error writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.audit.models import Action
from qinglian.audit.services import audit_log
from qinglian.ledger.excel import FIELD_LABELS, SOURCE_KIND_LABELS, RowError, plan_counts
from qinglian.ledger.models import (
    Aspect,
    ImportBatch,
    Measure,
    MeasureStatus,
    Problem,
    Source,
    SourceKind,
    TextOrigin,
    measure_position,
    problem_key,
)
from qinglian.ledger.names import Roster, may_add_people, person_label, unit_label
from qinglian.ledger.services import _refuse, check_deadline, read_deadline
from qinglian.lib import tracking
from qinglian.lib.dates import not_in_future
from qinglian.lib.files import StoredFiles
from qinglian.lib.security import check_label
from qinglian.lib.services import record_create
from qinglian.org.models import Person, Unit
from qinglian.org.scoping import may_write_unit


# -- creating a ledger from a plan (Excel import, Word report import) ---------------------------------
@dataclass
class PlanResult:
    aspects: int = 0
    problems: int = 0  # specific problems (leaves)
    measures: int = 0
    created: int = 0  # rows written (0 for a dry run or a repeated import)
    would_create: int = 0
    existing: int = 0
    errors: list[RowError] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)  # the preview: what is new, what exists
    source_id: int | None = None
    dry_run: bool = False
    # names matching no one (or several), each once: {text, field, rows, reason, candidates [(choice, label)]}
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    refused: list[RowError] = field(default_factory=list)  # rows left out (skip_refused), with why
    batch_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {"aspects": self.aspects, "problems": self.problems, "measures": self.measures,
                "created": self.created, "would_create": self.would_create, "existing": self.existing,
                "dry_run": self.dry_run, "source_id": self.source_id, "batch_id": self.batch_id,
                "errors": [e.as_dict() for e in self.errors], "items": self.items,
                "unmatched": [{"text": u["text"], "field": u["field"], "rows": u["rows"]} for u in self.unmatched],
                "refused": [e.as_dict() for e in self.refused]}


def _not_found(unit: Unit, field_name: str, text: str, match: Any) -> str:
    """Why a name is an error where names must match (the report import)."""
    if field_name == "responsible_unit":
        if match.reason == "多个":
            return f"写了多个单位（{text}）：每条措施只填一个牵头单位，协办单位可写进整改措施。"
        if match.reason == "同名":
            return f"“{text}”有{len(match.candidates)}个同名单位，请写单位全称。"
        return (f"在{unit.name}及其下级单位中找不到“{text}”。请写本单位或所属股室的名称，"
                "或先请系统管理员添加该单位。")
    if match.reason == "多个":
        return f"写了多人（{text}）：每条措施只填一名，其余人员可写进整改措施。"
    if match.reason == "同名":
        units = "、".join(p.unit.name for p in match.candidates)
        return f"有{len(match.candidates)}名干部都叫“{text}”（{units}），请在“责任单位”列写明其所在单位。"
    return f"在{unit.name}及其下级单位中找不到干部“{text}”。请核对姓名，或先在干部名册中添加此人。"


def _source_fields(fields: dict[str, Any]) -> dict[str, Any]:
    return {"issued_by": str(fields.get("issued_by", "")).strip(), "feedback_date": fields.get("feedback_date")}


def _source_key(source_fields: dict[str, Any]) -> tuple[str, str, dt.date | None]:
    return source_fields.get("kind", ""), source_fields.get("issued_by", "").strip(), source_fields.get("feedback_date")


def ledger_create_from_plan(
    *, user: Any, unit: Unit, source_fields: dict[str, Any] | None = None, source: Source | None = None,
    aspects: Sequence[dict[str, Any]], dry_run: bool = False, today: dt.date | None = None,
    origin: str = "", request: Any = None, imported_from: str = "", names: dict[str, str] | None = None,
    batch: dict[str, Any] | None = None, refused: Sequence[RowError] = (), keep_unmatched: bool = False,
) -> PlanResult:
    """Write a ledger given as plain data, used by the Excel import and the report import.

    aspects = [{"title", "row"?, "problems": [{"text", "row"?, "children": [...], "measures": [{"text",
    "status"?, "leader"?, "responsible_unit"?, "owner"? (names), "deadline"? (date), "deadline_text"?,
    "situation"?, "row"?, "columns"? {field: header text}}]}]}]

    Items already in the ledger (same source, aspect title, problem text, measure text) are matched, not
    duplicated, so importing the same file twice creates nothing. Any error means nothing is written.
    `imported_from`: the texts were read from this report (not typed into a ledger): the new problems and
    measures say so (TextOrigin.IMPORTED), and reports that reuse them mark their numbers.

    With `keep_unmatched` (the Excel import), names matching no person or unit are kept as written on the
    measure (待匹配) and listed in `unmatched`, unless `names` ({"field|text": "keep" | "p:<person id>" |
    "u:<unit id>" | "add"}) chooses for them; "add" puts the person on the unit's roster (`may_add_people`).
    Without it (the report import, whose preview has the user type the names), such a name is an error of its
    row. `batch` ({"upload": the original file or None, "sheet", "via"}): the import is kept as an ImportBatch
    with its file, which every row it creates points at; `refused` lists rows the caller left out of the plan,
    kept with the batch.
    """
    today = today or timezone.localdate()
    result = PlanResult(dry_run=dry_run, refused=list(refused), **plan_counts(aspects))
    if user is not None and not may_write_unit(user, unit):  # None: the command line, run by the operator
        raise _refuse(user, f"无权向“{unit.name}”的整改台账导入。")
    fields = dict(source_fields or {})
    if source is None:
        if fields.get("kind") not in SourceKind.values:
            kinds = "、".join(SOURCE_KIND_LABELS.values())
            result.errors.append(RowError(0, "来源", f"请指定反馈来源（{kinds}之一）。"))
        if not str(fields.get("issued_by", "")).strip():
            result.errors.append(RowError(0, "反馈机关", "请填写反馈机关，如“县委第三巡察组”。"))
        try:
            not_in_future(fields.get("feedback_date"), what="反馈日期", today=today,
                          hint="请填写收到反馈意见的日期。")
        except ValidationError as exc:
            result.errors.append(RowError(0, "反馈日期", exc.messages[0]))
    elif not source.unit.path.startswith(unit.path):
        result.errors.append(RowError(0, "", "所选反馈来源不属于该单位。"))
    if not aspects:
        result.errors.append(RowError(0, "", "没有读到任何问题。"))
    if result.errors:
        return result

    people = Roster(unit)
    if source is None:
        kind, issued_by, feedback_date = _source_key(fields)
        source = Source.objects.filter(unit=unit, kind=kind, issued_by=issued_by, feedback_date=feedback_date).first()
    existing = _Existing(source)
    writer = _PlanWriter(user=user, unit=unit, source=source, fields=fields, people=people, existing=existing,
                         today=today, result=result, names=names or {})
    writer.keep_unmatched = keep_unmatched
    writer.provenance = ({"origin": TextOrigin.IMPORTED, "origin_document": imported_from[:200]}
                         if imported_from else {})
    writer.resolve(aspects)
    result.existing = existing.matched
    result.would_create = writer.new_rows
    if result.errors or dry_run:
        return result
    if writer.new_rows == 0:
        result.source_id = source.pk if source else None
        return result
    with transaction.atomic():
        if batch is not None:
            writer.batch = _new_batch(batch, user=user, unit=unit, result=result, created=writer.new_rows)
        writer.write()
        kept = f"，{len(result.unmatched)}个名称按原文保留待匹配" if result.unmatched else ""
        audit_log(action=Action.IMPORT, summary=f"导入整改台账{('（' + origin + '）') if origin else ''}："
                  f"{result.aspects}个方面{result.problems}项问题{result.measures}条措施，新建{writer.new_rows}条记录{kept}",
                  actor=user, obj=writer.batch or writer.source,
                  after={"created": writer.new_rows, "origin": origin, "source": writer.source.pk,
                         "refused": len(result.refused), "unmatched": len(result.unmatched)})
    result.created = writer.new_rows
    result.source_id = writer.source.pk
    result.batch_id = writer.batch.pk if writer.batch else None
    return result


def _new_batch(spec: dict[str, Any], *, user: Any, unit: Unit, result: PlanResult, created: int) -> ImportBatch:
    """The (unsaved) batch of an import about to be written, its file already stored durably (content-addressed,
    lib.files) so the committed row never names missing bytes; saved by `_PlanWriter._write`."""
    upload = spec.get("upload")
    stored = StoredFiles().store(upload, "ledger") if upload is not None else {"name": ""}
    batch = ImportBatch(sheet=str(spec.get("sheet") or "")[:100], via=spec.get("via") or "web", **stored)
    batch.unit = unit
    batch.aspects, batch.problems, batch.measures, batch.created = (result.aspects, result.problems, result.measures,
                                                                    created)
    batch.refused = [e.as_dict() for e in result.refused]
    batch.unmatched = [{"text": u["text"], "field": u["field"], "rows": u["rows"]} for u in result.unmatched]
    batch.created_by = batch.updated_by = user if getattr(user, "is_authenticated", False) else None
    return batch


class _Existing:
    """What the ledger already holds under a source, keyed by text, for idempotent imports."""

    def __init__(self, source: Source | None) -> None:
        self.matched = 0
        self.aspects: dict[str, Aspect] = {}
        self.problems: dict[tuple[int, int | None, str], Problem] = {}
        self.measures: dict[tuple[int, str], Measure] = {}
        self.aspect_count = 0
        self.child_count: dict[tuple[int, int | None], int] = {}
        self.measure_count: dict[int, int] = {}
        if source is None:
            return
        for a in Aspect.with_deleted.filter(source=source):
            self.aspect_count += 1
            if a.deleted_at is None:
                self.aspects[a.title] = a
        for p in Problem.with_deleted.filter(source=source):
            self.child_count[(p.aspect_id, p.parent_id)] = self.child_count.get((p.aspect_id, p.parent_id), 0) + 1
            if p.deleted_at is None:
                self.problems[(p.aspect_id, p.parent_id, p.text)] = p
        for m in Measure.with_deleted.filter(source=source):
            self.measure_count[m.problem_id] = self.measure_count.get(m.problem_id, 0) + 1
            if m.deleted_at is None:
                self.measures[(m.problem_id, m.text)] = m


class _PlanWriter:
    """Resolves a plan against the database (names, existing rows), then writes only what is new."""

    def __init__(self, *, user: Any, unit: Unit, source: Source | None, fields: dict[str, Any], people: Roster,
                 existing: _Existing, today: dt.date, result: PlanResult, names: dict[str, str]) -> None:
        self.user, self.unit, self.source, self.fields = user, unit, source, fields
        self.people, self.existing, self.today, self.result = people, existing, today, result
        self.names = names
        self.unmatched: dict[tuple[str, str], dict[str, Any]] = {}
        self.added: dict[str, Person] = {}  # people put on the roster by this import ("加入名册"), by name
        self.batch: ImportBatch | None = None
        self.keep_unmatched = False
        self.matches: dict[tuple[str, str, int | None], Any] = {}
        self.new_rows = 0 if source is not None else 1
        self.tree: list[tuple[Aspect | None, dict[str, Any], list[Any]]] = []
        self.provenance: dict[str, Any] = {}  # origin fields (and the batch) of the new problems and measures

    def _err(self, row: Any, column: str, message: str) -> None:
        self.result.errors.append(RowError(int(row or 0), column, message))

    def _item(self, kind: str, text: str, row: Any, new: bool, note: str = "") -> None:
        if len(self.result.items) < 20000:
            self.result.items.append({"kind": kind, "text": text[:200], "row": int(row or 0),
                                      "action": "新建" if new else "已存在", "note": note})

    def resolve(self, aspects: Iterable[dict[str, Any]]) -> None:
        for a in aspects:
            title = str(a.get("title", "")).strip() or "未分方面"
            if len(title) > 500:
                self._err(a.get("row"), FIELD_LABELS["aspect"], "方面名称超过500字，请精简。")
            aspect = self.existing.aspects.get(title) if self.source else None
            self._count(aspect is None)
            self._item("方面", title, a.get("row"), aspect is None)
            problems = [self._problem(p, aspect, None) for p in a.get("problems", [])]
            self.tree.append((aspect, {"title": title}, problems))

    def _count(self, new: bool) -> None:
        if new:
            self.new_rows += 1
        else:
            self.existing.matched += 1

    def _problem(self, p: dict[str, Any], aspect: Aspect | None, parent: Problem | None, child: bool = False) -> Any:
        text = str(p.get("text", "")).strip()
        if not text:
            self._err(p.get("row"), FIELD_LABELS["problem"], "问题内容为空。")
        found = None
        if aspect is not None and (parent is not None or not child):
            found = self.existing.problems.get((aspect.pk, parent.pk if parent else None, text))
        self._count(found is None)
        self._item("具体问题" if child else "问题", text, p.get("row"), found is None)
        children = [self._problem(c, aspect if found else None, found, child=True) for c in p.get("children", [])]
        measures = [self._measure(m, found) for m in p.get("measures", [])]
        if children and measures:
            self._err(p.get("row"), FIELD_LABELS["measure"], "已分为（1）（2）等具体问题的问题，请把整改措施写在具体问题下。")
        return (found, {"text": text, "row": p.get("row")}, children, measures)

    def _measure(self, m: dict[str, Any], problem: Problem | None) -> Any:
        text = str(m.get("text", "")).strip()
        row, cols = m.get("row"), {**FIELD_LABELS, **m.get("columns", {})}
        found = self.existing.measures.get((problem.pk, text)) if problem is not None else None
        self._count(found is None)
        self._item("整改措施", text, row, found is None)
        if found is not None:
            return (found, {})
        if not text:
            self._err(row, cols["measure"], "整改措施为空。")
        responsible, unit_text = self._name("responsible_unit", m.get("responsible_unit"), row, None,
                                            cols["responsible_unit"])
        leader, leader_text = self._name("leader_in_charge", m.get("leader"), row, responsible, cols["leader"])
        owner, owner_text = self._name("owner", m.get("owner"), row, responsible, cols["owner"])
        try:
            label = check_label(m.get("security_label"), self.user, default="")
        except ValidationError as exc:
            label = ""
            self._err(row, cols.get("label", "密级"), exc.messages[0])
        status = m.get("status") or MeasureStatus.NOT_STARTED
        if status not in MeasureStatus.values:
            self._err(row, cols.get("situation", "完成情况"), f"完成状态“{status}”无法识别。")
        deadline = m.get("deadline")
        deadline_text = str(m.get("deadline_text") or "").strip()
        if deadline_text and deadline is None:
            try:
                deadline, status = read_deadline(deadline_text, None, status, self.today)
            except ValidationError as exc:
                self._err(row, cols["deadline"], exc.messages[0])
        try:  # the same rule as a measure typed in the page: not due before the source was fed back
            check_deadline(deadline, self.source or Source(**_source_fields(self.fields)))
        except ValidationError as exc:
            self._err(row, cols["deadline"], exc.messages[0])
        return (None, {"text": text, "leader_in_charge": leader, "responsible_unit": responsible, "owner": owner,
                       "leader_in_charge_text": leader_text, "responsible_unit_text": unit_text,
                       "owner_text": owner_text, "deadline": deadline, "deadline_text": deadline_text[:50], "status": status,
                       "situation": str(m.get("situation") or ""), **({"security_label": label} if label else {})})

    def _name(self, field_name: str, value: Any, row: Any, near: Any, column: str = "") -> tuple[Any, str]:
        """(person or unit, "") when the name is found or the user chose for it; else (None, the text kept)."""
        text = str(value or "").strip()[:200]
        if not text:
            return None, ""
        key = (field_name, text, near.pk if near is not None else None)
        match = self.matches.get(key)  # a name repeats down a ledger: look it up (and for the closest) once
        if match is None:
            if field_name == "responsible_unit":
                match = self.people.unit_named(text)
            else:
                match = self.people.person_named(text, near, leader=field_name == "leader_in_charge")
            self.matches[key] = match
        if match.found is not None:
            return match.found, ""
        if not self.keep_unmatched:
            self._err(row, column, _not_found(self.unit, field_name, text, match))
            return None, ""
        choice = self.names.get(f"{field_name}|{text}", "keep")
        kind, _, pk = choice.partition(":")
        if kind == "u" and field_name == "responsible_unit" and pk.isdigit() and int(pk) in self.people.unit_by_pk:
            return self.people.unit_by_pk[int(pk)], ""
        if kind == "p" and field_name != "responsible_unit" and pk.isdigit() and int(pk) in self.people.person_by_pk:
            return self.people.person_by_pk[int(pk)], ""
        if (choice == "add" and field_name != "responsible_unit" and len(text) <= 50 and match.reason != "多个"
                and may_add_people(self.user, self.unit)):
            if text not in self.added:
                self.added[text] = Person(unit=self.unit, name=text)
            return self.added[text], ""
        entry = self.unmatched.get((field_name, text))
        if entry is None:
            people = field_name != "responsible_unit"
            entry = {"text": text, "field": field_name, "rows": [], "reason": match.reason,
                     "candidates": [(f"{'p' if people else 'u'}:{c.pk}", person_label(c) if people else unit_label(c))
                                    for c in match.candidates]}
            self.unmatched[(field_name, text)] = entry
            self.result.unmatched.append(entry)
        if row and int(row) not in entry["rows"]:
            entry["rows"].append(int(row))
        return None, text

    # -- writing ------------------------------------------------------------------------------------
    def _stamp(self, obj: Any) -> Any:
        user = self.user if getattr(self.user, "is_authenticated", False) else None
        obj.created_by = obj.updated_by = user
        obj.version = 1
        return obj

    def write(self) -> None:
        with tracking.bulk("导入整改台账", self.user if getattr(self.user, "is_authenticated", False) else None):
            self._write()

    def _write(self) -> None:
        for person in self.added.values():
            record_create(user=self.user, obj=person, summary=f"导入整改台账时加入干部名册：{person.name}（{self.unit.name}）")
        batch = self.batch
        if batch is not None:
            batch.save()  # before the source, which points at it when this import creates it
        if self.source is None:
            self.source = Source(unit=self.unit, kind=self.fields["kind"], issued_by=self.fields["issued_by"].strip(),
                                 feedback_date=self.fields.get("feedback_date"), title=self.fields.get("title", ""),
                                 batch=batch)
            self._stamp(self.source).full_clean()
            self.source.save()
        source = self.source
        if batch is not None:
            batch.source = source
            batch.save(update_fields=["source"])
        self.provenance = {**self.provenance, "batch": batch}
        new_aspects = []
        order = self.existing.aspect_count
        for aspect, data, _ in self.tree:
            if aspect is None:
                order += 1
                new_aspects.append(self._stamp(Aspect(source=source, unit=self.unit, title=data["title"], order=order,
                                                      batch=self.batch)))
        Aspect.objects.bulk_create(new_aspects, batch_size=500)
        it = iter(new_aspects)
        tree = [(aspect or next(it), data, problems) for aspect, data, problems in self.tree]
        # top-level problems, then their parts, then the measures: each level needs the ids of the one above
        tops: list[tuple[Problem, list[Any], list[Any]]] = []
        new_tops = []
        for aspect, _, problems in tree:
            for found, data, children, measures in problems:
                problem = found or self._new_problem(aspect, None, data, bool(children))
                if found is None:
                    new_tops.append(problem)
                tops.append((problem, children, measures))
        Problem.objects.bulk_create(new_tops, batch_size=500)
        leaves: list[tuple[Problem, list[Any]]] = []
        new_children = []
        gained_children = []
        for problem, children, measures in tops:
            if children and problem.is_leaf:
                gained_children.append(problem.pk)
            for found, data, _, child_measures in children:
                child = found or self._new_problem(problem.aspect, problem, data, False)
                if found is None:
                    new_children.append(child)
                leaves.append((child, child_measures))
            if measures:
                leaves.append((problem, measures))
        Problem.objects.bulk_create(new_children, batch_size=500)
        if gained_children:
            Problem.with_deleted.filter(pk__in=gained_children).update(is_leaf=False)
        new_measures = []
        for problem, measures in leaves:
            n = self.existing.measure_count.get(problem.pk, 0)
            for found, data in measures:
                if found is not None:
                    continue
                n += 1
                new_measures.append(self._stamp(Measure(
                    problem=problem, aspect_id=problem.aspect_id, source=source, unit=self.unit, order=n,
                    position=measure_position(self.unit, source.pk, problem.aspect.order,
                                              problem_key(problem, problem.parent.order if problem.parent_id else None),
                                              n), **data, **self.provenance)))
            self.existing.measure_count[problem.pk] = n
        Measure.objects.bulk_create(new_measures, batch_size=1000)

    def _new_problem(self, aspect: Aspect, parent: Problem | None, data: dict[str, Any], has_children: bool) -> Problem:
        key = (aspect.pk, parent.pk if parent else None)
        self.existing.child_count[key] = self.existing.child_count.get(key, 0) + 1
        return self._stamp(Problem(aspect=aspect, source=self.source, unit=self.unit, parent=parent,
                                   text=data["text"], order=self.existing.child_count[key], is_leaf=not has_children,
                                   **self.provenance))


