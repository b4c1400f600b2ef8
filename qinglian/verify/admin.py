"""The system admin edits the problem natures and rectification types (data, not code); no business records
appear here (三员分立)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from qinglian.org.admin import SysadminOnly
from qinglian.verify.models import ProblemNature, RectificationType


class _KindAdmin(SysadminOnly):
    search_fields = ["name", "code"]
    list_filter = ["active"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from qinglian.verify.classes import classes_kind_save

        classes_kind_save(user=request.user, obj=obj, request=request)


@admin.register(ProblemNature)
class ProblemNatureAdmin(_KindAdmin):
    list_display = ["name", "code", "order", "active"]
    fields = ["name", "code", "order", "active"]


@admin.register(RectificationType)
class RectificationTypeAdmin(_KindAdmin):
    list_display = ["name", "code", "months", "order", "active"]
    fields = ["name", "code", "months", "order", "active"]
