"""What the workshops app adds to the whole (tandem.registry)."""

from __future__ import annotations

from django.urls import reverse

from tandem.programmes.access import Access
from tandem.registry import AppContribution, NavEntry, NextStep, lazy


def next_steps(access: Access) -> list[NextStep]:
    from tandem.workshops.selectors import overdue_actions_for

    return [
        NextStep(
            text=f"{action.title} – {action.owner.person.name}, due {action.due_on:%-d %B %Y}",
            url=reverse("workshops:action", args=[access.programme.slug, action.pk]),
            group="Overdue actions",
            due=action.due_on,
            urgent=True,
        )
        for action in overdue_actions_for(viewer=access.viewer, programme=access.programme)
    ]


def contribution() -> AppContribution:
    from tandem.workshops import gdpr
    from tandem.workshops.cli import add_commands

    return AppContribution(
        name="workshops",
        nav=(NavEntry("Away days", "workshops:home", visible=lambda a: a.is_member, order=35),),
        next_steps=next_steps,
        api_router="tandem.workshops.api",
        cli=add_commands,
        demo=lazy("tandem.workshops.demo:seed_workshops"),
        demo_order=60,
        gdpr_export=gdpr.export,
        gdpr_erase=gdpr.erase,
        gdpr_purge=gdpr.purge,
    )
