"""The inbox page (mark read, mark all read, filter by kind), the calendar feed and its reset, and the system
admin's list of reminder mails that could not be sent."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from qinglian.lib.views import paginate, roles_required
from qinglian.notify import ical, inbox, mail
from qinglian.notify.models import KIND_LABELS, CalendarFeed
from qinglian.org.models import Role

signed_in = roles_required(*Role.values)
sysadmin_required = roles_required(Role.SYSADMIN)
SHOWN_TOKEN = "qinglian_calendar_token"


class InboxFilter(forms.Form):
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部类别"), *KIND_LABELS.items()])
    unread = forms.BooleanField(label="只看未读", required=False)


def _back(request: HttpRequest) -> HttpResponse:
    """To the inbox as it was filtered (kind, unread, page posted back as hidden fields)."""
    params = {k: request.POST[k] for k in ("kind", "unread", "page") if request.POST.get(k)}
    return redirect(reverse("notify:inbox") + (f"?{urlencode(params)}" if params else ""))


@signed_in
@require_GET
def inbox_page(request: HttpRequest) -> HttpResponse:
    form = InboxFilter(request.GET)
    kind, unread = "", False
    if form.is_valid():
        kind, unread = form.cleaned_data["kind"], form.cleaned_data["unread"]
    page = paginate(inbox.messages_for(request.user, kind=kind, unread=unread), request, size=30)
    feed = CalendarFeed.objects.filter(user_id=request.user.pk).only("created_at").first()
    token = request.session.pop(SHOWN_TOKEN, None)
    return render(request, "notify/inbox.html", {
        "form": form, "page": page, "kind": kind, "unread": unread, "feed": feed,
        "feed_url": ical.feed_url(token) if token else "", "kinds": KIND_LABELS,
    })


@signed_in
@require_POST
def message_read(request: HttpRequest, pk: int) -> HttpResponse:
    inbox.message_mark_read(user=request.user, message_id=pk)
    return _back(request)


@signed_in
@require_POST
def messages_read_all(request: HttpRequest) -> HttpResponse:
    form = InboxFilter(request.POST)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    count = inbox.messages_mark_all_read(user=request.user, kind=kind)
    messages.success(request, f"已将 {count} 条消息标为已读。" if count else "没有未读消息。")
    return _back(request)


@signed_in
@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    # The new address is shown once, on the next page; only its hash is kept.
    request.session[SHOWN_TOKEN] = ical.calendar_reset(user=request.user)
    messages.success(request, "已生成新的日历订阅地址，原地址（如有）已失效。请复制下面的地址添加到日历应用中。")
    return redirect(reverse("notify:inbox") + "#calendar")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The one page reached by a token alone (see notify.ical): no session, no login."""
    from qinglian.audit.models import Action
    from qinglian.audit.services import audit_log, client_ip

    feed = ical.feed_for(token)
    if feed is None:
        raise Http404("日历订阅地址无效或已重置：请在清廉台账“消息”页面重新生成订阅地址。")
    retry_after = ical.fetch_allowed(feed)
    if retry_after is not None:
        response = HttpResponse(f"日历订阅刷新过于频繁：每小时最多 {settings.QINGLIAN_CALENDAR_PER_HOUR} 次，"
                                f"请约 {retry_after // 60 + 1} 分钟后再试，或把日历应用的刷新间隔调长。",
                                status=429, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(retry_after)
        return response
    body = ical.feed_ics(feed.user, today=timezone.localdate())
    audit_log(action=str(Action.EXPORT), actor=feed.user, ip=client_ip(request), obj=feed,
              summary="日历订阅：以订阅地址取得本人的时限日程")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="qinglian.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@sysadmin_required
@require_GET
def mail_failures(request: HttpRequest) -> HttpResponse:
    """Mails not yet sent after a try: who, how often, the server's last answer (no subject: business data)."""
    page = paginate(mail.failed_mails().order_by("-pk"), request)
    return render(request, "notify/mail_failures.html", {
        "page": page, "mail_on": mail.mail_enabled(), "host": settings.QINGLIAN_SMTP_HOST,
        "port": settings.QINGLIAN_SMTP_PORT})


@sysadmin_required
@require_POST
def mail_retry(request: HttpRequest) -> HttpResponse:
    count = mail.mail_retry_now(user=request.user)
    messages.success(request, f"已将 {count} 封邮件重新排队，将在下次发送时重试。" if count else "没有发送失败的邮件。")
    return redirect("notify:mail_failures")

