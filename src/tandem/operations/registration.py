"""What the operations app adds to the whole (tandem.registry): the lead's E-mail and Schedule."""

from __future__ import annotations

from tandem.registry import AppContribution, NavEntry, lazy


def contribution() -> AppContribution:
    return AppContribution(
        name="operations",
        nav=(
            NavEntry(
                "E-mail and schedule",
                "operations:schedule",
                visible=lambda a: a.can_manage,
                description="What Tandem sends by itself and when; every e-mail sent, and any not sent",
                order=80,
            ),
        ),
        demo=lazy("tandem.operations.demo:seed_operations"),
        gdpr_export=lazy("tandem.operations.gdpr:operations_export"),
        gdpr_erase=lazy("tandem.operations.gdpr:operations_erase"),
        gdpr_purge=lazy("tandem.operations.gdpr:operations_purge"),
        demo_order=95,
    )
