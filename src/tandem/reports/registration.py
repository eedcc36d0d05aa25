"""What the reports app adds to the whole (tandem.registry)."""

from __future__ import annotations

from typing import Any

from tandem.registry import AppContribution, NavEntry


def _demo(*, programme: Any) -> None:
    """Both stock takes have closed and coaching has ended: the lead froze the evaluation, so its
    association between coaching and change is worked out once and does not move."""
    from tandem.programmes.models import Participant, Role
    from tandem.reports.services import evaluation_freeze

    lead = Participant.objects.select_related("person__user").get(
        programme=programme, role=Role.PROGRAMME_LEAD
    )
    evaluation_freeze(programme=programme, actor=lead.person.user)


def contribution() -> AppContribution:
    from tandem.reports.cli import add_commands

    return AppContribution(
        name="reports",
        nav=(NavEntry("Reports", "reports:index", visible=lambda a: a.is_member, order=20),),
        api_router="tandem.reports.api",
        cli=add_commands,
        demo=_demo,
        demo_order=90,
    )
