"""Excel import (upload → mapping if unsure → preview → confirm) and export.

The uploaded file waits under MEDIA_ROOT/imports/ (never in the web root) with a random name held in the
user's session; nothing is written to the ledger until the user confirms a clean preview. The file is parsed
once, on upload (and again only when the user changes the column mapping): what was parsed waits next to it
as JSON, and the preview and the confirm read that, so a 20,000-row ledger is not parsed on every view.
A file refused as a whole (too large, not a workbook, a zip that lies) re-shows the upload form with why."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinglian.ledger import forms
from qinglian.ledger.batches import earlier_imports
from qinglian.ledger.excel import FIELD_LABELS, ParsedLedger, split_plan, splittable
from qinglian.ledger.jobs import ledger_import_enqueue, plan_rows, queue_rows
from qinglian.ledger.models import Source
from qinglian.ledger.names import may_add_people
from qinglian.ledger.transfer import ImportOutcome, ledger_export_xlsx, ledger_import_xlsx, ledger_read_xlsx
from qinglian.lib import files
from qinglian.lib.exports import XLSX, file_response
from qinglian.lib.views import business_required, current_unit, render_page, writer_required
from qinglian.org.models import Unit
from qinglian.org.scoping import may_write_unit, subtree_q

SESSION_KEY = "ledger_imports"


def _pending(request: HttpRequest, token: str) -> tuple[dict[str, Any], ParsedLedger]:
    pending = request.session.get(SESSION_KEY, {}).get(token)
    parsed = files.parked_parsed(token)
    if pending is None or parsed is None or files.parked(token) is None:
        raise Http404
    ledger = ParsedLedger.from_plain(parsed)
    if pending.get("split"):  # the user chose to split "1.…；2.…" measures into one measure per item
        ledger.aspects, ledger.split_measures = split_plan(ledger.aspects), True
    return dict(pending), ledger


def _keep(request: HttpRequest, token: str, pending: dict[str, Any]) -> None:
    store = request.session.get(SESSION_KEY, {})
    store[token] = pending
    request.session[SESSION_KEY] = store


def _forget(request: HttpRequest, token: str) -> None:
    store = request.session.get(SESSION_KEY, {})
    store.pop(token, None)
    request.session[SESSION_KEY] = store


def _parse(token: str, pending: dict[str, Any]) -> ParsedLedger:
    """Parse the parked upload (on upload, or with a new column mapping) and keep the result next to it."""
    path = files.parked(token)
    if path is None:
        raise Http404
    parsed = ledger_read_xlsx(path.read_bytes(), pending["name"], sheet=pending.get("sheet") or None,
                              mapping=pending.get("mapping") or None)
    files.park_parsed(token, parsed.to_plain())
    return parsed


def _run(request: HttpRequest, pending: dict[str, Any], parsed: ParsedLedger, dry_run: bool, *,
         names: dict[str, str] | None = None, skip: bool = False, data: bytes = b"") -> tuple[Unit, ImportOutcome]:
    unit = Unit.objects.filter(pk=pending["unit"]).first()
    if unit is None or not may_write_unit(request.user, unit):
        raise Http404
    given = dict(pending["fields"])
    if given.get("feedback_date"):
        given["feedback_date"] = timezone.datetime.fromisoformat(given["feedback_date"]).date()
    return unit, ledger_import_xlsx(user=request.user, unit=unit, filename=pending["name"], source_fields=given,
                                    parsed=parsed, dry_run=dry_run, names=names, skip_refused=skip, data=data)


def _refused(parsed: ParsedLedger) -> str:
    """The message when the file was refused as a whole (nothing read, nothing to map), else ""."""
    if parsed.aspects or parsed.needs_mapping or not parsed.errors or any(e.row for e in parsed.errors):
        return ""
    return "；".join(e.message for e in parsed.errors)


@writer_required
def import_upload(request: HttpRequest) -> HttpResponse:
    unit = current_unit(request)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        token = files.park(content)
        date = form.cleaned_data["feedback_date"]
        entry = {"name": upload.name, "unit": unit.pk, "sheet": form.cleaned_data["sheet"],
                 "fields": {"kind": form.cleaned_data["kind"], "issued_by": form.cleaned_data["issued_by"],
                            "feedback_date": date.isoformat() if date else None}, "mapping": None,
                 "sha256": hashlib.sha256(content).hexdigest()}
        if refused := _refused(_parse(token, entry)):
            files.unpark_parsed(token)
            form.add_error("file", refused)
        else:
            pending = request.session.get(SESSION_KEY, {})
            pending[token] = entry
            request.session[SESSION_KEY] = pending
            return redirect("ledger:import_preview", token)
    return render_page(request, "ledger/import.html", {"form": form, "unit": unit})


@writer_required
def import_preview(request: HttpRequest, token: str) -> HttpResponse:
    pending, parsed = _pending(request, token)
    if request.method == "POST" and "split" in request.POST:  # one measure per numbered item, or as written
        pending["split"] = request.POST["split"] == "1"
        _keep(request, token, pending)
        return redirect("ledger:import_preview", token)
    if request.method == "POST":  # the mapping step: the one change that parses the file again
        headers = request.POST.getlist("headers")
        mapping_form = forms.MappingForm(headers, {}, request.POST)
        if mapping_form.is_valid():
            pending["mapping"] = mapping_form.mapping()
            _keep(request, token, pending)
            parsed = _parse(token, pending)
            if pending.get("split"):
                parsed.aspects, parsed.split_measures = split_plan(parsed.aspects), True
    unit, outcome = _run(request, pending, parsed, dry_run=True)
    mapping_form = None
    if outcome.parsed.needs_mapping or pending.get("mapping"):
        mapping_form = forms.MappingForm(outcome.parsed.headers, outcome.parsed.mapping())
    skipping = None  # with problems on some rows only: what importing the rest would write
    if outcome.errors and all(e.row for e in outcome.errors) and not outcome.parsed.needs_mapping:
        _unit, skipping = _run(request, pending, parsed, dry_run=True, skip=True)
        skipping = skipping if skipping.ok and skipping.result.would_create else None
    shown = skipping or outcome
    return render_page(request, "ledger/import_preview.html", {
        "token": token, "unit": unit, "outcome": outcome, "result": outcome.result, "errors": outcome.errors,
        "mapping_form": mapping_form, "headers": outcome.parsed.headers, "name": pending["name"],
        "labels": FIELD_LABELS, "skipping": skipping, "split": bool(pending.get("split")),
        "splittable": splittable(ParsedLedger.from_plain(files.parked_parsed(token) or {}).aspects)
        if pending.get("split") else splittable(parsed.aspects),
        "names_form": forms.UnmatchedNamesForm(shown.result.unmatched, may_add_people(request.user, unit)),
        "earlier": list(earlier_imports(request.user, pending.get("sha256", ""))[:5]),
    })


@writer_required
@require_POST
def import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    pending, parsed = _pending(request, token)
    skip = request.POST.get("skip") == "1"
    unit, preview = _run(request, pending, parsed, dry_run=True, skip=skip)
    names = forms.UnmatchedNamesForm(preview.result.unmatched, may_add_people(request.user, unit),
                                     request.POST).choices()
    if plan_rows(parsed) > queue_rows():  # a large ledger is written by the worker, with a progress bar
        job = ledger_import_enqueue(user=request.user, unit=unit, token=token, pending=pending, names=names,
                                    skip=skip)
        _forget(request, token)
        messages.info(request, "台账较大，已转入后台导入；完成后本页会给出链接，可以离开本页稍后再看。")
        return redirect(job)
    path = files.parked(token)
    data = path.read_bytes() if path is not None else b""
    _unit, outcome = _run(request, pending, parsed, dry_run=False, names=names, skip=skip, data=data)
    if not outcome.ok:
        messages.error(request, "导入未完成：文件中仍有问题，未写入任何内容。")
        return redirect("ledger:import_preview", token)
    files.unpark_parsed(token)
    _forget(request, token)
    result = outcome.result
    if result.created:
        kept = f"{len(result.unmatched)}个名称按原文保留，待匹配；" if result.unmatched else ""
        left = f"{len(result.refused)}行未导入，可在导入批次页面下载；" if result.refused else ""
        messages.success(request, f"已导入：{result.aspects}个方面{result.problems}项具体问题{result.measures}条措施，"
                                  f"新建{result.created}条记录。{kept}{left}".rstrip("；"))
        if result.batch_id and (result.unmatched or result.refused):
            return redirect("ledger:batch", result.batch_id)
    else:
        messages.success(request, "台账中已有这些内容，本次没有新建任何记录。")
    if result.source_id:
        return redirect("ledger:source", result.source_id)
    return redirect("ledger:ledger")


@business_required
def export(request: HttpRequest) -> HttpResponse:
    unit = current_unit(request)
    sources = Source.objects.visible_to(request.user).filter(subtree_q(unit))
    if source := request.GET.get("source"):
        sources = sources.filter(pk=source if str(source).isdigit() else 0)
    content = ledger_export_xlsx(user=request.user, unit=unit, sources=sources)
    return file_response(content, f"整改台账-{unit.name}-{timezone.localdate():%Y%m%d}.xlsx", XLSX)
