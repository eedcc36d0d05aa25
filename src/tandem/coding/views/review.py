"""The review before release: excerpts by review state, previews of what approving releases,
approving and rejecting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from tandem.coding import selectors, services
from tandem.coding.forms import ApproveForm
from tandem.coding.models import ReviewStatus
from tandem.coding.views.pages import lead_wave, page
from tandem.programmes.access import Access
from tandem.surveys.models import Wave


def _review_page(
    request: HttpRequest,
    access: Access,
    wave: Wave,
    status: str,
    previewed: tuple[int, ApproveForm, selectors.ReleasePreview] | None = None,
) -> HttpResponse:
    excerpts = selectors.excerpts_for_review(viewer=request.user, wave=wave, status=status)
    forms = {
        e.excerpt_id: ApproveForm(
            initial={"release_text": e.release_text}, prefix=f"e{e.excerpt_id}"
        )
        for e in excerpts
    }
    previews = {}
    if previewed is not None:
        forms[previewed[0]] = previewed[1]
        previews[previewed[0]] = previewed[2]
    return page(
        request,
        "coding/review.jinja",
        {
            "wave": wave,
            "status": status,
            "statuses": ReviewStatus.choices,
            "counts": selectors.review_counts(viewer=request.user, wave=wave),
            "excerpts": excerpts,
            "forms": forms,
            "previews": previews,
            "page_title": f"Review excerpts: {wave.title}",
        },
        access=access,
        under=wave,
    )


@never_cache
@login_required
@require_GET
def review(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    access, wave = lead_wave(request, slug, wave_id)
    status = request.GET.get("status", ReviewStatus.PENDING)
    if status not in ReviewStatus.values:
        status = ReviewStatus.PENDING
    return _review_page(request, access, wave, status)


@never_cache
@login_required
@require_POST
def excerpt_review(request: HttpRequest, slug: str, wave_id: int, excerpt_id: int) -> HttpResponse:
    access, wave = lead_wave(request, slug, wave_id)
    excerpt = selectors.excerpt_for(viewer=request.user, wave=wave, excerpt_id=excerpt_id)
    back_to = excerpt.status
    decision = request.POST.get("decision")
    if decision in {"approve", "preview"}:
        form = ApproveForm(request.POST, prefix=f"e{excerpt.pk}")
        release_text = form.cleaned_data["release_text"] if form.is_valid() else ""
        if decision == "preview":
            # Shown, not saved: the lead checks what would be released before approving it.
            preview = selectors.release_preview(
                programme=access.programme,
                text=excerpt.text,
                release_text=release_text,
                also_redact=form.phrases(),
            )
            return _review_page(
                request, access, wave, excerpt.status, previewed=(excerpt.pk, form, preview)
            )
        services.excerpt_approve(
            excerpt=excerpt,
            actor=request.user,
            release_text=release_text,
            also_redact=form.phrases(),
        )
        messages.success(request, "Approved the excerpt: reports may quote its redacted text.")
    elif decision == "reject":
        services.excerpt_reject(excerpt=excerpt, actor=request.user)
        messages.success(request, "Marked the excerpt as not for release.")
    return redirect(f"{reverse('coding:review', args=[slug, wave.pk])}?status={back_to}")
