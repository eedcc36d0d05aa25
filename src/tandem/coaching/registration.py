"""What the coaching app adds to the whole (tandem.registry)."""

from __future__ import annotations

from tandem.registry import AppContribution, NavEntry


def contribution() -> AppContribution:
    from tandem.coaching import gdpr
    from tandem.coaching.demo import seed_coaching

    return AppContribution(
        name="coaching",
        nav=(NavEntry("Coaching", "coaching:home", visible=lambda a: a.is_member, order=30),),
        api_router="tandem.coaching.api",
        demo=seed_coaching,
        demo_order=30,
        gdpr_export=gdpr.export,
        gdpr_erase=gdpr.erase,
    )
