"""The system admin extends the activity kinds (data, not code); no business records appear here (三员分立)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from qinglian.org.admin import SysadminOnly
from qinglian.records.models import ActivityKind


@admin.register(ActivityKind)
class ActivityKindAdmin(SysadminOnly):
    list_display = ["name", "code", "category", "counting_unit", "counts_persons", "order", "active"]
    list_filter = ["category", "active"]
    search_fields = ["name", "code"]
    fields = ["name", "code", "category", "counting_unit", "counts_persons", "order", "active"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: ActivityKind, form: Any, change: bool) -> None:
        from qinglian.records.services import activity_kind_save

        activity_kind_save(user=request.user, kind=obj, request=request)
