from django.urls import path

from qinglian.reports import views, views_batch, views_integrity

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("people/", views.people, name="people"),
    path("generate/", views.generate, name="generate"),
    path("batch/", views_batch.batch, name="batch"),
    path("integrity/", views_integrity.integrity, name="integrity"),
    path("integrity/people/", views_integrity.people, name="integrity_people"),
    path("batch/start/", views_batch.batch_start, name="batch_start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("<int:pk>/trace/", views.trace, name="trace"),
    path("<int:pk>/trace.xlsx", views.trace_xlsx, name="trace_xlsx"),
    path("check/", views.check, name="check"),
    path("templates/", views.templates, name="templates"),
    path("templates/default/<str:genre>.docx", views.template_default, name="template_default"),
    path("templates/<int:pk>/file/", views.template_file, name="template_file"),
    path("templates/<int:pk>/delete/", views.template_delete, name="template_delete"),
]
