from django.urls import path

from qinglian.appraisal import views

app_name = "appraisal"

urlpatterns = [
    path("", views.rule_sets, name="rule_sets"),
    path("rules/<int:pk>/", views.rule_set, name="rule_set"),
    path("rules/<int:pk>/indicators/", views.indicator_add, name="indicator_add"),
    path("indicators/<int:pk>/remove/", views.indicator_remove, name="indicator_remove"),
    path("rules/<int:pk>/publish/", views.publish, name="publish"),
    path("rules/<int:pk>/score/", views.score_run, name="score_run"),
    path("runs/<int:pk>/", views.run, name="run"),
    path("scores/<int:pk>/", views.score, name="score"),
    path("scores/<int:pk>/indicators/<int:indicator>/", views.trace, name="trace"),
    path("scores/<int:pk>/appeal/", views.appeal_new, name="appeal_new"),
    path("appeals/", views.appeals, name="appeals"),
    path("appeals/<int:pk>/", views.appeal, name="appeal"),
]
