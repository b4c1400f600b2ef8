from django.urls import path

from qinglian.limits import views

app_name = "limits"
urlpatterns = [
    path("policy/", views.policy, name="policy"),
]
