from django.urls import path

from qinglian.returns import views

app_name = "returns"
urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("map/<str:token>/", views.mapping, name="mapping"),
    path("definition/", views.definition, name="definition"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/download/", views.download, name="download"),
]
