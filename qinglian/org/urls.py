from django.urls import path

from qinglian.org import views

app_name = "org"
urlpatterns = [
    path("switch/", views.switch_unit, name="switch"),
    path("switch/options/", views.unit_options, name="unit_options"),
    path("units/", views.units, name="units"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("people/", views.people, name="people"),
    path("people/export.xlsx", views.people_export, name="people_export"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/unmask/", views.person_unmask, name="person_unmask"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/delete/", views.person_delete, name="person_delete"),
    path("people/<int:pk>/restore/", views.person_restore, name="person_restore"),
    path("policy/", views.policy, name="policy"),
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/<int:pk>/", views.account, name="account"),
    path("accounts/<int:pk>/clearance/", views.account_clearance, name="account_clearance"),
    path("accounts/dormant/", views.dormant, name="dormant"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
]
