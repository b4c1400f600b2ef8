from django.urls import path

from qinglian.dashboard import views

app_name = "dashboard"
urlpatterns = [path("", views.dashboard, name="page")]
