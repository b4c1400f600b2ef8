"""The sysadmin enters a year's published holiday arrangement here (chinese-calendar knows up to 2026)."""

from __future__ import annotations

from django.contrib import admin

from qinglian.ledger.models import HolidayArrangement
from qinglian.org.admin import SysadminOnly


@admin.register(HolidayArrangement)
class HolidayArrangementAdmin(SysadminOnly):
    list_display = ["year", "notice", "updated_at"]
    fields = ["year", "notice", "holidays", "workdays"]
