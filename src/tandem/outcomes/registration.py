"""What the outcomes app adds to the whole (tandem.registry).

No data-protection hooks: KPIs and their values describe services and localities, never a
person, so there is nothing to export or erase for anyone.
"""

from __future__ import annotations

from tandem.registry import AppContribution, NavEntry, lazy


def contribution() -> AppContribution:
    from tandem.outcomes.cli import add_commands

    return AppContribution(
        name="outcomes",
        nav=(
            NavEntry(
                "Service outcomes",
                "outcomes:index",
                visible=lambda a: a.oversees or a.is_participant,
                order=50,
            ),
        ),
        api_router="tandem.outcomes.api",
        cli=add_commands,
        demo=lazy("tandem.outcomes.demo:seed_outcomes"),
        demo_order=50,
    )
