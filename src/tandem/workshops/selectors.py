"""Reads for away days, the charter, role agreements, actions, observations and evaluations.

Who may see what (ARCHITECTURE.md, "Away days"):

| viewer | may see |
|---|---|
| lead | everything except pair observations |
| sponsor | away days, charter, mission, every pair's role agreement, every action, aggregated evaluations (once feedback has closed) and meeting trends (months that are over) |
| participant | away days, charter, mission, their own pair's role agreement, their own actions |
| coach | charter and mission only |
| members of two pairs | the observation notes one of their pairs wrote about the other |

The data model has no link from a sponsor to particular pairs, so a sponsor sees all of the
programme's pairs: the narrowest rule the data allows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from tandem.audit.services import audit_record, audit_record_many
from tandem.disclosure.ledger import Disclosure, Scope, piece
from tandem.programmes.models import Pair, Participant, Programme, Role
from tandem.programmes.selectors import ProgrammeAccessDenied, ProgrammeNotFound, viewer_roles
from tandem.workshops.models import (
    ACTIVE_STATUSES,
    USEFULNESS_MAX,
    USEFULNESS_MIN,
    Action,
    ActionStatus,
    AgreedPractice,
    AwayDay,
    Evaluation,
    Material,
    MissionVersion,
    PairObservation,
    PracticeVersion,
    RecurringMeeting,
    RoleAgreement,
)

LEAD = Role.PROGRAMME_LEAD
SPONSOR = Role.SPONSOR
COACH = Role.COACH
PARTICIPANT = Role.PARTICIPANT


class WorkshopsAccessDenied(ProgrammeAccessDenied):
    """The viewer has a role in the programme, but not one that shows this."""


@dataclass(frozen=True)
class Viewer:
    user: Any
    programme: Programme
    roles: frozenset[str]
    participant: Participant | None
    pair_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_lead(self) -> bool:
        return LEAD in self.roles

    @property
    def is_sponsor(self) -> bool:
        return SPONSOR in self.roles

    @property
    def oversees(self) -> bool:
        """Lead or sponsor: sees every pair's agreements and every action."""
        return bool(self.roles & {LEAD, SPONSOR})

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


# A page asks for the viewer several times (the view, its selectors, the template's menu); the
# answer is kept on the user object, which lives for one request.
_CACHE_ATTRIBUTE = "_workshops_viewers"


def viewer_for(*, viewer: Any, programme: Programme) -> Viewer:
    cache: dict[int, Viewer] | None = getattr(viewer, _CACHE_ATTRIBUTE, None)
    if cache is not None and programme.pk in cache:
        return cache[programme.pk]
    found = _viewer(viewer=viewer, programme=programme)
    if getattr(viewer, "is_authenticated", False):
        if cache is None:
            cache = {}
            setattr(viewer, _CACHE_ATTRIBUTE, cache)
        cache[programme.pk] = found
    return found


def _viewer(*, viewer: Any, programme: Programme) -> Viewer:
    roles = viewer_roles(viewer=viewer, programme=programme)
    if not roles:
        raise ProgrammeNotFound("No such programme.")
    participant = (
        Participant.objects.filter(programme=programme, person__user=viewer)
        .select_related("person")
        .first()
    )
    pair_ids: frozenset[int] = frozenset()
    if participant is not None:
        pair_ids = frozenset(
            Pair.objects.filter(programme=programme)
            .filter(Q(doctor=participant) | Q(manager=participant))
            .values_list("pk", flat=True)
        )
    return Viewer(
        user=viewer, programme=programme, roles=roles, participant=participant, pair_ids=pair_ids
    )


def _require(v: Viewer, *roles: str, message: str) -> None:
    if not v.has(*roles):
        raise WorkshopsAccessDenied(message)


# ---------------------------------------------------------------------------------------------
# Away days
# ---------------------------------------------------------------------------------------------

AWAY_DAY_ROLES = (LEAD, SPONSOR, PARTICIPANT)


def away_days_for(*, viewer: Any, programme: Programme) -> list[AwayDay]:
    v = viewer_for(viewer=viewer, programme=programme)
    _require(v, *AWAY_DAY_ROLES, message="Away days are shown to the programme's members.")
    return list(AwayDay.objects.filter(programme=programme).order_by("date", "id"))


def away_day_for(*, viewer: Any, programme: Programme, away_day_id: int) -> AwayDay:
    v = viewer_for(viewer=viewer, programme=programme)
    _require(v, *AWAY_DAY_ROLES, message="Away days are shown to the programme's members.")
    away_day = (
        AwayDay.objects.filter(programme=programme, pk=away_day_id)
        .prefetch_related("agenda_items__wave", "materials")
        .first()
    )
    if away_day is None:
        raise ProgrammeNotFound("No such away day.")
    return away_day


def away_day_to_manage(*, viewer: Any, programme: Programme, away_day_id: int) -> AwayDay:
    v = viewer_for(viewer=viewer, programme=programme)
    _require(v, LEAD, message="Only the programme lead runs away days.")
    away_day = AwayDay.objects.filter(programme=programme, pk=away_day_id).first()
    if away_day is None:
        raise ProgrammeNotFound("No such away day.")
    return away_day


def material_for(
    *, viewer: Any, programme: Programme, away_day_id: int, material_id: int
) -> Material:
    """A material to download; the download is audited."""
    away_day = away_day_for(viewer=viewer, programme=programme, away_day_id=away_day_id)
    material = Material.objects.filter(away_day=away_day, pk=material_id).first()
    if material is None:
        raise ProgrammeNotFound("No such file.")
    audit_record(
        actor=viewer,
        action="workshops.material.download",
        subject=material,
        programme=programme,
        extra={"away_day": away_day.pk, "kind": material.kind},
    )
    return material


def attendance_for(*, viewer: Any, programme: Programme, away_day: AwayDay) -> list[Any]:
    v = viewer_for(viewer=viewer, programme=programme)
    _require(v, LEAD, message="Only the programme lead records attendance.")
    return list(away_day.invitations.select_related("participant__person"))


# ---------------------------------------------------------------------------------------------
# Charter and mission: everyone in the programme
# ---------------------------------------------------------------------------------------------

CHARTER_ROLES = (LEAD, SPONSOR, COACH, PARTICIPANT)


@dataclass(frozen=True)
class CharterEntry:
    practice: AgreedPractice
    current: PracticeVersion
    versions: list[PracticeVersion]

    @property
    def revised(self) -> bool:
        return len(self.versions) > 1


def charter_for(
    *, viewer: Any, programme: Programme, include_retired: bool = False
) -> list[CharterEntry]:
    v = viewer_for(viewer=viewer, programme=programme)
    _require(v, *CHARTER_ROLES, message="The charter is shown to the programme's members.")
    practices = AgreedPractice.objects.filter(programme=programme).prefetch_related(
        Prefetch(
            "versions",
            queryset=PracticeVersion.objects.select_related("away_day", "owner__person").order_by(
                "number"
            ),
        )
    )
    entries = []
    for practice in practices:
        versions = list(practice.versions.all())
        if not versions:
            continue
        entry = CharterEntry(practice=practice, current=versions[-1], versions=versions)
        if entry.current.retired and not include_retired:
            continue
        entries.append(entry)
    return entries


def practice_for(*, viewer: Any, programme: Programme, practice_id: int) -> CharterEntry:
    for entry in charter_for(viewer=viewer, programme=programme, include_retired=True):
        if entry.practice.pk == practice_id:
            return entry
    raise ProgrammeNotFound("No such practice.")


def missions_for(*, viewer: Any, programme: Programme) -> list[MissionVersion]:
    """Every version of the mission, oldest first (the last is current)."""
    v = viewer_for(viewer=viewer, programme=programme)
    _require(v, *CHARTER_ROLES, message="The mission is shown to the programme's members.")
    return list(
        MissionVersion.objects.filter(programme=programme)
        .select_related("away_day")
        .order_by("away_day__date", "id")
    )


# ---------------------------------------------------------------------------------------------
# Role agreements: the pair, sponsors and the lead
# ---------------------------------------------------------------------------------------------


def pairs_with_agreements_for(*, viewer: Any, programme: Programme) -> list[Pair]:
    v = viewer_for(viewer=viewer, programme=programme)
    pairs = Pair.objects.filter(programme=programme).select_related(
        "doctor__person", "manager__person", "service__locality"
    )
    if v.oversees:
        return list(pairs)
    if v.pair_ids:
        return list(pairs.filter(pk__in=v.pair_ids))
    raise WorkshopsAccessDenied("Role agreements are shown to the pair, sponsors and the lead.")


@dataclass(frozen=True)
class AreaChange:
    area: str
    before: dict[str, str] | None
    after: dict[str, str] | None

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed" if self.before != self.after else "unchanged"


@dataclass(frozen=True)
class RoleAgreementView:
    pair: Pair
    versions: list[RoleAgreement]
    viewer_side: str  # "doctor", "manager" or "" (not a member)
    may_edit: bool

    @property
    def current(self) -> RoleAgreement | None:
        return self.versions[-1] if self.versions else None

    @property
    def previous(self) -> RoleAgreement | None:
        return self.versions[-2] if len(self.versions) > 1 else None

    @property
    def changes(self) -> list[AreaChange]:
        return role_agreement_diff(self.previous, self.current)


def _area_rows(agreement: RoleAgreement | None) -> dict[str, dict[str, str]]:
    if agreement is None:
        return {}
    return {
        area.area: {
            "leads": area.get_leads_display(),
            "supports": area.get_supports_display(),
            "consulted": area.consulted,
        }
        for area in agreement.areas.all()
    }


def role_agreement_diff(
    before: RoleAgreement | None, after: RoleAgreement | None
) -> list[AreaChange]:
    """Area by area, what changed from one version to the next (in the later version's order)."""
    old, new = _area_rows(before), _area_rows(after)
    names = list(new) + [name for name in old if name not in new]
    return [AreaChange(area=name, before=old.get(name), after=new.get(name)) for name in names]


def role_agreement_for(*, viewer: Any, programme: Programme, pair_id: int) -> RoleAgreementView:
    v = viewer_for(viewer=viewer, programme=programme)
    pair = (
        Pair.objects.filter(programme=programme, pk=pair_id)
        .select_related("doctor__person", "manager__person", "service")
        .first()
    )
    if pair is None:
        raise ProgrammeNotFound("No such pair.")
    if not v.oversees and pair.pk not in v.pair_ids:
        raise WorkshopsAccessDenied("A role agreement is shown to the pair, sponsors and the lead.")
    side = ""
    if v.participant is not None:
        if pair.doctor_id == v.participant.pk:
            side = "doctor"
        elif pair.manager_id == v.participant.pk:
            side = "manager"
    versions = list(
        RoleAgreement.objects.filter(pair=pair)
        .select_related("away_day")
        .prefetch_related("areas")
        .order_by("number")
    )
    return RoleAgreementView(
        pair=pair, versions=versions, viewer_side=side, may_edit=v.is_lead or bool(side)
    )


# ---------------------------------------------------------------------------------------------
# Actions
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionFilters:
    owner: int | None = None
    pair: int | None = None
    locality: int | None = None
    away_day: int | None = None
    status: str | None = None


def _actions(programme: Programme) -> QuerySet[Action]:
    return Action.objects.filter(programme=programme).select_related(
        "owner__person__service__locality", "pair__service__locality", "away_day"
    )


def actions_for(
    *, viewer: Any, programme: Programme, filters: ActionFilters | None = None
) -> list[Action]:
    """The action log (lead and sponsors), filtered by owner, pair, locality, away day, status."""
    v = viewer_for(viewer=viewer, programme=programme)
    _require(v, LEAD, SPONSOR, message="The whole action log is for the lead and sponsors.")
    filters = filters or ActionFilters()
    actions = _actions(programme)
    if filters.owner:
        actions = actions.filter(owner_id=filters.owner)
    if filters.pair:
        actions = actions.filter(pair_id=filters.pair)
    if filters.locality:
        actions = actions.filter(
            Q(pair__service__locality_id=filters.locality)
            | Q(pair__isnull=True, owner__person__service__locality_id=filters.locality)
        )
    if filters.away_day:
        actions = actions.filter(away_day_id=filters.away_day)
    if filters.status:
        actions = actions.filter(status=filters.status)
    return list(actions.order_by("due_on", "id"))


def my_actions_for(*, viewer: Any, programme: Programme) -> list[Action]:
    v = viewer_for(viewer=viewer, programme=programme)
    if v.participant is None:
        return []
    return list(_actions(programme).filter(owner=v.participant).order_by("due_on", "id"))


@dataclass(frozen=True)
class ActionView:
    action: Action
    may_update: bool


def action_for(*, viewer: Any, programme: Programme, action_id: int) -> ActionView:
    v = viewer_for(viewer=viewer, programme=programme)
    action = _actions(programme).filter(pk=action_id).prefetch_related("updates").first()
    if action is None:
        raise ProgrammeNotFound("No such action.")
    is_owner = v.participant is not None and action.owner_id == v.participant.pk
    if not (v.oversees or is_owner):
        raise WorkshopsAccessDenied("An action is shown to its owner, sponsors and the lead.")
    return ActionView(action=action, may_update=v.is_lead or is_owner)


def overdue_actions_for(
    *,
    viewer: Any,
    programme: Programme,
    today: dt.date | None = None,
    roles: frozenset[str] | None = None,
) -> list[Action]:
    """Overdue actions this viewer may see: all for the lead and sponsors, their own for others.

    Used by the programme dashboard's panel, which passes the roles it already knows so that the
    panel costs one query; a coach (who sees no actions) gets none.
    """
    today = today or timezone.localdate()
    if roles is None:
        roles = viewer_roles(viewer=viewer, programme=programme)
    if not roles:
        raise ProgrammeNotFound("No such programme.")
    overdue = _actions(programme).filter(status__in=ACTIVE_STATUSES, due_on__lt=today)
    if roles & {LEAD, SPONSOR}:
        return list(overdue.order_by("due_on", "id"))
    if PARTICIPANT in roles:
        return list(overdue.filter(owner__person__user=viewer).order_by("due_on", "id"))
    return []


def action_status_counts(actions: list[Action], today: dt.date) -> dict[str, int]:
    counts = {status.label: 0 for status in ActionStatus}
    for action in actions:
        counts[action.get_status_display()] += 1
    counts["Overdue"] = sum(1 for a in actions if a.is_overdue(today))
    return counts


# ---------------------------------------------------------------------------------------------
# Pair observations: only the members of the two pairs involved
# ---------------------------------------------------------------------------------------------


def observations_for(*, viewer: Any, programme: Programme) -> list[PairObservation]:
    """The observations that involve the viewer's pair; each read is audited."""
    v = viewer_for(viewer=viewer, programme=programme)
    if not v.pair_ids:
        raise WorkshopsAccessDenied(
            "Pair observations are shown only to the members of the two pairs involved."
        )
    observations = list(
        PairObservation.objects.filter(
            Q(observing_pair_id__in=v.pair_ids) | Q(observed_pair_id__in=v.pair_ids),
            observing_pair__programme=programme,
        ).select_related(
            "observing_pair__service",
            "observed_pair__service",
            "away_day",
        )
    )
    audit_record_many(
        actor=viewer,
        action="workshops.observation.read",
        subjects=list(observations),
        programme=programme,
    )
    return observations


def observer_pair_for(*, viewer: Any, programme: Programme) -> Pair:
    """The pair the viewer writes observations for (their own)."""
    v = viewer_for(viewer=viewer, programme=programme)
    if not v.pair_ids:
        raise WorkshopsAccessDenied("Only a member of a pair records an observation.")
    return Pair.objects.select_related("service").get(pk=min(v.pair_ids))


# ---------------------------------------------------------------------------------------------
# Evaluations (aggregated, k-suppressed)
# ---------------------------------------------------------------------------------------------


def evaluation_scope(away_day: AwayDay) -> Scope:
    """The disclosure scope of an away day's feedback: frozen once its window has passed.

    Until then nothing worked out from the feedback is shown to anyone, the lead included: a
    reading before and after one person gives feedback (at the away day, on their phone) would
    give their answers away.
    """
    key = f"away-day:{away_day.pk}:evaluation"
    if away_day.evaluation_has_closed():
        return Scope(key=key, frozen=True)
    return Scope(
        key=key,
        frozen=False,
        pending=(
            f"Results appear when feedback closes on {away_day.evaluation_closes_on:%-d %B %Y}, "
            "so that no one's answers can be worked out from changes."
        ),
    )


def feedback_window_text(*, away_day: AwayDay, today: dt.date | None = None) -> str:
    """When people can give feedback on the day, in words, for the away day's page."""
    today = today or timezone.localdate()
    closes = f"{away_day.evaluation_closes_on:%-d %B %Y}"
    if away_day.evaluation_has_closed(today):
        return f"Closed on {closes}."
    if today < away_day.date:
        return f"Open from the day itself, {away_day.date:%-d %B %Y}, until the end of {closes}."
    return f"Open until the end of {closes}."


@dataclass(frozen=True)
class EvaluationSummary:
    """What the feedback page shows. While the window is open (`pending`), only how many people
    have given feedback; afterwards the figures and written answers the ledger allows."""

    away_day: AwayDay
    respondents: int
    k: int
    k_text: int
    mean_usefulness: float | None
    distribution: list[tuple[int, int]] | None
    keep: list[str] | None
    change: list[str] | None
    reason: str
    text_reason: str
    pending: str = ""


EVALUATION_SURFACE = "workshops.evaluation"


def evaluation_summary_for(
    *, viewer: Any, programme: Programme, away_day: AwayDay
) -> EvaluationSummary:
    """Usefulness (mean and counts) and the written answers, never per person, and only once
    feedback has closed.

    Through the disclosure ledger: measure "usefulness" for the mean and the distribution,
    "written" for the written answers (which also need k_text people); each over the people
    who gave feedback.
    """
    v = viewer_for(viewer=viewer, programme=programme)
    _require(v, LEAD, SPONSOR, message="Evaluation results are for the lead and sponsors.")
    rows = list(
        Evaluation.objects.filter(away_day=away_day).values_list(
            "participant_id", "usefulness", "keep", "change"
        )
    )
    n = len(rows)
    k, k_text = programme.min_group_size, programme.min_text_group_size
    scope = evaluation_scope(away_day)
    text_reason = f"Written answers are shown only when at least {k_text} people answered."
    disclosure = Disclosure(programme=programme, surface=EVALUATION_SURFACE)
    if n or not scope.frozen:
        members = [r[0] for r in rows]
        disclosure.add("usefulness", piece(scope, "usefulness", members))
        # Below k_text the written answers are not offered to the ledger at all (nothing to
        # record); while feedback is open they are, so that the page says when they appear.
        if n >= k_text or not scope.frozen:
            disclosure.add("written", piece(scope, "written", members))
    decisions = disclosure.decide()
    numbers, texts = decisions.shown("usefulness"), decisions.shown("written")
    if n == 0 and scope.frozen:
        reason = text_reason = "No one gave feedback on this day."
    else:
        reason = decisions.reason("usefulness") or ""
        text_reason = decisions.reasons.get("written", text_reason)
    # Shuffled by sorting: the order of submission would say who wrote what to someone who watched.
    keep = sorted(r[2].strip() for r in rows if r[2].strip()) if texts else None
    change = sorted(r[3].strip() for r in rows if r[3].strip()) if texts else None
    return EvaluationSummary(
        away_day=away_day,
        respondents=n,
        k=k,
        k_text=k_text,
        mean_usefulness=(sum(r[1] for r in rows) / n) if numbers else None,
        distribution=(
            [
                (score, sum(1 for r in rows if r[1] == score))
                for score in range(USEFULNESS_MIN, USEFULNESS_MAX + 1)
            ]
            if numbers
            else None
        ),
        keep=keep,
        change=change,
        reason="" if numbers else reason,
        text_reason="" if texts else text_reason,
        pending=scope.pending,
    )


def evaluation_form_for(*, viewer: Any, programme: Programme, away_day: AwayDay) -> Participant:
    """The participant who may evaluate this away day (any programme participant, once)."""
    v = viewer_for(viewer=viewer, programme=programme)
    if v.participant is None or not v.has(PARTICIPANT):
        raise WorkshopsAccessDenied("Participants evaluate away days.")
    if not away_day.invitations.filter(participant=v.participant).exists():
        raise WorkshopsAccessDenied("Only people invited to this away day give feedback on it.")
    return v.participant


def may_evaluate(
    *, participant: Participant, away_day: AwayDay, today: dt.date | None = None
) -> bool:
    """Invited, not yet evaluated, and feedback open today: the page offers the feedback form."""
    return (
        away_day.evaluation_is_open(today)
        and away_day.invitations.filter(participant=participant).exists()
        and not Evaluation.objects.filter(away_day=away_day, participant=participant).exists()
    )


# ---------------------------------------------------------------------------------------------
# Recurring meetings
# ---------------------------------------------------------------------------------------------


def meetings_for(*, viewer: Any, programme: Programme) -> list[RecurringMeeting]:
    v = viewer_for(viewer=viewer, programme=programme)
    _require(v, LEAD, SPONSOR, message="Meeting trends are for the lead and sponsors.")
    return list(RecurringMeeting.objects.filter(programme=programme))


def meeting_for(*, viewer: Any, programme: Programme, meeting_id: int) -> RecurringMeeting:
    v = viewer_for(viewer=viewer, programme=programme)
    _require(v, LEAD, SPONSOR, message="Meeting trends are for the lead and sponsors.")
    meeting = RecurringMeeting.objects.filter(programme=programme, pk=meeting_id).first()
    if meeting is None:
        raise ProgrammeNotFound("No such meeting.")
    return meeting


@dataclass(frozen=True)
class AwayDayOutputs:
    practices: list[PracticeVersion]
    mission: MissionVersion | None


def away_day_outputs(*, away_day: AwayDay) -> AwayDayOutputs:
    """What the group agreed at this away day: new or revised practices and the mission.

    Call only with an away day from `away_day_for` (the charter is visible to all its viewers).
    """
    return AwayDayOutputs(
        practices=list(
            PracticeVersion.objects.filter(away_day=away_day).order_by("practice_id", "number")
        ),
        mission=MissionVersion.objects.filter(away_day=away_day).order_by("-id").first(),
    )
