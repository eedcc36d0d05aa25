"""Roster answers: how one respondent works with each colleague they rate.

Confidential, not anonymous (docs/design.md): an entry names both the respondent (through the
invitation) and the colleague. Only the network analysis, pseudonymised maps and the respondent's
own ego-network read them; there is deliberately no admin page for this model.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from tandem.programmes.models import Participant
from tandem.surveys.models import Invitation


class RosterEntry(models.Model):
    """One respondent's answers about one colleague in one roster section.

    `answers` maps a relation id to its value (a response-scale value, or 1 for a ticked box).
    An entry with no answers is a colleague picked in the name generator and not yet rated.
    """

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="roster_entries"
    )
    section_id = models.CharField(max_length=80)
    alter = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["invitation_id", "section_id", "alter_id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["invitation", "section_id", "alter"],
                name="networks_roster_entry_once_per_colleague",
            ),
        ]

    def __str__(self) -> str:
        return f"Roster entry {self.pk}"
