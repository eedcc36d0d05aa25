"""The lead's E-mail and schedule pages: what Tandem does by itself, and every e-mail it sent."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tandem.operations import mail, scheduling
from tandem.operations.forms import JobForm
from tandem.operations.models import EmailStatus, OutboundEmail, ScheduledJob, WorkerHeartbeat
from tandem.programmes.models import Programme
from tandem.web import programme_page
from tandem.web.forms import service_form
from tandem.web.pages import SectionPage

page = SectionPage("E-mail and schedule", "operations:schedule")

SHOWN_EMAILS = 300


def worker_state() -> dict[str, Any]:
    """When a worker was last heard from, and whether that is recent enough."""
    latest = WorkerHeartbeat.objects.order_by("-beat_at").first()
    if latest is None:
        return {"running": False, "beat_at": None}
    age = (timezone.now() - latest.beat_at).total_seconds()
    return {"running": age <= settings.TANDEM_WORKER_STALE_SECONDS, "beat_at": latest.beat_at}


def _rows(jobs: list[ScheduledJob]) -> list[dict[str, Any]]:
    return [{"job": job, "when": scheduling.describe(job)} for job in jobs]


@never_cache
@login_required
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug, manage=True)
    scheduling.ensure_jobs()
    jobs = list(
        ScheduledJob.objects.filter(programme=programme)
        .select_related("wave")
        .order_by("wave__opens_on", "kind", "id")
    )
    install = list(ScheduledJob.objects.filter(programme__isnull=True).order_by("kind"))
    counts = {
        status: OutboundEmail.objects.filter(programme=programme, status=status).count()
        for status in (EmailStatus.QUEUED, EmailStatus.FAILED)
    }
    return page(
        request,
        "operations/schedule.jinja",
        {
            "programme_jobs": _rows([j for j in jobs if j.wave_id is None]),
            "wave_jobs": _rows(
                [j for j in jobs if j.wave_id is not None and not j.wave.has_closed()]  # type: ignore[union-attr]
            ),
            "install_jobs": _rows(install),
            "can_edit_install": request.user.is_superuser,
            "worker": worker_state(),
            "waiting": counts[EmailStatus.QUEUED],
            "failed": counts[EmailStatus.FAILED],
            "page_title": "E-mail and schedule",
        },
        access=access,
    )


def _job(request: HttpRequest, programme: Programme, job_id: int) -> ScheduledJob:
    job = ScheduledJob.objects.select_related("wave", "programme").filter(pk=job_id).first()
    if job is None:
        raise Http404
    if job.programme_id is None:
        if not request.user.is_superuser:
            raise Http404
    elif job.programme_id != programme.pk:
        raise Http404
    return job


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def job_edit(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    programme, access = programme_page(request, slug, manage=True)
    job = _job(request, programme, job_id)
    initial = {
        "enabled": "yes" if job.enabled else "no",
        "weekdays": [str(d) for d in job.weekdays],
        "time_of_day": job.time_of_day,
    }
    form = JobForm(request.POST or None, initial=initial)
    back = reverse("operations:schedule", args=[programme.slug])

    def save(data: dict[str, Any]) -> ScheduledJob:
        return scheduling.job_update(
            job=job,
            enabled=data["enabled"],
            weekdays=data["weekdays"],
            time_of_day=data["time_of_day"],
            actor=request.user,
        )

    def again(bound: forms.Form) -> HttpResponse:
        return page(
            request,
            "operations/job_edit.jinja",
            {
                "form": bound,
                "job": job,
                "when": scheduling.describe(job),
                "back": back,
                "page_title": f"Change: {job.get_kind_display()}",
            },
            access=access,
        )

    return service_form(
        request,
        form,
        save=save,
        done=lambda _job: redirect(back),
        again=again,
        message=lambda saved: f"{saved.get_kind_display()}: {scheduling.describe(saved)}.",
    )


@never_cache
@login_required
def emails(request: HttpRequest, slug: str) -> HttpResponse:
    programme, access = programme_page(request, slug, manage=True)
    mine = OutboundEmail.objects.filter(programme=programme)
    failed = list(mine.filter(status=EmailStatus.FAILED).order_by("-created_at")[:SHOWN_EMAILS])
    recent = list(mine.exclude(status=EmailStatus.FAILED)[:SHOWN_EMAILS])
    return page(
        request,
        "operations/emails.jinja",
        {
            "failed": failed,
            "recent": recent,
            "total": mine.count(),
            "shown": SHOWN_EMAILS,
            "worker": worker_state(),
            "page_title": "E-mail sent by Tandem",
        },
        access=access,
    )


@never_cache
@login_required
@require_POST
def email_send_again(request: HttpRequest, slug: str, email_id: int) -> HttpResponse:
    programme, _ = programme_page(request, slug, manage=True)
    email = OutboundEmail.objects.filter(pk=email_id, programme=programme).first()
    if email is None:
        raise Http404
    try:
        mail.send_again(email=email, actor=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"{email.get_kind_display()} to {', '.join(email.recipients)} queued again."
        )
    return redirect(reverse("operations:emails", args=[programme.slug]))
