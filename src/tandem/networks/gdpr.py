"""What the working-relationships roster holds about a person.

Export: the person's own roster answers — which colleagues they named and how they rated working
with each — since those are their own data. Who named *them* is left out: that is each other
respondent's confidential answer, and showing it would reveal how a colleague rated them. The
lead may never read individual answers (docs/design.md), so the lead's download leaves the section out;
the data protection officer's command-line export, made for the person, includes it.

Erasure: no hook. Roster entries hold no free text (relation ids and scale values only), and the
network indices, maps and response counts need every tie to stay; once the core pseudonymises
the person, their entries and the entries naming them link only to "Erased person N".
"""

from __future__ import annotations

from typing import Any

from tandem.gdpr.registry import GdprContext, Section
from tandem.gdpr.tables import rows


def export(person: Any, context: GdprContext) -> dict[str, Section]:
    from tandem.networks.models import RosterEntry

    entries = RosterEntry.objects.filter(invitation__participant__person=person).select_related(
        "invitation__wave", "alter__person"
    )
    if not context.include_confidential_notes:
        if entries.exists():
            context.notes.append(
                "Your answers about working with colleagues are left out: the programme lead may "
                "not read anyone's answers. The data protection officer's `tandem gdpr export` "
                "includes them."
            )
        return {}
    return {
        "roster_answers": rows(
            entries,
            [
                "invitation__wave__title",
                "section_id",
                "alter__person__name",
                "answers",
                "updated_at",
            ],
        )
    }
