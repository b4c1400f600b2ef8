from django.urls import path

from qinglian.sso import views

app_name = "sso"
urlpatterns = [
    path("login/", views.StartView.as_view(), name="start"),
    path("callback/", views.CallbackView.as_view(), name="callback"),
]
