"""Writes for away days and their outcomes. Each is one transaction; checks raise ValidationError
with the field at fault, so the form and the CLI say the same thing."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tandem.audit.services import audit_record
from tandem.programmes.models import Pair, Participant, Programme, Role
from tandem.surveys.models import Wave
from tandem.workshops.models import (
    ACTIVE_STATUSES,
    EVALUATION_WINDOW,
    USEFULNESS_MAX,
    USEFULNESS_MIN,
    Action,
    ActionStatus,
    ActionUpdate,
    AgendaItem,
    AgreedPractice,
    AwayDay,
    AwayDayInvitation,
    Evaluation,
    Material,
    MissionVersion,
    PairObservation,
    PracticeVersion,
    RecurringMeeting,
    Responsibility,
    RoleAgreement,
    RoleArea,
)

# Slides and handouts, not videos: 10 MB takes a long slide deck with pictures.
MATERIAL_MAX_BYTES = 10 * 1024 * 1024
# A week between reminders: owners hear about an overdue action, but not every day.
REMINDER_INTERVAL = dt.timedelta(days=7)

# Office files are zip archives; the folder inside says which kind.
_OFFICE_FOLDERS = {"docx": "word/", "pptx": "ppt/", "xlsx": "xl/"}


def material_kind(data: bytes) -> str | None:
    """The file's type judged by its content (never by its name), or None if not accepted."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" not in names:
            return None
        for kind, folder in _OFFICE_FOLDERS.items():
            if any(name.startswith(folder) for name in names):
                return kind
    return None


def _clean(text: str, field: str, label: str, *, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: f"Enter {label}."})
    return text


# ---------------------------------------------------------------------------------------------
# Away days
# ---------------------------------------------------------------------------------------------


def _feedback_window(
    *, date: dt.date, closes_on: dt.date | None, current: AwayDay | None, today: dt.date
) -> dt.date:
    """The date feedback closes on, checked; `current` is the away day as it was before an edit.

    Closed means closed (docs/design.md, privacy): once the window has passed its results may have
    been read, and reopening or extending it would let a second reading differ from the first by
    whoever gave feedback late.
    """
    if current is not None and current.evaluation_has_closed(today):
        closed = current.evaluation_closes_on
        if closes_on is not None and closes_on != closed:
            raise ValidationError(
                {
                    "evaluation_closes_on": (
                        f"Feedback on this day closed on {closed:%-d %B %Y}, and a closed "
                        "feedback window cannot be reopened or extended: its results may "
                        "already have been read."
                    )
                }
            )
        if date > closed:
            raise ValidationError(
                {
                    "date": (
                        f"Feedback on this day closed on {closed:%-d %B %Y}, so the date must be "
                        "on or before then."
                    )
                }
            )
        return closed
    if closes_on is None:
        closes_on = current.evaluation_closes_on if current is not None else None
    if closes_on is None:
        closes_on = date + EVALUATION_WINDOW
    if closes_on < date:
        raise ValidationError(
            {
                "evaluation_closes_on": (
                    f"Feedback must close on or after the away day's date ({date:%-d %B %Y})."
                )
            }
        )
    if current is not None and current.evaluation_is_open(today) and closes_on < today:
        # Feedback has been taken up to today; a closing date before it would misstate that.
        raise ValidationError(
            {
                "evaluation_closes_on": (
                    "Feedback is open now, so it can close today at the earliest "
                    f"({today:%-d %B %Y})."
                )
            }
        )
    return closes_on


@transaction.atomic
def away_day_create(
    *,
    programme: Programme,
    title: str,
    date: dt.date,
    venue: str = "",
    objectives: str = "",
    evaluation_closes_on: dt.date | None = None,
    invite_roles: Iterable[str] = (Role.PARTICIPANT,),
) -> AwayDay:
    """Plan an away day and invite everyone in the programme with one of `invite_roles`.

    Feedback on the day is taken from the day itself until `evaluation_closes_on` (by default
    two weeks later); its results are shown only after that.
    """
    away_day = AwayDay.objects.create(
        programme=programme,
        title=_clean(title, "title", "a title"),
        date=date,
        venue=(venue or "").strip(),
        objectives=(objectives or "").strip(),
        evaluation_closes_on=_feedback_window(
            date=date, closes_on=evaluation_closes_on, current=None, today=timezone.localdate()
        ),
    )
    invited = AwayDayInvitation.objects.bulk_create(
        AwayDayInvitation(away_day=away_day, participant=participant)
        for participant in Participant.objects.filter(
            programme=programme, role__in=list(invite_roles)
        ).active()
    )
    audit_record(
        action="away_day.create",
        subject=away_day,
        programme=programme,
        extra={"invited": len(invited), "evaluation_closes_on": str(away_day.evaluation_closes_on)},
    )
    return away_day


@transaction.atomic
def away_day_update(
    *,
    away_day: AwayDay,
    title: str,
    date: dt.date,
    venue: str,
    objectives: str,
    outcomes: str,
    evaluation_closes_on: dt.date | None = None,
    today: dt.date | None = None,
) -> AwayDay:
    """Change an away day's details. `evaluation_closes_on` None keeps the feedback window as it
    is; a window that has closed stays closed (see `_feedback_window`)."""
    today = today or timezone.localdate()
    current = AwayDay.objects.select_for_update().get(pk=away_day.pk)
    closes_on = _feedback_window(
        date=date, closes_on=evaluation_closes_on, current=current, today=today
    )
    away_day.title = _clean(title, "title", "a title")
    away_day.date = date
    away_day.venue = (venue or "").strip()
    away_day.objectives = (objectives or "").strip()
    away_day.outcomes = (outcomes or "").strip()
    away_day.evaluation_closes_on = closes_on
    away_day.save()
    audit_record(
        action="away_day.update",
        subject=away_day,
        programme=away_day.programme,
        extra={"evaluation_closes_on": str(closes_on)},
    )
    return away_day


@transaction.atomic
def agenda_item_add(
    *,
    away_day: AwayDay,
    starts_at: dt.time,
    title: str,
    facilitator: str = "",
    wave: Wave | None = None,
    scale_id: str = "",
) -> AgendaItem:
    if wave is not None and wave.programme_id != away_day.programme_id:
        raise ValidationError({"wave": "That questionnaire belongs to another programme."})
    if scale_id and wave is None:
        raise ValidationError({"wave": "Choose the questionnaire the scale comes from."})
    if scale_id and wave is not None and scale_id not in wave.instrument.scales:
        raise ValidationError({"scale_id": f"“{wave.title}” has no scale “{scale_id}”."})
    item = AgendaItem.objects.create(
        away_day=away_day,
        starts_at=starts_at,
        title=_clean(title, "title", "a title"),
        facilitator=(facilitator or "").strip(),
        wave=wave,
        scale_id=scale_id,
    )
    audit_record(
        action="agenda_item.add",
        subject=item,
        programme=away_day.programme,
        extra={"away_day": away_day.pk, "wave": wave.pk if wave is not None else None},
    )
    return item


@transaction.atomic
def attendance_record(*, away_day: AwayDay, attended: Iterable[int]) -> int:
    """Mark who came (by participant id); everyone else invited is marked absent."""
    came = set(attended)
    invitations = list(away_day.invitations.select_related("participant__person"))
    for invitation in invitations:
        if invitation.participant.person.erased_at is not None:
            continue  # withdrawn: not on the form, so their record stays as it was
        invitation.attended = invitation.participant_id in came
    AwayDayInvitation.objects.bulk_update(invitations, ["attended"])
    came_count = sum(1 for invitation in invitations if invitation.attended)
    # Counts only: who came is on the away day's page for those allowed to see it.
    audit_record(
        action="attendance.record",
        subject=away_day,
        programme=away_day.programme,
        extra={"invited": len(invitations), "attended": came_count},
    )
    return came_count


@transaction.atomic
def material_upload(
    *, away_day: AwayDay, title: str, upload: UploadedFile, actor: Any = None
) -> Material:
    """Store a handout or slide deck after checking its size and (by content) its type."""
    if upload.size is None or upload.size > MATERIAL_MAX_BYTES:
        raise ValidationError(
            {"file": f"The file is larger than {MATERIAL_MAX_BYTES // (1024 * 1024)} MB."}
        )
    data = upload.read()
    kind = material_kind(data)
    if kind is None:
        raise ValidationError(
            {"file": "The file must be a PDF, Word, PowerPoint, Excel, PNG or JPEG file."}
        )
    upload.seek(0)
    material = Material(
        away_day=away_day,
        title=_clean(title, "title", "a title"),
        kind=kind,
        size=len(data),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    material.file.save(f"material.{kind}", upload, save=False)
    material.save()
    audit_record(
        actor=actor,
        action="material.upload",
        subject=material,
        programme=away_day.programme,
        extra={"away_day": away_day.pk, "kind": kind, "bytes": len(data)},
    )
    return material


# ---------------------------------------------------------------------------------------------
# Charter and mission
# ---------------------------------------------------------------------------------------------


def _check_away_day(programme: Programme, away_day: AwayDay) -> None:
    if away_day.programme_id != programme.pk:
        raise ValidationError({"away_day": "That away day belongs to another programme."})


def _check_owner(programme: Programme, owner: Participant | None) -> None:
    if owner is not None and owner.programme_id != programme.pk:
        raise ValidationError({"owner": f"{owner.person.name} is not in this programme."})
    if owner is not None and owner.person.erased_at is not None:
        raise ValidationError(
            {"owner": f"{owner.person.name} has been withdrawn (their data was erased)."}
        )


@transaction.atomic
def practice_agree(
    *,
    programme: Programme,
    away_day: AwayDay,
    title: str,
    description: str,
    why_it_matters: str,
    how_we_know: str,
    owner: Participant | None = None,
) -> AgreedPractice:
    """A new practice in the charter, agreed at `away_day` (its version 1)."""
    _check_away_day(programme, away_day)
    _check_owner(programme, owner)
    practice = AgreedPractice.objects.create(programme=programme)
    version = PracticeVersion.objects.create(
        practice=practice,
        number=1,
        away_day=away_day,
        title=_clean(title, "title", "a name for the practice"),
        description=_clean(description, "description", "what the practice is"),
        why_it_matters=_clean(why_it_matters, "why_it_matters", "why it matters"),
        how_we_know=_clean(how_we_know, "how_we_know", "how the team will know it is kept"),
        owner=owner,
    )
    audit_record(
        action="practice.agree",
        subject=practice,
        programme=programme,
        extra={"version": version.number, "away_day": away_day.pk},
    )
    return practice


@transaction.atomic
def practice_revise(
    *,
    practice: AgreedPractice,
    away_day: AwayDay,
    title: str,
    description: str,
    why_it_matters: str,
    how_we_know: str,
    owner: Participant | None = None,
    retired: bool = False,
) -> PracticeVersion:
    """A later version of a practice; earlier versions stay as the record of what was agreed."""
    _check_away_day(practice.programme, away_day)
    _check_owner(practice.programme, owner)
    number = (practice.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PracticeVersion.objects.create(
        practice=practice,
        number=number,
        away_day=away_day,
        title=_clean(title, "title", "a name for the practice"),
        description=_clean(description, "description", "what the practice is"),
        why_it_matters=_clean(why_it_matters, "why_it_matters", "why it matters"),
        how_we_know=_clean(how_we_know, "how_we_know", "how the team will know it is kept"),
        owner=owner,
        retired=retired,
    )
    audit_record(
        action="practice.revise",
        subject=practice,
        programme=practice.programme,
        extra={"version": number, "away_day": away_day.pk, "retired": retired},
    )
    return version


@transaction.atomic
def mission_agree(*, programme: Programme, away_day: AwayDay, text: str) -> MissionVersion:
    _check_away_day(programme, away_day)
    mission = MissionVersion.objects.create(
        programme=programme, away_day=away_day, text=_clean(text, "text", "the mission statement")
    )
    audit_record(
        action="mission.agree",
        subject=mission,
        programme=programme,
        extra={"away_day": away_day.pk},
    )
    return mission


# ---------------------------------------------------------------------------------------------
# Role agreements
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaInput:
    area: str
    leads: str
    supports: str
    consulted: str = ""


@transaction.atomic
def role_agreement_record(
    *, pair: Pair, away_day: AwayDay, areas: Sequence[AreaInput]
) -> RoleAgreement:
    """A new version of the pair's role agreement. Neither partner has confirmed it yet."""
    _check_away_day(pair.programme, away_day)
    seen: set[str] = set()
    for index, area in enumerate(areas, start=1):
        name = area.area.strip()
        if not name:
            raise ValidationError({"areas": f"Row {index}: enter the area's name."})
        if name.lower() in seen:
            raise ValidationError({"areas": f"Row {index}: “{name}” is listed twice."})
        seen.add(name.lower())
        for label, value in (("leads", area.leads), ("supports", area.supports)):
            if value not in Responsibility.values:
                raise ValidationError(
                    {"areas": f"Row {index} ({name}): “{value}” is not a choice for who {label}."}
                )
    if not areas:
        raise ValidationError({"areas": "Agree at least one area."})
    number = (RoleAgreement.objects.filter(pair=pair).aggregate(n=Max("number"))["n"] or 0) + 1
    agreement = RoleAgreement.objects.create(pair=pair, away_day=away_day, number=number)
    RoleArea.objects.bulk_create(
        RoleArea(
            agreement=agreement,
            position=position,
            area=area.area.strip(),
            leads=area.leads,
            supports=area.supports,
            consulted=area.consulted.strip(),
        )
        for position, area in enumerate(areas, start=1)
    )
    audit_record(
        action="role_agreement.record",
        subject=agreement,
        programme=pair.programme,
        extra={"pair": pair.pk, "version": number, "areas": len(areas)},
    )
    return agreement


@transaction.atomic
def role_agreement_confirm(
    *, agreement: RoleAgreement, participant: Participant, now: dt.datetime | None = None
) -> RoleAgreement:
    """One partner confirms the agreement; it counts as agreed when both have."""
    now = now or timezone.now()
    pair = agreement.pair
    if participant.pk == pair.doctor_id:
        agreement.doctor_confirmed_at = agreement.doctor_confirmed_at or now
        partner = "doctor"
    elif participant.pk == pair.manager_id:
        agreement.manager_confirmed_at = agreement.manager_confirmed_at or now
        partner = "manager"
    else:
        raise ValidationError("Only the two partners confirm their role agreement.")
    agreement.save(update_fields=["doctor_confirmed_at", "manager_confirmed_at"])
    audit_record(
        action="role_agreement.confirm",
        subject=agreement,
        programme=pair.programme,
        extra={"pair": pair.pk, "partner": partner, "agreed": agreement.agreed},
    )
    return agreement


# ---------------------------------------------------------------------------------------------
# Actions
# ---------------------------------------------------------------------------------------------


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
    _check_owner(programme, owner)
    if away_day is not None:
        _check_away_day(programme, away_day)
    if pair is not None and pair.programme_id != programme.pk:
        raise ValidationError({"pair": "That pair belongs to another programme."})
    action = Action.objects.create(
        programme=programme,
        title=_clean(title, "title", "what is to be done"),
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
        .filter(owner__person__erased_at__isnull=True)
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


# ---------------------------------------------------------------------------------------------
# Observations, evaluations, meetings
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def observation_record(
    *,
    observing_pair: Pair,
    observed_pair: Pair,
    situation: str,
    notes: str,
    away_day: AwayDay | None = None,
    actor: Any = None,
) -> PairObservation:
    if observed_pair.pk == observing_pair.pk:
        raise ValidationError({"observed_pair": "Choose another pair than your own."})
    if observed_pair.programme_id != observing_pair.programme_id:
        raise ValidationError({"observed_pair": "That pair belongs to another programme."})
    observation = PairObservation.objects.create(
        observing_pair=observing_pair,
        observed_pair=observed_pair,
        away_day=away_day,
        situation=_clean(situation, "situation", "the situation you watched"),
        notes=_clean(notes, "notes", "your notes"),
        author=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="pair_observation.record",
        subject=observation,
        programme=observing_pair.programme,
        extra={"observing_pair": observing_pair.pk, "observed_pair": observed_pair.pk},
    )
    return observation


@transaction.atomic
def evaluation_submit(
    *,
    away_day: AwayDay,
    participant: Participant,
    usefulness: int,
    keep: str = "",
    change: str = "",
    today: dt.date | None = None,
) -> Evaluation:
    """One person's feedback, taken from the day itself until the window closes (inclusive).

    `today` is for building a programme's history (the demo gives its feedback on the day).
    """
    # Read again under the lock: the window is checked against the stored dates, not against a
    # copy that an edit may have changed since.
    current = AwayDay.objects.select_for_update().get(pk=away_day.pk)
    closed = current.evaluation_window_message(today)
    if closed:
        raise ValidationError(closed)
    if not USEFULNESS_MIN <= usefulness <= USEFULNESS_MAX:
        raise ValidationError(
            {"usefulness": f"Choose from {USEFULNESS_MIN} to {USEFULNESS_MAX}, not {usefulness}."}
        )
    if Evaluation.objects.filter(away_day=away_day, participant=participant).exists():
        raise ValidationError("You have already given feedback on this away day.")
    # Not audited, like a respondent's own stock-take answers: evaluations are only ever shown
    # in aggregate, and an event saying who gave feedback when would let anyone reading the log
    # difference the aggregate before and after and so recover one person's answers.
    return Evaluation.objects.create(
        away_day=away_day,
        participant=participant,
        usefulness=usefulness,
        keep=(keep or "").strip(),
        change=(change or "").strip(),
    )


@transaction.atomic
def recurring_meeting_create(
    *, programme: Programme, name: str, description: str = "", waves: Iterable[Wave] = ()
) -> RecurringMeeting:
    meeting = RecurringMeeting.objects.create(
        programme=programme,
        name=_clean(name, "name", "the meeting's name"),
        description=(description or "").strip(),
    )
    _attach_waves(meeting=meeting, waves=waves)
    audit_record(
        action="recurring_meeting.create",
        subject=meeting,
        programme=programme,
        extra={"waves": meeting.waves.count()},
    )
    return meeting


@transaction.atomic
def recurring_meeting_update(
    *, meeting: RecurringMeeting, name: str, description: str = "", waves: Iterable[Wave] = ()
) -> RecurringMeeting:
    """Rename the meeting and set exactly which pulse waves belong to it."""
    meeting.name = _clean(name, "name", "the meeting's name")
    meeting.description = (description or "").strip()
    meeting.save()
    meeting.waves.clear()
    _attach_waves(meeting=meeting, waves=waves)
    audit_record(
        action="recurring_meeting.update",
        subject=meeting,
        programme=meeting.programme,
        extra={"waves": meeting.waves.count()},
    )
    return meeting


def _attach_waves(*, meeting: RecurringMeeting, waves: Iterable[Wave]) -> None:
    # Only inside recurring_meeting_create/update, whose transaction and audit event cover it.
    waves = list(waves)
    for wave in waves:
        if wave.programme_id != meeting.programme_id:
            raise ValidationError({"waves": f"“{wave.title}” belongs to another programme."})
        if wave.instrument_id != "meeting-effectiveness":
            raise ValidationError({"waves": f"“{wave.title}” is not a meeting pulse."})
    meeting.waves.add(*waves)
