"""Pages of 抽查 / 反向核查. A supervisor draws and records; every other business account sees the findings
about its own units (and may appeal them). Objects through `visible_to` (another subtree's → 404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from qinglian.audit.models import Action
from qinglian.audit.services import audit_request
from qinglian.lib import files
from qinglian.lib.exports import file_response
from qinglian.lib.forms import add_errors
from qinglian.lib.services import ConflictError
from qinglian.lib.views import business_required, current_unit, render_page, roles_required
from qinglian.org.models import Role
from qinglian.verify.forms_checks import DrawForm, FindingForm
from qinglian.verify.models import SpotCheck, SpotCheckEvidence, SpotCheckItem, Verdict
from qinglian.verify.services.spotcheck import verify_spotcheck_draw, verify_spotcheck_record
from qinglian.verify.spotchecks import check_items, office_name, spotcheck_docx, verdict_counts

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LIMIT = 100
supervisor_required = roles_required(Role.SUPERVISOR)


@business_required
def spotchecks(request: HttpRequest) -> HttpResponse:
    """The checks of the user's subtree; a supervisor draws a new one here."""
    user = request.user
    form = DrawForm(request.POST or None)
    if request.method == "POST":
        if user.role != Role.SUPERVISOR:
            raise PermissionDenied("只有监督员可以组织抽查。")
        if form.is_valid():
            data = form.cleaned_data
            try:
                check = verify_spotcheck_draw(
                    user=user, unit=current_unit(request), title=data["title"], target=data["target"],
                    ratio=data["ratio"], size=data["size"], closed_from=data["closed_from"],
                    closed_to=data["closed_to"], seed=data["seed"], request=request)
            except (ValidationError, PermissionDenied) as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"已抽取{check.items.count()}项，请逐项登记核查结论。")
                return redirect("verify:spotcheck", check.pk)
    checks = SpotCheck.objects.visible_to(user).select_related("unit", "drawn_by").order_by("-drawn_on", "-id")[:LIMIT]
    own = (SpotCheckItem.objects.visible_to(user).exclude(verdict=Verdict.PENDING)
           .select_related("spot_check", "unit", "measure", "problem").order_by("-checked_on", "-id")[:LIMIT])
    return render_page(request, "verify/spotchecks.html", {
        "form": form, "checks": checks, "own": own, "unit": current_unit(request),
        "may_draw": user.role == Role.SUPERVISOR}, status=400 if form.errors else 200)


@business_required
@require_GET
def spotcheck(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_object_or_404(SpotCheck.objects.visible_to(request.user).select_related("unit", "drawn_by"), pk=pk)
    items = list(check_items(check, request.user))
    for item in items:  # one form per item, with its own ids
        item.form = FindingForm(auto_id=f"f{item.pk}_%s")
    return render_page(request, "verify/spotcheck.html", {
        "check": check, "items": items, "counts": verdict_counts(SpotCheckItem.objects.filter(spot_check=check)),
        "may_record": request.user.role == Role.SUPERVISOR})


@supervisor_required
@require_POST
def finding(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(SpotCheckItem.objects.visible_to(request.user), pk=pk)
    form = FindingForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("verify:spotcheck", item.spot_check_id)
    data = form.cleaned_data
    try:
        verify_spotcheck_record(user=request.user, item=item, verdict=data["verdict"], notes=data["notes"],
                                files=[files.Upload.of(f) for f in data["files"]], due_date=data["due_date"],
                                request=request)
    except (ValidationError, PermissionDenied, ConflictError) as exc:
        messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, "已登记核查结论。" + ("该事项已重新打开整改，并下发督办。" if data["verdict"] == Verdict.FALSE else ""))
    return redirect(reverse("verify:spotcheck", args=[item.spot_check_id]) + f"#item-{item.pk}")


@business_required
@require_GET
def spotcheck_docx_download(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_object_or_404(SpotCheck.objects.visible_to(request.user).select_related("unit"), pk=pk)
    today = timezone.localdate()
    audit_request(request, action=Action.EXPORT, summary=f"导出抽查情况通报：{check}", obj=check)
    return file_response(spotcheck_docx(check, issuer=office_name(check.drawn_by, check.unit), today=today),
                         f"{check.title}情况通报.docx", DOCX)


@business_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(SpotCheckEvidence.objects.visible_to(request.user).select_related("item"), pk=pk)
    return files.download(request, evidence, reverse("verify:spotcheck", args=[evidence.item.spot_check_id]))
