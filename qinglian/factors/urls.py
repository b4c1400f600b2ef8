from django.urls import path

from qinglian.factors import views

app_name = "factors"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("code/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("recovery/", views.recovery, name="recovery"),
    path("reset/<int:pk>/", views.reset, name="reset"),
]
