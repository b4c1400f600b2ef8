from django.urls import path

from qinglian.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.stats_page, name="page"),
    path("records/", views.records_page, name="records"),
    path("definitions.xlsx", views.definitions_file, {"fmt": "xlsx"}, name="definitions_xlsx"),
    path("definitions.docx", views.definitions_file, {"fmt": "docx"}, name="definitions_docx"),
    path("figures.json", views.figures_json, name="figures_json"),
]
