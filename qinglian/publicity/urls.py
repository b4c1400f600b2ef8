from django.urls import path

from qinglian.publicity import views, views_opinion, views_review

app_name = "publicity"
urlpatterns = [
    path("", views.publications, name="publications"),
    path("export.xlsx", views.publications_export, name="publications_export"),
    path("new/", views.publication_new, name="publication_new"),
    path("<int:pk>/", views.publication_detail, name="publication"),
    path("<int:pk>/edit/", views.publication_edit, name="publication_edit"),
    path("<int:pk>/delete/", views.publication_delete, name="publication_delete"),
    path("<int:pk>/clipping/", views.publication_clipping, name="publication_clipping"),
    path("bulletin/", views.bulletin, name="bulletin"),
    path("bulletin.<str:fmt>", views.bulletin_download, name="bulletin_download"),
    path("rule/", views.rule, name="rule"),
    path("opinion/", views_opinion.tickets, name="tickets"),
    path("opinion/new/", views_opinion.ticket_new, name="ticket_new"),
    path("opinion/<int:pk>/", views_opinion.ticket_detail, name="ticket"),
    path("opinion/<int:pk>/assess/", views_opinion.ticket_assess, name="ticket_assess"),
    path("opinion/<int:pk>/letter/", views_opinion.ticket_letter, name="ticket_letter"),
    path("opinion/<int:pk>/feedback/", views_opinion.ticket_feedback, name="ticket_feedback"),
    path("opinion/<int:pk>/verify/", views_opinion.ticket_verify, name="ticket_verify"),
    path("opinion/<int:pk>/close/", views_opinion.ticket_close, name="ticket_close"),
    path("digests/", views_opinion.digests, name="digests"),
    path("digests/new/", views_opinion.digest_new, name="digest_new"),
    path("digests/<int:pk>/", views_opinion.digest_detail, name="digest"),
    path("drafts/", views_review.drafts, name="drafts"),
    path("drafts/new/", views_review.draft_new, name="draft_new"),
    path("drafts/<int:pk>/", views_review.draft_detail, name="draft"),
    path("drafts/<int:pk>/edit/", views_review.draft_edit, name="draft_edit"),
    path("drafts/<int:pk>/sign/<str:stage>/", views_review.draft_sign, name="draft_sign"),
    path("drafts/<int:pk>/return/", views_review.draft_return, name="draft_return"),
    path("drafts/<int:pk>/publish/", views_review.draft_publish, name="draft_publish"),
    path("drafts/<int:pk>/sheet.docx", views_review.draft_sheet, name="draft_sheet"),
    path("review-stages/", views_review.review_stages, name="review_stages"),
    path("review-stages/<int:pk>/remove/", views_review.review_stage_remove, name="review_stage_remove"),
]
