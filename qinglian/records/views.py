"""Activity records (纪实): list, fast entry, detail, edit, attachments and bulk entry from Excel."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from qinglian.lib import files
from qinglian.lib.exports import XLSX, file_response
from qinglian.lib.services import ConflictError
from qinglian.lib.views import (
    business_required,
    current_unit,
    paginate,
    render_page,
    unit_from_param,
    writer_required,
)
from qinglian.org.scoping import subtree_q
from qinglian.records import excel
from qinglian.records.forms import (
    ActivityEditForm,
    ActivityFilter,
    ActivityForm,
    ImportUploadForm,
    picker_groups,
)
from qinglian.records.importing import resolve
from qinglian.records.models import Activity, ActivityKind, Attachment
from qinglian.records.services import (
    activities_import,
    activity_create,
    activity_delete,
    activity_restore,
    activity_update,
)

LAST_UNIT, LAST_KIND, IMPORT_KEY = "records_last_unit", "records_last_kind", "records_import"


def _activities(request: HttpRequest, form: ActivityFilter) -> Any:
    qs = (Activity.objects.visible_to(request.user).filter(subtree_q(current_unit(request)))
          .select_related("unit", "kind"))
    if form.is_valid():
        d = form.cleaned_data
        if d["kind"]:
            qs = qs.filter(kind=d["kind"])
        if d["date_from"]:
            qs = qs.filter(happened_on__gte=d["date_from"])
        if d["date_to"]:
            qs = qs.filter(happened_on__lte=d["date_to"])
        if d["late"]:
            qs = qs.filter(late=True)
        if d["q"]:
            qs = qs.filter(topic__contains=d["q"])  # the content is encrypted: search covers the topic only
    # the list shows no content: leave the encrypted column out of the query (nothing to decrypt)
    return qs.defer("minutes").order_by("-happened_on", "-id")


@business_required
def activities(request: HttpRequest) -> HttpResponse:
    form = ActivityFilter(request.GET)
    page = paginate(_activities(request, form), request)
    return render_page(request, "records/activities.html", {"form": form, "page": page},
                       fragment="records/_activity_rows.html")


def _form_page(request: HttpRequest, form: ActivityForm, activity: Activity | None = None) -> HttpResponse:
    return render(request, "records/activity_form.html", {"form": form, "activity": activity})


@writer_required
def activity_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ActivityForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                activity = activity_create(user=request.user, data=form.activity_input,
                                           files=form.cleaned_data["files"], request=request)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                request.session[LAST_UNIT] = activity.unit_id
                request.session[LAST_KIND] = activity.kind_id
                tag = "（补录）" if activity.late else ""
                messages.success(request, f"已登记{tag}：{activity}")
                if "another" in request.POST:
                    return redirect("records:activity_new")
                return redirect("records:activity", pk=activity.pk)
        return _form_page(request, form)
    initial: dict[str, Any] = {"unit": request.session.get(LAST_UNIT) or current_unit(request).pk,
                               "kind": request.session.get(LAST_KIND)}
    return _form_page(request, ActivityForm(initial=initial, user=request.user))


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@business_required
def people_picker(request: HttpRequest) -> HttpResponse:
    """The participant checkboxes for another unit (htmx, when the unit select changes)."""
    unit = unit_from_param(request, request.GET.get("unit"))
    return render(request, "records/_picker.html", {"groups": picker_groups(unit), "selected_participants": set(),
                                                    "selected_talked_to": set()})


@business_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(
        Activity.with_deleted.visible_to(request.user).select_related("unit", "kind", "presided_by"), pk=pk)
    context = {
        "activity": activity,
        "participants": activity.participants.select_related("unit").order_by("unit__path", "order", "id"),
        "talked_to": activity.talked_to.select_related("unit").order_by("unit__path", "order", "id"),
        "attachments": activity.attachments.all(),
        "duties": activity.linked_duties.select_related("duty_list", "duty_list__unit"),
    }
    return render(request, "records/activity_detail.html", context)


@writer_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(Activity.objects.visible_to(request.user), pk=pk)
    if request.method == "POST":
        form = ActivityEditForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                activity_update(user=request.user, activity=activity, data=form.activity_input,
                                version=form.cleaned_data["version"], files=form.cleaned_data["files"],
                                request=request)
            except ConflictError as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, f"已保存：{activity}")
                return redirect("records:activity", pk=activity.pk)
        return _form_page(request, form, activity)
    initial = {"unit": activity.unit_id, "kind": activity.kind_id, "happened_on": activity.happened_on,
               "topic": activity.topic, "presided_by": activity.presided_by_id, "minutes": activity.minutes,
               "participants": list(activity.participants.values_list("pk", flat=True)),
               "talked_to": list(activity.talked_to.values_list("pk", flat=True)), "version": activity.version,
               "security_label": activity.security_label}
    return _form_page(request, ActivityEditForm(initial=initial, user=request.user), activity)


@require_POST
@writer_required
def activity_remove(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(Activity.objects.visible_to(request.user), pk=pk)
    activity_delete(user=request.user, activity=activity, request=request)
    messages.success(request, f"已删除：{activity}。可在此页恢复。")
    return redirect("records:activity", pk=pk)


@require_POST
@writer_required
def activity_undelete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(Activity.with_deleted.visible_to(request.user).deleted(), pk=pk)
    activity_restore(user=request.user, activity=activity, request=request)
    messages.success(request, f"已恢复：{activity}")
    return redirect("records:activity", pk=pk)


@business_required
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk)
    return files.download(request, item, reverse("records:activity", args=[item.activity_id]))


# -- bulk entry from Excel ---------------------------------------------------------------------------------
@writer_required
def import_template(request: HttpRequest) -> HttpResponse:
    kinds = [f"{k.name}（{k.counting_unit}）" for k in ActivityKind.objects.filter(active=True)]
    return file_response(excel.template_bytes(kinds, current_unit(request).full_name), "纪实记录导入模板.xlsx", XLSX)


def _preview(request: HttpRequest, state: dict[str, Any], form: ImportUploadForm | None = None) -> HttpResponse:
    unit = unit_from_param(request, state["unit"])
    rows = [excel.SheetRow.from_plain(r) for r in state["rows"]]
    sheet_problems = [excel.Problem(**p) for p in state.get("problems", [])]
    resolved = resolve(user=request.user, rows=rows, default_unit=unit)
    problems = sorted([*sheet_problems, *resolved.problems], key=lambda p: (p.row, p.column))
    by_row: dict[int, list[str]] = {}
    for p in problems:
        by_row.setdefault(p.row, []).append(str(p))
    preview = [{"sheet": r, "data": data, "problems": by_row.get(r.row, [])} for r, data in resolved.rows]
    clean = not problems and resolved.clean and bool(rows)
    return render(request, "records/import.html", {
        "form": form or ImportUploadForm(user=request.user, initial={"unit": unit.pk}), "state": state,
        "preview": preview, "problems": problems, "clean": clean, "unit": unit, "resolved": resolved,
    })


@writer_required
def import_upload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            sheet = excel.read_sheet(upload.read(), max_unpacked=settings.QINGLIAN_MAX_UNPACKED_BYTES,
                                     max_rows=min(settings.QINGLIAN_MAX_IMPORT_ROWS, excel.MAX_ROWS))
            if not sheet.rows and sheet.problems and all(p.row == 0 for p in sheet.problems):
                form.add_error("file", "；".join(p.message for p in sheet.problems))  # refused as a whole
                request.session.pop(IMPORT_KEY, None)  # a confirm now must not import an earlier upload
                return render(request, "records/import.html", {"form": form})
            state = {"unit": form.cleaned_data["unit"].pk, "name": upload.name,
                     "rows": [r.to_plain() for r in sheet.rows],
                     "problems": [{"row": p.row, "column": p.column, "message": p.message} for p in sheet.problems]}
            request.session[IMPORT_KEY] = state
            return _preview(request, state, form)
    else:
        form = ImportUploadForm(user=request.user, initial={"unit": current_unit(request).pk})
    return render(request, "records/import.html", {"form": form})


@require_POST
@writer_required
def import_confirm(request: HttpRequest) -> HttpResponse:
    state = request.session.get(IMPORT_KEY)
    if not state:
        messages.error(request, "没有待确认的导入：请重新上传文件。")
        return redirect("records:import")
    if state.get("problems"):
        return _preview(request, state)
    unit = unit_from_param(request, state["unit"])
    rows = [excel.SheetRow.from_plain(r) for r in state["rows"]]
    resolved = resolve(user=request.user, rows=rows, default_unit=unit)
    if not resolved.clean or not rows:
        messages.error(request, "数据已有变化，预览中仍有错误，未导入任何记录。请按提示修改后重新上传。")
        return _preview(request, state)
    try:
        created = activities_import(user=request.user, rows=[d for _, d in resolved.rows if d is not None],
                                    source=state.get("name", ""), request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return _preview(request, state)
    del request.session[IMPORT_KEY]
    late = sum(1 for a in created if a.late)
    messages.success(request, f"已导入 {len(created)} 条纪实记录" + (f"，其中补录 {late} 条" if late else "") + "。")
    return redirect("records:activities")
