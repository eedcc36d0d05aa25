"""What the away days hold about a person, and how their part of it is erased.

Export: the actions they own (and the updates on them), their invitations and attendance, their
pair's role agreements, the pair observations their pair wrote or was the subject of (both pairs
may read those already), their own away-day evaluations and the materials they uploaded. The
programme lead may read neither observations nor anyone's evaluation (docs/design.md), so the lead's
download lists those without their words and scores; the data protection officer's command-line
export, made for the person, includes them.

Erasure removes the words they wrote — their updates on actions, the observations they wrote and
the free-text answers of their evaluations — and keeps every row, so the action counts,
attendance rates and usefulness scores do not move. Actions they own stay, owned by the now
pseudonymous participant, because the programme's record of what was agreed needs them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tandem.gdpr.mentions import replace_mentions
from tandem.gdpr.registry import GdprContext, Section
from tandem.gdpr.tables import rows


def export(person: Any, context: GdprContext) -> dict[str, Section]:
    from tandem.programmes.models import Pair
    from tandem.workshops.models import (
        Action,
        ActionUpdate,
        AwayDayInvitation,
        Evaluation,
        Material,
        PairObservation,
        RoleArea,
    )

    pairs = Pair.objects.filter(Q(doctor__person=person) | Q(manager__person=person))
    pair_ids = set(pairs.values_list("pk", flat=True))
    written_by_them = Q(author_id=person.user_id) if person.user_id else Q(pk__in=[])
    updates = list(
        ActionUpdate.objects.filter(
            Q(action__owner__person=person) | written_by_them
        ).select_related("action")
    )
    update_rows = rows(updates, ["action__title", "written_on", "status", "note"])
    for row, update in zip(update_rows, updates, strict=True):
        row["written_by_you"] = bool(person.user_id) and update.author_id == person.user_id
    observations = list(
        PairObservation.objects.filter(
            Q(observing_pair_id__in=pair_ids) | Q(observed_pair_id__in=pair_ids) | written_by_them
        ).select_related(
            "away_day",
            "observing_pair__doctor__person",
            "observing_pair__manager__person",
            "observed_pair__doctor__person",
            "observed_pair__manager__person",
        )
    )
    observation_rows = rows(
        observations,
        [
            "away_day__title",
            "observing_pair__doctor__person__name",
            "observing_pair__manager__person__name",
            "observed_pair__doctor__person__name",
            "observed_pair__manager__person__name",
            "situation",
            "notes",
            "created_at",
        ],
    )
    for row, observation in zip(observation_rows, observations, strict=True):
        row["written_by_you"] = bool(person.user_id) and observation.author_id == person.user_id
    evaluations = Evaluation.objects.filter(participant__person=person).select_related("away_day")
    confidential: dict[str, Section] = {}
    if context.include_confidential_notes:
        confidential = {
            "pair_observations": observation_rows,
            "evaluations": rows(
                evaluations, ["away_day__title", "usefulness", "keep", "change", "submitted_at"]
            ),
        }
    elif observation_rows or evaluations.exists():
        # The lead reads neither on any page: not even that (or when) someone gave feedback, which
        # beside an aggregate read before and after would say what they answered.
        context.notes.append(
            "Away-day evaluations and pair observations are left out: the programme lead may not "
            "read them. The data protection officer's `tandem gdpr export` includes them."
        )
    return {
        **confidential,
        "actions_owned": rows(
            Action.objects.filter(owner__person=person).select_related(
                "programme", "away_day", "pair"
            ),
            ["programme__name", "away_day__title", "title", "due_on", "status", "created_at"],
        ),
        "action_updates": update_rows,
        "invitations": rows(
            AwayDayInvitation.objects.filter(participant__person=person).select_related(
                "away_day__programme"
            ),
            ["away_day__programme__name", "away_day__title", "away_day__date", "attended"],
        ),
        "role_agreements": rows(
            RoleArea.objects.filter(agreement__pair_id__in=pair_ids).select_related(
                "agreement__away_day",
                "agreement__pair__doctor__person",
                "agreement__pair__manager__person",
            ),
            [
                "agreement__pair__doctor__person__name",
                "agreement__pair__manager__person__name",
                "agreement__number",
                "agreement__away_day__title",
                "agreement__doctor_confirmed_at",
                "agreement__manager_confirmed_at",
                "area",
                "leads",
                "supports",
                "consulted",
            ],
        ),
        "materials_uploaded": rows(
            Material.objects.filter(uploaded_by_id=person.user_id).select_related("away_day")
            if person.user_id
            else [],
            ["away_day__title", "title", "kind", "size", "uploaded_at"],
        ),
    }


def erase(person: Any, context: GdprContext) -> dict[str, int]:
    from tandem.workshops.models import ActionUpdate, Evaluation, PairObservation

    counts = {
        "away-day evaluation answers blanked": Evaluation.objects.filter(participant__person=person)
        .exclude(keep="", change="")
        .update(keep="", change="")
    }
    if person.user_id:
        # The update's status stays (the action's history and counts need it); its words go.
        counts["action update notes blanked"] = (
            ActionUpdate.objects.filter(author_id=person.user_id).exclude(note="").update(note="")
        )
        # The observation stays, so the pairs still see that one was made; what was written goes.
        counts["pair observation notes blanked"] = (
            PairObservation.objects.filter(author_id=person.user_id)
            .exclude(situation="", notes="")
            .update(situation="", notes="")
        )
    # Others' words that name them lose the name (tandem.gdpr.mentions).
    for found in (
        replace_mentions(
            person, Evaluation.objects.exclude(participant__person=person), ["keep", "change"]
        ),
        replace_mentions(person, PairObservation.objects.all(), ["situation", "notes"]),
        replace_mentions(person, ActionUpdate.objects.all(), ["note"]),
    ):
        for what, n in found.items():
            counts[what] = counts.get(what, 0) + n
    return counts


def purge(programme: Any, context: GdprContext) -> dict[str, int]:
    """Delete the away-day materials (slides, handouts, photographs) of an expired programme.

    They may show or name people, and erasing people cannot reach inside a file. The files go
    only once the purge commits, so a purge that fails leaves no record pointing at a lost file.
    """
    from django.db import transaction

    from tandem.workshops.models import Material

    materials = list(Material.objects.filter(away_day__programme=programme))
    storage_names = [(m.file.storage, m.file.name) for m in materials if m.file.name]
    Material.objects.filter(pk__in=[m.pk for m in materials]).delete()

    def _delete_files() -> None:
        for storage, name in storage_names:
            storage.delete(name)

    transaction.on_commit(_delete_files)
    return {"away-day materials deleted": len(materials)}
