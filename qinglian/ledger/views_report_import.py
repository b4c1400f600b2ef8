"""Importing a Word/txt report: upload → editable preview → confirm.

The upload waits under MEDIA_ROOT/imports/ (never in the web root) under a random token held in the
user's session, with what was read from it on upload next to it as JSON: the preview and the confirm take
the structure from there (the file is read once), the user's edits come with the confirm form, and
nothing is written until the user confirms a preview without errors.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from paperwork.read import ReadError, ReadResult, read_bytes
from qinglian.ledger.models import MeasureStatus, SourceKind
from qinglian.ledger.report_import import (
    TARGETS,
    Edit,
    ReportOutcome,
    Row,
    default_edits,
    is_rectification,
    report_import,
    report_rows,
    source_guess,
)
from qinglian.lib import files
from qinglian.lib.forms import ChineseDateField, IdField
from qinglian.lib.views import chosen_unit, render_page, writer_required
from qinglian.org.models import Person, Unit
from qinglian.org.scoping import may_write_unit, subtree_q

SESSION_KEY = "ledger_report_imports"
MB = 1024 * 1024
GENRE_LABELS = {"responsibility": "落实党风廉政建设责任制情况报告", "personal": "述责述廉报告",
                "rectification": "巡察整改情况通报", "summary": "工作总结及下年计划", "bulletin": "新闻宣传通报"}
PEOPLE_LIMIT = 3000
UNITS_LIMIT = 1000


class ReportUploadForm(forms.Form):
    file = forms.FileField(label="报告文件（.docx、.pdf 或 .txt）", allow_empty_file=True,
                           help_text="旧版 .doc / .wps 会自动转换为 .docx；PDF 须是文字版，扫描件和图片无法读取。")
    unit = IdField(widget=forms.HiddenInput)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.QINGLIAN_MAX_UPLOAD_BYTES:
            return upload  # the view refuses it from its size, unread
        return files.checked_file(upload, allowed=files.READABLE, what="报告文件", hint=files.READ_HINT)


class ReportSourceForm(forms.Form):
    kind = forms.ChoiceField(label="来源", choices=[("", "请选择"), *SourceKind.choices], required=False)
    issued_by = forms.CharField(label="反馈机关", max_length=200, required=False,
                                help_text="如：市委第七提级交叉巡察组；自查写本单位名称。")
    feedback_date = ChineseDateField(label="反馈日期", required=False)
    title = forms.CharField(label="名称", max_length=300, required=False, help_text="留空时自动生成。")


# -- helpers ------------------------------------------------------------------------------------------------
def _size(n: int) -> str:
    return f"{n / MB:.3g} MB" if n >= MB else f"{n / 1024:.3g} KB"


def _writable(request: HttpRequest, value: Any) -> Unit:
    """The target unit: visible and writable, else 404 (never a hint that it exists)."""
    unit = chosen_unit(request, value)
    if not may_write_unit(request.user, unit):
        raise Http404
    return unit


def _pending(request: HttpRequest, token: str) -> tuple[dict[str, Any], Unit, ReadResult]:
    pending = request.session.get(SESSION_KEY, {}).get(token) if token.isalnum() else None
    stored = files.parked_parsed(token)
    if pending is None or stored is None or files.parked(token) is None:
        raise Http404
    return pending, _writable(request, pending["unit"]), ReadResult.from_plain(stored)


def _forget(request: HttpRequest, token: str) -> None:
    files.unpark_parsed(token)
    store = request.session.get(SESSION_KEY, {})
    store.pop(token, None)
    request.session[SESSION_KEY] = store


def _duty_lists(unit: Unit) -> dict[str, Any]:
    from qinglian.records.models import DutyList

    lists = DutyList.objects.filter(unit=unit).select_related("unit", "owner").order_by("-year", "kind", "id")[:50]
    return {str(d.pk): d for d in lists}


def _edits_from_post(post: Any, rows: list[Row]) -> tuple[dict[str, Edit], Edit]:
    def get(name: str, default: str = "") -> str:
        return str(post.get(name, default)).strip()

    edits = {}
    for row in rows:
        p = f"{row.id}-"
        edits[row.id] = Edit(
            on=post.get(p + "on") == "1", text=get(p + "text", row.text), status=get(p + "status", row.status),
            leader=get(p + "leader"), responsible_unit=get(p + "unit"), owner=get(p + "owner"),
            deadline_text=get(p + "deadline"), target=get(p + "target", "skip"), problem=get(p + "problem", "new"),
            duty_list=get(p + "duty_list"), frequency=get(p + "frequency"))
    defaults = Edit(leader=get("default-leader"), responsible_unit=get("default-unit"), owner=get("default-owner"),
                    deadline_text=get("default-deadline"))
    return edits, defaults


def _source_fields(form: ReportSourceForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {"kind": data.get("kind") or "", "issued_by": (data.get("issued_by") or "").strip(),
            "feedback_date": data.get("feedback_date"), "title": (data.get("title") or "").strip()}


def _choices(unit: Unit) -> dict[str, Any]:
    """People and units of the target unit's subtree (one datalist each, shared by every row)."""
    people = [(p.name, f"{p.name}（{p.unit.name} {p.post}）".replace(" ）", "）"))
              for p in Person.objects.filter(subtree_q(unit)).select_related("unit")
              .order_by("unit__path", "order", "id")[:PEOPLE_LIMIT]]
    units = list(Unit.objects.filter(subtree_q(unit, "self")).order_by("path")[:UNITS_LIMIT])
    names: dict[str, int] = {}
    for u in units:
        names[u.name] = names.get(u.name, 0) + 1
    return {"people": people,
            "units": [(u.name if names[u.name] == 1 else u.full_name, u.full_name) for u in units]}


def _render(request: HttpRequest, *, token: str, pending: dict[str, Any], unit: Unit, result: ReadResult,
            rows: list[Row], edits: dict[str, Edit], defaults: Edit, source_form: ReportSourceForm,
            outcome: ReportOutcome | None, submitted: bool) -> HttpResponse:
    actions = outcome.actions() if outcome else {}
    errors = list(outcome.errors) if outcome else []
    by_row: dict[int, list[str]] = {}
    for e in errors:
        by_row.setdefault(e.row, []).append(e.message)
    duty_lists = _duty_lists(unit)
    problems = [(r.id, f"第{r.number}项 {r.text[:30]}") for r in rows if r.kind in ("problem", "part")]
    lines: list[dict[str, Any]] = []
    for row in rows:
        edit = edits[row.id]
        lines.append({"row": row, "edit": edit, "action": actions.get(row.number, ""),
                      "errors": by_row.get(row.number, []),
                      "indent": {"aspect": 0, "group": 1, "problem": 1, "part": 2, "measure": 3}.get(row.kind, 0)})
    from qinglian.records.models import Frequency

    ctx = {
        "token": token, "name": pending["name"], "unit": unit, "result": result,
        "genre": GENRE_LABELS.get(result.genre or "", "报告"), "rectification": is_rectification(result),
        "lines": [x for x in lines if x["row"].kind != "plan"], "plans": [x for x in lines if x["row"].kind == "plan"],
        "defaults": defaults, "source_form": source_form, "outcome": outcome, "errors": errors,
        "file_errors": by_row.get(0, []), "submitted": submitted,
        "statuses": MeasureStatus.choices, "targets": list(TARGETS.items()), "problems": problems,
        "duty_lists": list(duty_lists.items()), "frequencies": Frequency.choices,
        "counts": _preview_counts(rows), "nothing": not rows, "too_many_fields": _too_many_fields(rows), **_choices(unit),
    }
    return render_page(request, "ledger/report_import_preview.html", ctx)


def _too_many_fields(rows: list[Row]) -> int:
    """How many fields the confirm form sends, when that is more than Django accepts in one POST (else 0)."""
    sent = 12 + sum(7 if r.kind == "measure" else 12 if r.kind == "plan" else 2 for r in rows)
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    return sent if limit is not None and sent > limit else 0


def _preview_counts(rows: list[Row]) -> dict[str, int]:
    aspects = sum(1 for r in rows if r.kind == "aspect")
    groups_with_parts = {r.parent for r in rows if r.kind == "part"}
    problems = sum(1 for r in rows if r.kind == "part" or (r.kind in ("problem", "group") and r.id not in groups_with_parts))
    measures = sum(1 for r in rows if r.kind == "measure")
    plans = sum(1 for r in rows if r.kind == "plan")
    return {"aspects": aspects, "problems": problems, "measures": measures, "plans": plans}


# -- views --------------------------------------------------------------------------------------------------
@writer_required
@require_http_methods(["GET", "POST"])
def report_upload(request: HttpRequest) -> HttpResponse:
    unit = _writable(request, request.POST.get("unit") if request.method == "POST" else request.GET.get("unit"))
    form = ReportUploadForm(request.POST or None, request.FILES or None, initial={"unit": unit.pk})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        limit = settings.QINGLIAN_MAX_UPLOAD_BYTES
        if upload.size > limit:  # refused from its size, before a byte of it is read
            form.add_error("file", f"文件大小为 {_size(upload.size)}，超过上限 {_size(limit)}。"
                                   "请删除其中的图片或附件后另存为 .docx，或把正文复制到 .txt 文件后再上传。")
        else:
            data = upload.read(limit + 1)
            try:
                result = read_bytes(data, upload.name, max_bytes=limit,
                                    max_unpacked=settings.QINGLIAN_MAX_UNPACKED_BYTES)
            except ReadError as exc:
                form.add_error("file", exc.message_zh)
            else:
                token = files.park(data)
                files.park_parsed(token, result.to_plain())
                store = request.session.get(SESSION_KEY, {})
                store[token] = {"name": upload.name[:200], "unit": unit.pk}
                request.session[SESSION_KEY] = store
                return redirect("ledger:report_import_preview", token)
    return render_page(request, "ledger/report_import.html", {"form": form, "unit": unit,
                                                              "limit": _size(settings.QINGLIAN_MAX_UPLOAD_BYTES)})


@writer_required
@require_http_methods(["GET"])
def report_preview(request: HttpRequest, token: str) -> HttpResponse:
    pending, unit, result = _pending(request, token)
    rows = report_rows(result)
    edits = default_edits(rows, rectification=is_rectification(result))
    defaults = Edit()
    fields = source_guess(result, unit)
    source_form = ReportSourceForm(initial=fields)
    # A text with nothing to import (no problems, no plans) is read, not refused: the page says so.
    outcome = report_import(user=request.user, unit=unit, rows=rows, edits=edits, defaults=defaults,
                            source_fields=fields, duty_lists=_duty_lists(unit), dry_run=True,
                            origin=pending["name"], request=request) if rows else None
    return _render(request, token=token, pending=pending, unit=unit, result=result, rows=rows, edits=edits,
                   defaults=defaults, source_form=source_form, outcome=outcome, submitted=False)


@writer_required
@require_POST
def report_confirm(request: HttpRequest, token: str) -> HttpResponse:
    pending, unit, result = _pending(request, token)
    rows = report_rows(result)
    edits, defaults = _edits_from_post(request.POST, rows)
    source_form = ReportSourceForm(request.POST)
    outcome = None
    if source_form.is_valid():
        outcome = report_import(user=request.user, unit=unit, rows=rows, edits=edits, defaults=defaults,
                                source_fields=_source_fields(source_form), duty_lists=_duty_lists(unit),
                                origin=pending["name"], request=request)
    if outcome is None or not outcome.ok:
        messages.error(request, "未导入：请按提示改正后再确认，尚未写入任何内容。")
        return _render(request, token=token, pending=pending, unit=unit, result=result, rows=rows, edits=edits,
                       defaults=defaults, source_form=source_form, outcome=outcome, submitted=True)
    _forget(request, token)
    if outcome.created:
        messages.success(request, f"已导入：{outcome.summary()}。")
    else:
        messages.info(request, "没有新内容：该报告的问题已全部在台账中。")
    if outcome.ledger and outcome.ledger.source_id:
        return redirect("ledger:source", outcome.ledger.source_id)
    if outcome.duties:
        return redirect(reverse("records:duty_list", args=[outcome.duties[0]["duty_list"].pk]))
    return redirect("ledger:ledger")
