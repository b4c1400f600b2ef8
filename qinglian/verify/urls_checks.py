"""URLs of 抽查, 质效评估, 申诉 and 投诉建议 (joined into verify's urlpatterns)."""

from django.urls import path

from qinglian.verify import views_appeals, views_assess, views_checks

CHECK_URLS = [
    path("spotchecks/", views_checks.spotchecks, name="spotchecks"),
    path("spotchecks/<int:pk>/", views_checks.spotcheck, name="spotcheck"),
    path("spotchecks/<int:pk>/docx/", views_checks.spotcheck_docx_download, name="spotcheck_docx"),
    path("spotcheck-items/<int:pk>/finding/", views_checks.finding, name="spotcheck_finding"),
    path("spotcheck-evidence/<int:pk>/", views_checks.evidence_download, name="spotcheck_evidence"),
    path("assessments/", views_assess.assessments, name="assessments"),
    path("assessments/start/", views_assess.assessment_start, name="assessment_start"),
    path("assessments/<int:pk>/", views_assess.assessment, name="assessment"),
    path("assessments/<int:pk>/docx/", views_assess.assessment_docx, name="assessment_docx"),
    path("indicator-sets/<int:pk>/", views_assess.indicator_set, name="indicator_set"),
    path("appeals/", views_appeals.appeals, name="appeals"),
    path("appeals/new/", views_appeals.appeal_new, name="appeal_new"),
    path("appeals/<int:pk>/", views_appeals.appeal, name="appeal"),
    path("complaints/", views_appeals.complaints, name="complaints"),
    path("complaints/<int:pk>/answer/", views_appeals.complaint_answer, name="complaint_answer"),
]
