from django.urls import path

from qinglian.records import views, views_lists

app_name = "records"
urlpatterns = [
    path("", views.activities, name="activities"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("activities/people/", views.people_picker, name="people_picker"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", views.activity_remove, name="activity_delete"),
    path("activities/<int:pk>/restore/", views.activity_undelete, name="activity_restore"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("duties/", views_lists.duties, name="duties"),
    path("duties/new/", views_lists.duty_list_new, name="duty_list_new"),
    path("duties/lists/<int:pk>/", views_lists.duty_list_detail, name="duty_list"),
    path("duties/<int:pk>/", views_lists.duty_detail, name="duty"),
    path("duties/<int:pk>/link/", views_lists.duty_link_view, name="duty_link"),
    path("duties/<int:pk>/edit/", views_lists.duty_edit, name="duty_edit"),
    path("duties/<int:pk>/delete/", views_lists.duty_delete, name="duty_delete"),
    path("letters/", views_lists.letters, name="letters"),
    path("letters/issue/", views_lists.letters_issue_view, name="letters_issue"),
    path("letters/<int:pk>/", views_lists.letter_detail, name="letter"),
    path("letters/<int:pk>/sign/", views_lists.letter_sign_view, name="letter_sign"),
    path("letters/<int:pk>/scan/", views_lists.letter_scan, name="letter_scan"),
    path("risks/", views_lists.risks, name="risks"),
    path("risks/new/", views_lists.risk_new, name="risk_new"),
    path("risks/<int:pk>/", views_lists.risk_detail, name="risk"),
    path("risks/<int:pk>/edit/", views_lists.risk_edit, name="risk_edit"),
]
