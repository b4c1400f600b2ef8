from django.urls import path

from qinglian.notify import views, views_rules

app_name = "notify"

urlpatterns = [
    path("", views.inbox_page, name="inbox"),
    path("messages/<int:pk>/read/", views.message_read, name="message_read"),
    path("messages/read-all/", views.messages_read_all, name="messages_read_all"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
    # The feed's own prefix: the log-in gates let exactly /notify/feed/ through (notify.ical.feed_prefix).
    path("feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("mail/", views.mail_failures, name="mail_failures"),
    path("mail/retry/", views.mail_retry, name="mail_retry"),
    path("rules/", views_rules.rules_page, name="rules"),
]
