from django.urls import path

from qinglian.ledger import views, views_io, views_report_import

app_name = "ledger"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("measures.json", views.measures_json, name="measures_json"),
    path("mine/", views.mine, name="mine"),
    path("sources/", views.sources, name="sources"),
    path("sources/new/", views.source_new, name="source_new"),
    path("sources/<int:pk>/", views.source_detail, name="source"),
    path("sources/<int:pk>/aspects/", views.aspect_new, name="aspect_new"),
    path("aspects/<int:pk>/problems/", views.problem_new, name="problem_new"),
    path("aspects/<int:pk>/", views.aspect_detail, name="aspect"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/measures/", views.measure_new, name="measure_new"),
    path("problems/<int:pk>/request-close/", views.problem_request_close, name="problem_request_close"),
    path("problems/<int:pk>/approve/", views.problem_approve, name="problem_approve"),
    path("problems/<int:pk>/return/", views.problem_return, name="problem_return"),
    path("problems/<int:pk>/follow-ups/", views.follow_up_new, name="follow_up_new"),
    path("problems/<int:pk>/orders/", views.order_new, name="order_new"),
    path("measures/<int:pk>/", views.measure_detail, name="measure"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/progress/", views.progress_add, name="progress_add"),
    path("measures/<int:pk>/request-close/", views.measure_request_close, name="measure_request_close"),
    path("measures/<int:pk>/approve/", views.measure_approve, name="measure_approve"),
    path("measures/<int:pk>/return/", views.measure_return, name="measure_return"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("follow-ups/<int:pk>/record/", views.follow_up_record, name="follow_up_record"),
    path("orders/", views.orders, name="orders"),
    path("orders/<int:pk>/answer/", views.order_answer, name="order_answer"),
    path("orders/<int:pk>/close/", views.order_close, name="order_close"),
    path("import/", views_io.import_upload, name="import"),
    path("import/<str:token>/", views_io.import_preview, name="import_preview"),
    path("import/<str:token>/confirm/", views_io.import_confirm, name="import_confirm"),
    path("export.xlsx", views_io.export, name="export"),
    path("report-import/", views_report_import.report_upload, name="report_import"),
    path("report-import/<str:token>/", views_report_import.report_preview, name="report_import_preview"),
    path("report-import/<str:token>/confirm/", views_report_import.report_confirm, name="report_import_confirm"),
]
