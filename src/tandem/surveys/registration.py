"""What the surveys app adds to the whole (tandem.registry)."""

from __future__ import annotations

from django.urls import reverse

from tandem.programmes.access import Access
from tandem.registry import AppContribution, NavEntry, NextStep, lazy


def next_steps(access: Access) -> list[NextStep]:
    from tandem.surveys.plan import lead_steps
    from tandem.surveys.selectors import open_invitations_for

    return lead_steps(access) + [
        NextStep(
            text=f"{invitation.wave.title} – open until {invitation.wave.closes_on:%-d %B %Y}"
            + (" (started)" if invitation.status == "in_progress" else ""),
            url=reverse("surveys:respond_start", args=[invitation.token]),
            group="Questionnaires for you",
            due=invitation.wave.closes_on,
        )
        for invitation in open_invitations_for(viewer=access.viewer, programme=access.programme)
    ]


def contribution() -> AppContribution:
    from tandem.surveys import gdpr
    from tandem.surveys.cli import add_commands

    return AppContribution(
        name="surveys",
        nav=(
            NavEntry(
                "Questionnaires and response rates",
                "surveys:waves",
                visible=lambda a: a.can_manage,
                order=60,
            ),
        ),
        next_steps=next_steps,
        participant_left=lazy("tandem.surveys.services.waves:invitations_withdraw_future"),
        api_router="tandem.surveys.api",
        cli=add_commands,
        demo=lazy("tandem.surveys.demo:seed_waves"),
        demo_order=10,
        gdpr_export=gdpr.export,
        gdpr_erase=gdpr.erase,
        programme_plan=lazy("tandem.surveys.setup:waves_plan"),
        programme_copy=lazy("tandem.surveys.setup:waves_copy"),
    )
