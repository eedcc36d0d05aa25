"""Export and erasure hooks of the core: the person's programme places, their audit events, and
the log-in machinery. Each domain app registers its own (`<app>/gdpr.py`, through the registry)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from tandem.gdpr.registry import GdprContext, Section, register
from tandem.gdpr.tables import rows

# What an erased person's written answer becomes. Not "": an empty answer drops out of the coding
# pages' counts, and a figure that moved when someone was erased would say how many written
# answers were theirs (docs/design.md, "over time too"). The words go; every count stays.
ERASED_TEXT = "[Removed at the writer's request.]"


# --- programmes ----------------------------------------------------------------------------


def programmes_export(person: Any, context: GdprContext) -> dict[str, Section]:
    from tandem.programmes.models import Pair, Participant

    participations = Participant.objects.filter(person=person).select_related("programme")
    return {
        "person": rows(
            [person],
            [
                "name",
                "email",
                "profession",
                "level",
                "job_title",
                "service__name",
                "organisation__name",
            ],
        )[0],
        "participations": rows(participations, ["programme__name", "role"]),
        "pairs": rows(
            Pair.objects.filter(
                Q(doctor__person=person) | Q(manager__person=person)
            ).select_related("programme", "service", "doctor__person", "manager__person"),
            ["programme__name", "service__name", "doctor__person__name", "manager__person__name"],
        ),
    }


# --- audit ---------------------------------------------------------------------------------


def audit_export(person: Any, context: GdprContext) -> dict[str, Section]:
    from tandem.audit.models import AuditEvent
    from tandem.programmes.models import Participant

    participant_ids = [
        str(pk) for pk in Participant.objects.filter(person=person).values_list("pk", flat=True)
    ]
    about = Q(subject_type="programmes.person", subject_id=str(person.pk)) | Q(
        subject_type="programmes.participant", subject_id__in=participant_ids
    )
    if person.user_id:
        about |= Q(actor_id=person.user_id)
    return {
        "audit_events": rows(
            AuditEvent.objects.filter(about),
            ["at", "actor_label", "action", "subject_type", "subject_id", "request_id"],
        )
    }


# --- accounts: what the log-in machinery keeps about a person -------------------------------


def accounts_erase(person: Any, context: GdprContext) -> dict[str, int]:
    """Log-in traces that carry the e-mail address, browser or IP: gone with the person.

    Runs before the core replaces the name and e-mail, so it can still find them by address.
    """
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.admin.models import LogEntry
    from django.contrib.sessions.models import Session
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tandem.api.models import ApiToken

    counts = {"log-in records removed": 0}
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        deleted, _ = model.objects.filter(username__iexact=person.email).delete()
        counts["log-in records removed"] += deleted
    if person.user_id:
        counts["API tokens removed"] = ApiToken.objects.filter(user_id=person.user_id).delete()[0]
        counts["authenticator apps removed"] = TOTPDevice.objects.filter(
            user_id=person.user_id
        ).delete()[0]
        ended = [
            session.pk
            for session in Session.objects.all()
            if str(session.get_decoded().get("_auth_user_id")) == str(person.user_id)
        ]
        counts["sessions ended"] = Session.objects.filter(pk__in=ended).delete()[0]
    # The admin's own history names what it changed ("Dr Ben Hartley (Participant …)").
    counts["admin history entries renamed"] = LogEntry.objects.filter(
        models.Q(object_repr__icontains=person.name) | models.Q(object_repr__icontains=person.email)
    ).update(object_repr=f"Erased person {person.pk}", change_message="")
    return counts


def register_all() -> None:
    register("programmes", export=programmes_export)
    register("audit", export=audit_export)
    register("accounts", erase=accounts_erase)
