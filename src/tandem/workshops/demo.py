"""The demo programme's away days: two events, a charter, a mission, role agreements revised at
the second day, ~25 actions (some overdue), pair observations, evaluations given on the day (whose
feedback windows have closed, so their results show), and a year of monthly meeting pulses whose
"effective meetings" score rises after the away days (all closed; August stays below k).

A seeded generator makes every build identical; answers are written with bulk inserts.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from tandem.programmes.models import Pair, Participant, Programme, Role
from tandem.surveys import services as survey_services
from tandem.surveys.models import (
    Answer,
    AnswerSource,
    Invitation,
    InvitationStatus,
    Wave,
    WaveKind,
)
from tandem.workshops import services
from tandem.workshops.models import (
    STANDARD_AREAS,
    Action,
    ActionStatus,
    ActionUpdate,
    AwayDay,
    AwayDayInvitation,
    Responsibility,
)

PRACTICES: tuple[tuple[str, str, str, str], ...] = (
    (
        "More effective meetings",
        "Every joint meeting has an agenda agreed by the doctor and the manager, ends on time and "
        "records decisions and actions with a named owner.",
        "We spent too long in meetings that decided nothing; clinicians stopped coming.",
        "The monthly meeting check: the 'effective meetings' score rises and stays above 3.5.",
    ),
    (
        "Getting to know each other as people",
        "Pairs meet once a month away from the office, and each locality meeting starts with ten "
        "minutes on something other than work.",
        "Trust grows from knowing the person, not the job title.",
        "Pairs report their monthly meeting in their role-agreement review.",
    ),
    (
        "Honest and open communication",
        "Bad news is shared early, between partners first, and nobody is surprised in a public "
        "meeting.",
        "Surprises in the business meeting damaged relationships at the stock take.",
        "Fewer 'we were not told' items in the repeat stock take's open answers.",
    ),
    (
        "Respect with appropriate challenge",
        "We challenge ideas, not people; the chair invites challenge from the quietest voices.",
        "Decisions made without challenge were reversed later at greater cost.",
        "The challenge scale of the repeat stock take, doctors and managers alike.",
    ),
    (
        "A “can do” culture",
        "When a problem is raised, the first question is what we can do this week.",
        "Waiting for permission slowed every improvement the stock take listed.",
        "Actions from away days are done on time; the action log is reviewed at each meeting.",
    ),
    (
        "Decide once, in the room",
        "Decisions are made in the meeting with the right people present, not in corridors "
        "afterwards, and are written down.",
        "Corridor decisions undermined the meeting and the people not in the corridor.",
        "Decisions in the minutes are not reopened at the next meeting.",
    ),
    (
        "Look at the figures together",
        "Each pair reviews the service's activity, finance and workforce figures together monthly.",
        "Doctors heard about budget pressures too late to help.",
        "Every pair has a monthly review in the diary.",
    ),
)

MISSIONS = (
    "Doctors and managers lead each service together, so that patients get safe, timely care "
    "from a team that plans and decides as one.",
    "Doctors and managers lead each service together as equal partners, deciding in the open and "
    "following through, so that patients get safe, timely care and staff want to work here.",
)

ACTION_TITLES = (
    "Agree a shared agenda template for the business meeting",
    "Book monthly pair meetings for the next six months",
    "Set up a monthly review of the service's figures",
    "Write down who decides what for the rota",
    "Invite the executive director to the locality meeting",
    "Circulate the decisions log after each meeting",
    "Protect a session a week for the lead consultant's management work",
    "Run a joint briefing on the budget position for the consultants",
    "Start the locality meeting with ten minutes off-topic",
    "Agree how bad news is escalated between the partners",
    "Visit another locality's business meeting and bring back one idea",
    "Review the job plan alongside the service plan",
)


def _areas(rng: random.Random, revise: bool) -> list[services.AreaInput]:
    lead_choices = [
        Responsibility.DOCTOR,
        Responsibility.MANAGER,
        Responsibility.MANAGER,
        Responsibility.BOTH,
        Responsibility.MANAGER,
        Responsibility.BOTH,
    ]
    rows = []
    for area, leads in zip(STANDARD_AREAS, lead_choices, strict=True):
        supports = (
            Responsibility.MANAGER
            if leads == Responsibility.DOCTOR
            else (
                Responsibility.DOCTOR if leads == Responsibility.MANAGER else Responsibility.NEITHER
            )
        )
        consulted = {
            "Budget": "Finance business partner",
            "Workforce": "HR business partner",
            "External relations": "Commissioners",
        }.get(area, "")
        rows.append(
            services.AreaInput(area=area, leads=leads, supports=supports, consulted=consulted)
        )
    if revise:
        # The second away day: the pair shares the budget, and adds an area of its own.
        rows[1] = services.AreaInput(
            area="Budget",
            leads=Responsibility.BOTH,
            supports=Responsibility.NEITHER,
            consulted="Finance business partner",
        )
        if rng.random() < 0.5:
            rows.append(
                services.AreaInput(
                    area="Teaching and training",
                    leads=Responsibility.DOCTOR,
                    supports=Responsibility.MANAGER,
                    consulted="Director of medical education",
                )
            )
    return rows


def _pulse_waves(programme: Programme, rng: random.Random) -> list[Wave]:
    """Twelve monthly meeting checks, Feb 2025 – Jan 2026, the level rising after each away day.

    August is the holiday month: only three people answered, so its result is suppressed.
    """
    participants = list(
        Participant.objects.filter(programme=programme, role=Role.PARTICIPANT).order_by("pk")
    )
    latent = {p.pk: rng.gauss(0, 0.4) for p in participants}
    waves = []
    answers: list[Answer] = []
    changed: list[Invitation] = []
    for index in range(12):
        year, month = (2025, 2 + index) if index < 11 else (2026, 1)
        opens = dt.date(year, month, 3)
        wave = survey_services.wave_create(
            programme=programme,
            title=f"Meeting check, {opens:%B %Y}",
            kind=WaveKind.PULSE,
            instrument_id="meeting-effectiveness",
            opens_on=opens,
            closes_on=opens + dt.timedelta(days=10),
        )
        waves.append(wave)
        level = 2.6 + (0.45 if opens > dt.date(2025, 4, 10) else 0) + 0.03 * index
        level += 0.35 if opens > dt.date(2025, 10, 2) else 0
        respond = 3 if month == 8 else 11 + rng.randint(0, 6)
        invitations = list(wave.invitations.matched().order_by("pk"))
        for invitation in rng.sample(invitations, respond):
            person_level = latent[invitation.participant_id or 0]
            for item_id in ("mtg1", "mtg2", "mtg3", "mtg4"):
                value = max(1, min(5, round(level + person_level + rng.gauss(0, 0.6))))
                if item_id == "mtg4":
                    value = 6 - value
                answers.append(
                    Answer(
                        invitation=invitation,
                        item_id=item_id,
                        value=value,
                        source=AnswerSource.WEB,
                    )
                )
            moment = timezone.make_aware(dt.datetime.combine(opens, dt.time(12, 0)))
            invitation.status = InvitationStatus.SUBMITTED
            invitation.started_at = invitation.submitted_at = moment
            invitation.sent_at = moment
            changed.append(invitation)
    Answer.objects.bulk_create(answers)
    Invitation.objects.bulk_update(changed, ["status", "submitted_at", "started_at", "sent_at"])
    return waves


@transaction.atomic
def seed_workshops(*, programme: Programme, seed: int = 2025) -> list[AwayDay]:
    rng = random.Random(seed)
    today = timezone.localdate()
    pairs = list(
        Pair.objects.filter(programme=programme).select_related(
            "doctor__person", "manager__person", "service"
        )
    )
    lead = Participant.objects.filter(programme=programme, role=Role.PROGRAMME_LEAD).first()
    baseline = programme.waves.filter(instrument_id="stock-take").order_by("opens_on").first()

    first = services.away_day_create(
        programme=programme,
        title="First away day",
        date=dt.date(2025, 4, 10),
        venue="Fellside Conference Centre",
        objectives="Hear the stock-take results together.\nAgree a common mission.\n"
        "Agree who does what in each pair.\nAgree new ways of working.",
    )
    second = services.away_day_create(
        programme=programme,
        title="Second away day",
        date=dt.date(2025, 10, 2),
        venue="Riverside Education Centre",
        objectives="Pairs observe each other handling a difficult situation.\n"
        "Review the charter and the role agreements.",
    )
    facilitator = lead.person.name if lead else "Programme lead"
    agenda = {
        first: (
            (dt.time(9, 30), "Welcome and the day's aims", facilitator, None, ""),
            (dt.time(10, 0), "What the stock take told us", facilitator, baseline, ""),
            (dt.time(11, 0), "How we run meetings", "Nadia Foster", baseline, "meetings"),
            (dt.time(13, 30), "A common mission", "Owen Price", None, ""),
            (dt.time(14, 30), "Who does what: pairs agree their roles", facilitator, None, ""),
            (dt.time(16, 0), "Agreeing our practices", facilitator, None, ""),
        ),
        second: (
            (dt.time(9, 30), "Six months on: the action log", facilitator, None, ""),
            (
                dt.time(10, 15),
                "Pair observation: a difficult conversation",
                "Nadia Foster",
                None,
                "",
            ),
            (dt.time(13, 30), "Revisiting the role agreements", facilitator, None, ""),
            (dt.time(15, 0), "Reviewing the charter", "Owen Price", None, ""),
        ),
    }
    for day, items in agenda.items():
        for starts_at, title, who, wave, scale in items:
            services.agenda_item_add(
                away_day=day,
                starts_at=starts_at,
                title=title,
                facilitator=who,
                wave=wave,
                scale_id=scale,
            )
        invited = list(day.invitations.values_list("participant_id", flat=True))
        services.attendance_record(
            away_day=day, attended=[pid for pid in invited if rng.random() < 0.85]
        )
    for day, outcomes in (
        (first, "A common mission, seven agreed practices, role agreements for all twelve pairs."),
        (
            second,
            "Charter reviewed (two practices revised), role agreements revisited, observations "
            "shared.",
        ),
    ):
        services.away_day_update(
            away_day=day,
            title=day.title,
            date=day.date,
            venue=day.venue,
            objectives=day.objectives,
            outcomes=outcomes,
        )

    members = [p for pair in pairs for p in (pair.doctor, pair.manager)]
    practices = []
    for index, (title, description, why, how) in enumerate(PRACTICES):
        practices.append(
            services.practice_agree(
                programme=programme,
                away_day=first,
                title=title,
                description=description,
                why_it_matters=why,
                how_we_know=how,
                owner=members[index * 3 % len(members)] if index % 3 else None,
            )
        )
    for practice, description in (
        (
            practices[0],
            "Every joint meeting has an agenda agreed by the doctor and the manager a week "
            "ahead, ends on time, records decisions and actions with a named owner, and finishes "
            "with the four-question meeting check.",
        ),
        (
            practices[4],
            "When a problem is raised, the first question is what we can do this week — and "
            "who will do it by when.",
        ),
    ):
        version = practice.versions.get(number=1)
        services.practice_revise(
            practice=practice,
            away_day=second,
            title=version.title,
            description=description,
            why_it_matters=version.why_it_matters,
            how_we_know=version.how_we_know,
            owner=version.owner,
        )
    services.mission_agree(programme=programme, away_day=first, text=MISSIONS[0])
    services.mission_agree(programme=programme, away_day=second, text=MISSIONS[1])

    confirmed = timezone.make_aware(dt.datetime(2025, 4, 17, 9, 0))
    for index, pair in enumerate(pairs):
        v1 = services.role_agreement_record(pair=pair, away_day=first, areas=_areas(rng, False))
        v1.doctor_confirmed_at = v1.manager_confirmed_at = confirmed
        v1.save()
        v2 = services.role_agreement_record(pair=pair, away_day=second, areas=_areas(rng, True))
        # Most pairs have both confirmed the revision; a few are still to.
        if index % 4:
            v2.doctor_confirmed_at = v2.manager_confirmed_at = confirmed + dt.timedelta(days=180)
        elif index % 8 == 0:
            v2.manager_confirmed_at = confirmed + dt.timedelta(days=180)
        v2.save()

    statuses = (
        [ActionStatus.DONE] * 9
        + [ActionStatus.IN_PROGRESS] * 6
        + [ActionStatus.OPEN] * 7
        + [ActionStatus.DROPPED] * 3
    )
    actions = []
    for index, status in enumerate(statuses):
        pair = pairs[index % len(pairs)]
        owner = pair.doctor if index % 2 else pair.manager
        day = first if index < 14 else second
        if status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS):
            # About half of the unfinished actions are overdue.
            due = (
                today - dt.timedelta(days=10 + 7 * index)
                if index % 2
                else today + dt.timedelta(days=14 + 3 * index)
            )
        else:
            due = day.date + dt.timedelta(days=60 + 5 * index)
        actions.append(
            Action(
                programme=programme,
                away_day=day,
                pair=pair,
                title=ACTION_TITLES[index % len(ACTION_TITLES)],
                owner=owner,
                due_on=due,
                status=status,
            )
        )
    Action.objects.bulk_create(actions)
    updates = []
    for index, action in enumerate(actions):
        if action.status == ActionStatus.OPEN:
            continue
        updates.append(
            ActionUpdate(
                action=action,
                written_on=(action.away_day.date if action.away_day else today)
                + dt.timedelta(days=30 + index),
                note={
                    ActionStatus.DONE: "Done and reported at the locality meeting.",
                    ActionStatus.IN_PROGRESS: "Started; first meeting held.",
                    ActionStatus.DROPPED: "Overtaken by the new rota system; dropped by agreement.",
                }[ActionStatus(action.status)],
                status=action.status,
            )
        )
    ActionUpdate.objects.bulk_create(updates)

    for index in range(0, len(pairs), 2):
        observing, observed = pairs[index], pairs[(index + 1) % len(pairs)]
        services.observation_record(
            observing_pair=observing,
            observed_pair=observed,
            away_day=second,
            situation="Telling the consultants that the locum budget is overspent",
            notes=(
                f"{observed.doctor.person.name} opened with the patients' side and "
                f"{observed.manager.person.name} brought the figures; they agreed beforehand who "
                "would say what. We would copy the joint preparation."
            ),
        )
    for day, count in ((first, 18), (second, 8)):
        attendees = list(
            AwayDayInvitation.objects.filter(away_day=day, attended=True)
            .order_by("participant_id")
            .values_list("participant_id", flat=True)
        )[:count]
        by_id = Participant.objects.in_bulk(attendees)
        for pid in attendees:
            # Given on the day itself, inside the feedback window; its two weeks have long
            # passed, so the results are shown.
            services.evaluation_submit(
                away_day=day,
                participant=by_id[pid],
                usefulness=rng.choice([3, 4, 4, 5, 5]),
                keep=rng.choice(
                    [
                        "Time in pairs",
                        "Hearing the results together",
                        "The observation exercise",
                        "",
                    ]
                ),
                change=rng.choice(
                    ["Fewer presentations", "A later start", "More time on actions", ""]
                ),
                today=day.date,
            )

    services.recurring_meeting_create(
        programme=programme,
        name="Locality business meeting",
        description="The monthly meeting of the pairs, finance and HR in each locality.",
        waves=_pulse_waves(programme, rng),
    )
    return [first, second]
