from django.contrib import admin

from qinglian.org.admin import SysadminOnly
from qinglian.publicity.models import Outlet


@admin.register(Outlet)
class OutletAdmin(SysadminOnly):
    """Outlets are reference data, like units: the system admin keeps the list; no business rows here."""

    list_display = ["name", "level", "channel", "active", "order"]
    list_filter = ["level", "channel", "active"]
    search_fields = ["name"]
    fields = ["name", "level", "channel", "active", "order"]
