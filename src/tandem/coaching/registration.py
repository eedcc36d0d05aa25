"""What the coaching app adds to the whole (tandem.registry)."""

from __future__ import annotations

from tandem.registry import AppContribution, NavEntry, lazy


def contribution() -> AppContribution:
    from tandem.coaching import gdpr

    return AppContribution(
        name="coaching",
        nav=(NavEntry("Coaching", "coaching:home", visible=lambda a: a.is_member, order=30),),
        next_steps=lazy("tandem.coaching.plan:next_steps"),
        api_router="tandem.coaching.api",
        demo=lazy("tandem.coaching.demo:seed_coaching"),
        demo_order=30,
        gdpr_export=gdpr.export,
        gdpr_erase=gdpr.erase,
        programme_plan=lazy("tandem.coaching.setup:coaching_settings_plan"),
        programme_copy=lazy("tandem.coaching.setup:coaching_settings_copy"),
    )
