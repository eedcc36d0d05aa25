"""What the workshops app adds to the whole (tandem.registry)."""

from __future__ import annotations

from django.urls import reverse

from tandem.programmes.access import Access
from tandem.registry import PLAN, AppContribution, NavEntry, NextStep, lazy


def _plan_steps(access: Access) -> list[NextStep]:
    """The lead's away-day step, and a pair member's role agreement waiting for them."""
    from tandem.programmes.models import Participant, Role
    from tandem.workshops.models import AwayDay, RoleAgreement

    steps: list[NextStep] = []
    slug = access.programme.slug
    if (
        access.can_manage
        and not AwayDay.objects.filter(programme=access.programme).exists()
        and Participant.objects.filter(programme=access.programme, role=Role.PARTICIPANT).exists()
    ):
        steps.append(
            NextStep(
                text="Plan the first away day",
                url=reverse("workshops:away_day_new", args=[slug]),
                group=PLAN,
                rank=55,
            )
        )
    if access.is_participant and access.pair_ids:
        own = {record.pk for record in access.participants}
        latest: dict[int, RoleAgreement] = {}
        for agreement in RoleAgreement.objects.filter(pair_id__in=access.pair_ids).select_related(
            "pair"
        ):
            if agreement.number > getattr(latest.get(agreement.pair_id), "number", 0):
                latest[agreement.pair_id] = agreement
        for agreement in latest.values():
            mine_unconfirmed = (
                agreement.pair.doctor_id in own and agreement.doctor_confirmed_at is None
            ) or (agreement.pair.manager_id in own and agreement.manager_confirmed_at is None)
            if mine_unconfirmed:
                steps.append(
                    NextStep(
                        text="Confirm your role agreement",
                        url=reverse("workshops:role_agreement", args=[slug, agreement.pair_id]),
                        group="Away days and agreements",
                    )
                )
    return steps


def next_steps(access: Access) -> list[NextStep]:
    from tandem.workshops.selectors import overdue_actions_for

    return _plan_steps(access) + [
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
