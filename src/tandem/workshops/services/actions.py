"""Actions agreed at away days: assigned by the lead, updated by their owner, reminded weekly."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tandem.audit.services import audit_record
from tandem.operations.mail import tag
from tandem.operations.models import EmailKind
from tandem.programmes.models import Pair, Participant, Programme
from tandem.workshops.models import ACTIVE_STATUSES, Action, ActionStatus, ActionUpdate, AwayDay
from tandem.workshops.services.checks import check_away_day, check_owner, clean

# A week between reminders: owners hear about an overdue action, but not every day.
REMINDER_INTERVAL = dt.timedelta(days=7)


@transaction.atomic
def action_create(
    *,
    programme: Programme,
    title: str,
    owner: Participant,
    due_on: dt.date,
    away_day: AwayDay | None = None,
    pair: Pair | None = None,
) -> Action:
    check_owner(programme, owner)
    if away_day is not None:
        check_away_day(programme, away_day)
    if pair is not None and pair.programme_id != programme.pk:
        raise ValidationError({"pair": "That pair belongs to another programme."})
    action = Action.objects.create(
        programme=programme,
        title=clean(title, "title", "what is to be done"),
        owner=owner,
        due_on=due_on,
        away_day=away_day,
        pair=pair,
    )
    audit_record(
        action="action.create",
        subject=action,
        programme=programme,
        extra={"owner": owner.pk, "pair": pair.pk if pair is not None else None},
    )
    return action


@transaction.atomic
def action_update(
    *,
    action: Action,
    status: str,
    note: str = "",
    actor: Any = None,
    written_on: dt.date | None = None,
    due_on: dt.date | None = None,
) -> ActionUpdate:
    """A dated update on the action, which may change its status (and, for the lead, its due
    date: the new date is written into the update so the log shows it moved)."""
    if status not in ActionStatus.values:
        raise ValidationError({"status": f"“{status}” is not a status an action can have."})
    note = (note or "").strip()
    moved = due_on is not None and due_on != action.due_on
    if not note and status == action.status and not moved:
        raise ValidationError({"note": "Write an update or change the status."})
    if moved and due_on is not None:
        change = f"Due date moved from {action.due_on:%-d %B %Y} to {due_on:%-d %B %Y}."
        note = f"{note} {change}".strip()
        action.due_on = due_on
        # A new date earns a fresh reminder once it, too, has passed.
        action.reminded_at = None
        action.save(update_fields=["due_on", "reminded_at"])
    update = ActionUpdate.objects.create(
        action=action,
        written_on=written_on or timezone.localdate(),
        author=actor if getattr(actor, "is_authenticated", False) else None,
        note=note,
        status=status,
    )
    previous = action.status
    if status != action.status:
        action.status = status
        action.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="action.update",
        subject=action,
        programme=action.programme,
        extra={
            "update": update.pk,
            "status_from": previous,
            "status": status,
            "due_date_moved": moved,
        },
    )
    return update


@dataclass(frozen=True)
class RemindersSent:
    owners: int
    actions: int
    failed: list[str]


def overdue_reminders_send(
    *, programme: Programme, today: dt.date | None = None, base_url: str | None = None
) -> RemindersSent:
    """E-mail each owner of overdue actions one message listing them, at most once a week."""
    today = today or timezone.localdate()
    now = timezone.now()
    overdue = (
        Action.objects.filter(programme=programme, status__in=ACTIVE_STATUSES, due_on__lt=today)
        .filter(owner__person__erased_at__isnull=True, owner__left_on__isnull=True)
        .select_related("owner__person")
        .order_by("due_on", "id")
    )
    by_owner: dict[int, list[Action]] = defaultdict(list)
    for action in overdue:
        if action.reminded_at is None or now - action.reminded_at >= REMINDER_INTERVAL:
            by_owner[action.owner_id].append(action)
    link = (base_url or settings.TANDEM_BASE_URL).rstrip("/") + reverse(
        "workshops:my_actions", args=[programme.slug]
    )
    connection = get_connection()
    failed: list[str] = []
    sent_owners = sent_actions = 0
    for actions in by_owner.values():
        owner = actions[0].owner
        body = render_to_string(
            "workshops/email_overdue.txt",
            {"owner": owner, "actions": actions, "link": link, "programme": programme},
        )
        message = EmailMessage(
            subject=f"{len(actions)} overdue action{'s' if len(actions) != 1 else ''}: "
            f"{programme.name}",
            body=body,
            to=[owner.person.email],
            connection=connection,
        )
        tag(message, kind=EmailKind.OVERDUE_ACTIONS, programme=programme)
        try:
            message.send()
        except OSError:
            failed.append(owner.person.name)
            continue
        with transaction.atomic():
            Action.objects.filter(pk__in=[a.pk for a in actions]).update(reminded_at=now)
        sent_owners += 1
        sent_actions += len(actions)
    if sent_owners or failed:
        audit_record(
            action="action_reminders.send",
            subject=programme,
            extra={"owners": sent_owners, "actions": sent_actions, "failed": len(failed)},
        )
    return RemindersSent(owners=sent_owners, actions=sent_actions, failed=failed)
