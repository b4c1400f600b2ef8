from django.urls import path

from qinglian.history import views

app_name = "history"
urlpatterns = [path("<str:label>/<int:pk>/", views.record_history, name="record")]
