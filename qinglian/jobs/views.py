"""Job pages: a list of the jobs one may see, a job's page with its progress bar (htmx polls the progress
fragment every 2 s until the job ends, then the fragment comes without the trigger and polling stops) and its
result links; the system admin queues a failed job again. Every lookup goes through Job.objects.visible_to."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_POST

from qinglian.jobs import queue
from qinglian.jobs.models import Job, State
from qinglian.lib.views import paginate, render_page, roles_required
from qinglian.org.models import Role

job_viewer = roles_required(Role.CLERK, Role.LEADER, Role.SUPERVISOR, Role.SYSADMIN)


def _job(request: HttpRequest, pk: int) -> Job:
    return get_object_or_404(Job.objects.visible_to(request.user).select_related("created_by__person", "unit"), pk=pk)


def _context(request: HttpRequest, job: Job) -> dict[str, object]:
    sysadmin = getattr(request.user, "role", None) == Role.SYSADMIN
    return {"job": job, "sysadmin": sysadmin,
            # result links lead to business pages: the system admin sees the outcome, not the records
            "links": [] if sysadmin else job.links,
            "error_line": job.error.splitlines()[0] if job.error else ""}


@job_viewer
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    jobs = (Job.objects.visible_to(request.user).select_related("created_by__person", "unit")
            .defer("payload", "checkpoint"))
    state = request.GET.get("state", "")
    if state in State.values:
        jobs = jobs.filter(state=state)
    return render_page(request, "jobs/index.html", {
        "page": paginate(jobs.order_by("-created_at", "-id"), request, size=50), "state": state,
        "states": State.choices, "sysadmin": getattr(request.user, "role", None) == Role.SYSADMIN})


@job_viewer
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render_page(request, "jobs/detail.html", _context(request, job))


@job_viewer
@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render_page(request, "jobs/_progress.html", _context(request, job))


@roles_required(Role.SYSADMIN)
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if queue.requeue(job):
        messages.success(request, f"任务 #{job.pk} 已重新排队。")
    else:
        messages.error(request, "只有失败的任务可以重新排队。")
    return redirect(job)
