from __future__ import annotations

import importlib

from django.contrib import admin
from django.urls import include, path

from qinglian.limits.services import login_limited
from qinglian.org import views as org_views
from qinglian.sso.views import LogoutView

urlpatterns = [
    path("", org_views.home, name="home"),
    path("login/", login_limited(org_views.LoginView.as_view()), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),  # Django's, then the identity system's (qinglian.sso)
    path("admin/", admin.site.urls),
    path("org/", include("qinglian.org.urls")),
    path("audit/", include("qinglian.audit.urls")),
]

# Domain apps mount themselves at /<label>/ once they have a urls module.
for label in ("stats", "ledger", "records", "publicity", "reports", "limits", "factors", "history", "notify", "dashboard", "jobs", "verify", "oversight", "api", "returns", "appraisal", "sso"):
    try:
        importlib.import_module(f"qinglian.{label}.urls")
    except ModuleNotFoundError:
        continue
    urlpatterns.append(path(f"{label}/", include(f"qinglian.{label}.urls")))

handler400 = "qinglian.lib.errors.bad_request"
handler403 = "qinglian.lib.errors.forbidden"
handler404 = "qinglian.lib.errors.not_found"
handler500 = "qinglian.lib.errors.server_error"
