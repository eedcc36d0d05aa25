"""What the networks app adds to the whole (tandem.registry)."""

from __future__ import annotations

from tandem.registry import AppContribution, NavEntry, lazy


def contribution() -> AppContribution:
    from tandem.networks import gdpr
    from tandem.networks.cli import add_commands

    return AppContribution(
        name="networks",
        nav=(
            NavEntry(
                "Working relationships",
                "networks:overview",
                visible=lambda a: a.oversees,
                order=40,
            ),
            NavEntry(
                "Your working relationships",
                "networks:me",
                visible=lambda a: a.is_participant,
                order=41,
            ),
        ),
        api_router="tandem.networks.api",
        cli=add_commands,
        demo=lazy("tandem.networks.demo:seed_networks"),
        demo_order=40,
        # Export only: see tandem.networks.gdpr for why roster entries are kept on erasure.
        gdpr_export=gdpr.export,
    )
