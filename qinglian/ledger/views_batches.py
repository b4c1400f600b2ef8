"""Import batches (list, page, undo, the refused rows as .xlsx), the blank import template, and matching the
names an import kept as written (待匹配). Batches and sources are fetched through `visible_to(request.user)`:
another unit's answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from qinglian.audit.models import Action
from qinglian.audit.services import audit_request
from qinglian.ledger import forms
from qinglian.ledger.batches import (
    batch_edits,
    batch_undo,
    measures_match_name,
    name_choices,
    refused_rows_xlsx,
    unmatched_names,
)
from qinglian.ledger.models import ImportBatch, Source
from qinglian.ledger.names import Roster, person_label
from qinglian.ledger.template_xlsx import template_xlsx
from qinglian.lib import files
from qinglian.lib.exports import XLSX, file_response
from qinglian.lib.views import business_required, current_unit, paginate, render_page, writer_required
from qinglian.org.scoping import may_write_unit, subtree_q


@business_required
def import_template(request: HttpRequest) -> HttpResponse:
    return file_response(template_xlsx(), "整改台账导入模板.xlsx", XLSX)


@business_required
def batch_list(request: HttpRequest) -> HttpResponse:
    unit = current_unit(request)
    qs = (ImportBatch.objects.visible_to(request.user).filter(subtree_q(unit))
          .select_related("unit", "source", "created_by", "undone_by").order_by("-created_at", "-id"))
    return render_page(request, "ledger/batches.html", {"page": paginate(qs, request), "unit": unit})


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    qs = ImportBatch.objects.visible_to(request.user).select_related("unit", "source", "created_by", "undone_by")
    return get_object_or_404(qs, pk=pk)


@business_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    edits = [] if batch.is_undone else batch_edits(batch)
    may_undo = not batch.is_undone and not edits and may_write_unit(request.user, batch.unit)
    return render_page(request, "ledger/batch.html", {
        "batch": batch, "edits": edits, "may_undo": may_undo, "form": forms.UndoForm(),
        "source_alive": batch.source_id and Source.objects.filter(pk=batch.source_id).exists()})


@writer_required
@require_POST
def batch_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    form = forms.UndoForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写撤销原因。")
        return redirect("ledger:batch", batch.pk)
    try:
        removed = batch_undo(user=request.user, batch=batch, reason=form.cleaned_data["reason"], request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已撤销该批次导入，删除了{removed}条记录。")
    return redirect("ledger:batch", batch.pk)


@business_required
def batch_refused(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    audit_request(request, action=Action.EXPORT, summary=f"下载导入批次未导入的行：{batch.name}（{len(batch.refused)}条）",
                  obj=batch)
    stem = batch.name.rsplit(".", 1)[0] or "台账"
    return file_response(refused_rows_xlsx(batch), f"{stem}-未导入的行.xlsx", XLSX)


@business_required
def batch_file(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    if not batch.stored:
        messages.error(request, "该批次没有保存原始文件。")
        return redirect("ledger:batch", batch.pk)
    return files.download(request, batch, back=batch.get_absolute_url())


@business_required
def source_names(request: HttpRequest, pk: int) -> HttpResponse:
    """The names a source's measures keep as written (待匹配), each with a form to match it."""
    source = get_object_or_404(Source.objects.visible_to(request.user).select_related("unit"), pk=pk)
    writable = may_write_unit(request.user, source.unit)
    if request.method == "POST":
        if not writable:
            raise PermissionDenied("无权修改该台账。")
        form = forms.MatchNameForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            target = name_choices(request.user, source, data["field"]).filter(pk=data["target"]).first()
            if target is None:
                messages.error(request, "所选人员或单位不在该台账的单位范围内，请重新选择。")
            else:
                try:
                    n = measures_match_name(user=request.user, source=source, field_name=data["field"],
                                            text=data["text"], target=target, request=request)
                except ValidationError as exc:
                    messages.error(request, "；".join(exc.messages))
                else:
                    messages.success(request, f"已将{n}条措施中的“{data['text']}”匹配为{target.name}。")
        else:
            messages.error(request, "请选择要匹配的人员或单位。")
        return redirect("ledger:source_names", source.pk)
    names = unmatched_names(request.user, source)
    options: dict[str, list[tuple[int, str]]] = {}
    roster = Roster(source.unit) if writable and names else None
    for n in names:
        if roster is None:
            break
        field = n["field"]
        if field not in options:
            choices = name_choices(request.user, source, field)
            options[field] = [(c.pk, c.label if field == "responsible_unit" else person_label(c)) for c in choices]
        match = (roster.unit_named(n["text"]) if field == "responsible_unit"
                 else roster.person_named(n["text"], None, leader=field == "leader_in_charge"))
        allowed = {pk for pk, _ in options[field]}
        n["closest"] = [(c.pk, c.label if field == "responsible_unit" else person_label(c))
                        for c in match.candidates if c.pk in allowed]
        n["options"] = options[field]
    return render_page(request, "ledger/source_names.html", {"source": source, "names": names,
                                                              "writable": writable})
