from django.urls import path

from qinglian.oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.findings_page, name="findings"),
    path("findings.xlsx", views.findings_xlsx, name="findings_xlsx"),
    path("findings.docx", views.findings_docx, name="findings_docx"),
    path("order/", views.finding_order, name="order"),
    path("claims/", views.claims_page, name="claims"),
    path("claims/<int:pk>/", views.claim_page, name="claim"),
    path("similar/", views.similar_page, name="similar"),
    path("similar/<str:a>/<str:b>/", views.pair_page, name="pair"),
    path("late/", views.late_page, name="late"),
]
