"""What the coding app adds to the whole (tandem.registry)."""

from __future__ import annotations

from typing import Any

from tandem.registry import AppContribution, NavEntry


def _demo(*, programme: Any) -> int:
    """The demo codes its baseline's written answers (after the surveys step answered them)."""

    from tandem.coding.demo import seed_coding

    baseline = programme.waves.filter(kind="baseline").order_by("opens_on").first()
    return seed_coding(wave=baseline) if baseline is not None else 0


def contribution() -> AppContribution:
    from tandem.coding import gdpr

    return AppContribution(
        name="coding",
        nav=(
            NavEntry(
                "Code written answers", "coding:codebook", visible=lambda a: a.can_manage, order=70
            ),
        ),
        demo=_demo,
        demo_order=15,
        gdpr_export=gdpr.export,
        gdpr_erase=gdpr.erase,
    )
