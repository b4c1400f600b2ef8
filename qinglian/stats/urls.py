from django.urls import path

from qinglian.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.stats_page, name="page"),
    path("records/", views.records_page, name="records"),
    path("figures.json", views.figures_json, name="figures_json"),
]
