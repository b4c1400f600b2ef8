"""/api/: the token page (HTML, in a session) and the JSON API (tokens alone; the OpenAPI document for anyone)."""

from django.urls import path

from qinglian.api import figures, ledger, org, records, reports, views
from qinglian.api.base import api

api.add_router("", org.router)
api.add_router("/ledger", ledger.router)
api.add_router("/records", records.router)
api.add_router("/figures", figures.router)
api.add_router("/reports", reports.router)

app_name = "api"
urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    *api.urls[0],
]
