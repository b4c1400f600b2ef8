"""历史版本 of one record: its versions with what each changed, and the record as it stood at a moment."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from qinglian.history.forms import MomentForm
from qinglian.history.models import Version
from qinglian.history.selectors import UnknownModel, diff, state_at, tracked_model, versions
from qinglian.lib.models import Record
from qinglian.lib.views import business_required

SEALED = "（加密内容，不在历史中显示）"


@business_required
def record_history(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    try:
        model = tracked_model(label)
    except UnknownModel as exc:
        raise Http404 from exc
    try:  # the one scoping rule: a record the user may not see has no history either
        obj = model.with_deleted.visible_to(request.user).get(pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    rows = versions(model, pk)
    entries = []
    previous: Version | None = None
    for v in rows:
        changes = [_shown(model, c, first=previous is None)
                   for c in diff(model, previous.data if previous else None, v.data)]
        entries.append({"version": v, "changes": changes})
        previous = v
    entries.reverse()
    form = MomentForm(request.GET if "at" in request.GET else None)
    at_state = None
    if form.is_valid():
        moment = form.cleaned_data["at"]
        state = state_at(model, pk, moment, depth=0)
        at_state = {"missing": state is None, "fields": _fields(model, state) if state else [],
                    "moment": timezone.localtime(moment), "version": state["version"] if state else None}
    return render(request, "history/record.html", {
        "obj": obj, "model_name": model._meta.verbose_name, "entries": entries, "form": form, "at_state": at_state,
    })


def _shown(model: type[Record], change: Any, *, first: bool) -> dict[str, Any]:
    """A change as the page shows it: the first version lists what it set, later ones old → new."""
    if change.sealed:
        return {"label": change.label, "old": None, "new": "（加密内容）" if first else "已修改（加密内容）"}
    return {"label": change.label, "old": None if first else _value(model, change.name, change.old),
            "new": _value(model, change.name, change.new)}


def _fields(model: type[Record], state: dict[str, Any]) -> list[dict[str, Any]]:
    shown = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in Record.BOOKKEEPING or field.name in model.UNTRACKED_FIELDS:
            continue
        value = state["fields"].get(field.attname)
        shown.append({"label": field.verbose_name,
                      "value": SEALED if getattr(field, "sealed", False) else _value(model, field.name, value)})
    for name, ids in state.get("m2m", {}).items():
        shown.append({"label": model._meta.get_field(name).verbose_name, "value": _value(model, name, ids)})
    return shown


def _value(model: type[Record], name: str, value: Any) -> str:
    """A stored value as a clerk reads it: a choice's label, a linked row's name, 是/否."""
    if value in (None, "", []):
        return "（空）"
    field = model._meta.get_field(name)
    if field.many_to_many or field.many_to_one:
        target = field.related_model
        ids = value if isinstance(value, list) else [value]
        names = {o.pk: str(o) for o in target._base_manager.filter(pk__in=ids)}
        return "、".join(names.get(i, f"#{i}") for i in ids)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)
