from django.urls import path

from qinglian.verify import views, views_profile
from qinglian.verify.urls_checks import CHECK_URLS

app_name = "verify"

urlpatterns = [
    path("", views.pending, name="pending"),
    path("rules/", views.rules, name="rules"),
    path("measures/<int:pk>/extensions/", views.extension_new, name="extension_new"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("measures/<int:pk>/complete/", views.complete, name="complete"),
    path("measures/<int:pk>/accept/", views.accept, name="accept"),
    path("measures/<int:pk>/parts/", views.part_new, name="part_new"),
    path("parts/<int:pk>/progress/", views.part_progress, name="part_progress"),
    path("sources/<int:pk>/issuer/", views.issuer_set, name="issuer_set"),
    path("problems/<int:pk>/recurrence/", views.recurrence, name="recurrence"),
    path("problems/<int:pk>/profile/", views_profile.profile_set, name="profile_set"),
    path("sources/<int:pk>/classes/", views_profile.bulk_set, name="bulk_classes"),
    path("sources/<int:pk>/coverage/", views_profile.coverage_page, name="coverage"),
    *CHECK_URLS,
]
