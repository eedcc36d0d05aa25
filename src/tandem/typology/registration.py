"""What the typology app adds to the whole (tandem.registry)."""

from __future__ import annotations

from tandem.registry import AppContribution, NavEntry, lazy


def contribution() -> AppContribution:
    from tandem.typology import gdpr
    from tandem.typology.cli import add_commands

    return AppContribution(
        name="typology",
        nav=(NavEntry("Type profiles", "typology:index", visible=lambda a: a.is_member, order=25),),
        api_router="tandem.typology.api",
        cli=add_commands,
        demo=lazy("tandem.typology.demo:seed_types"),
        demo_order=20,
        gdpr_export=gdpr.export,
        gdpr_erase=gdpr.erase,
    )
