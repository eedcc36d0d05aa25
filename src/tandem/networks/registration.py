"""What the networks app adds to the whole (tandem.registry)."""

from __future__ import annotations

from tandem.registry import AppContribution, NavEntry, lazy


def register_sections() -> None:
    """The roster section type and its respondent page (tandem.surveys.sections), before any
    questionnaire is read: the shipped stock take (v2) has a roster section."""
    from tandem.networks.roster import ROSTER, dump_roster_section, validate_roster_section
    from tandem.networks.roster_views import roster_page
    from tandem.surveys.sections import register_section_page, register_section_type

    register_section_type(ROSTER, validate_roster_section, dumper=dump_roster_section)
    register_section_page(ROSTER, roster_page)


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
