"""Synthetic stock-take answers for the demo programme.

Each person has an underlying level on each scale; their answers scatter around it. At the repeat
stock take the scales the programme worked on (communication, trust, meetings, challenge, bridging)
rise by about half a point — a moderate effect — while the others stay where they were, so that
the comparison report has both kinds of result to show. A seeded generator makes every build of
the demo identical.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from tandem.programmes.models import Programme, Role
from tandem.surveys import services
from tandem.surveys.instruments import Instrument
from tandem.surveys.models import Answer, AnswerSource, Invitation, InvitationStatus, Wave, WaveKind

IMPROVED_SCALES = {
    "communication": 0.55,
    "trust": 0.45,
    "meetings": 0.6,
    "challenge": 0.4,
    "bridging": 0.5,
}

OPEN_ANSWERS = {
    "works_well": [
        "Our weekly huddle between the consultant and the service manager sorts most problems early.",
        "When there is a crisis on the ward, doctors and managers pull together quickly.",
        "The team knows the patients well and cares about getting it right.",
        "Dr {partner} and I now agree the agenda for the business meeting together.",
        "Managers are good at finding the data we need for the commissioners.",
        "People are honest with each other in the locality meeting.",
    ],
    "gets_in_way": [
        "Decisions get made in corridors and then changed at the next meeting.",
        "Doctors are not told about budget pressures until it is too late to help.",
        "Too many meetings with no clear actions at the end.",
        "Job plans and service plans are written separately, so they pull in different directions.",
        "Agency staffing takes up most of the manager's time.",
        "We rarely see the executives, so we guess what they want.",
    ],
    "one_change": [
        "A shared monthly review of the service's figures, led jointly by the doctor and the manager.",
        "Agree who decides what, and write it down.",
        "Fewer meetings, with decisions recorded.",
        "Invite the executive director to our away day.",
        "Protected time for the lead consultant to do the management part of the job.",
    ],
}


# A comparison group: colleagues in the services the programme did not reach (the outcomes
# demo's comparison services), invited to both stock takes as comparison respondents. They drift
# a little better over the year, as the whole trust did, but without the programme's change.
COMPARISON_PEOPLE = (
    ("Riverside North", "Psychological Therapies Service", "Dr Ruth Abernethy", "doctor"),
    ("Riverside North", "Psychological Therapies Service", "Martin Cole", "manager"),
    ("Riverside North", "Psychological Therapies Service", "Dr Sanjay Rao", "doctor"),
    ("Riverside North", "Psychological Therapies Service", "Linda Hewitt", "manager"),
    ("Riverside South", "Learning Disability Service", "Dr Helen Marr", "doctor"),
    ("Riverside South", "Learning Disability Service", "Paul Wren", "manager"),
    ("Riverside South", "Learning Disability Service", "Dr Tunde Bakare", "doctor"),
    ("Riverside South", "Learning Disability Service", "Sue Lindqvist", "manager"),
    ("The Fells", "Forensic Community Team", "Dr Fiona Garth", "doctor"),
    ("The Fells", "Forensic Community Team", "Gareth Bell", "manager"),
    ("The Fells", "Forensic Community Team", "Dr Olu Ibekwe", "doctor"),
    ("The Fells", "Forensic Community Team", "Rosa Pinto", "manager"),
)
COMPARISON_DRIFT = {"communication": 0.1, "trust": 0.05, "meetings": 0.1}


def seed_comparison_group(*, programme: Programme) -> list[int]:
    """The comparison respondents, added as the people page adds them (no account, no e-mail)."""
    from tandem.demo import email_for
    from tandem.programmes import services as programme_services
    from tandem.programmes.models import Level, Profession, Role
    from tandem.programmes.people import person_invite

    added = []
    for locality_name, service_name, name, profession in COMPARISON_PEOPLE:
        locality = programme_services.locality_get_or_create(
            organisation=programme.organisation, name=locality_name
        )
        service = programme_services.service_get_or_create(locality=locality, name=service_name)
        participant = person_invite(
            programme=programme,
            name=name,
            email=email_for(name),
            profession=Profession.DOCTOR if profession == "doctor" else Profession.MANAGER,
            level=Level.SERVICE,
            role=Role.COMPARISON,
            service=service,
            job_title="Consultant" if profession == "doctor" else "Team Manager",
        )
        added.append(participant.pk)
    return added


def _latent(rng: random.Random) -> float:
    # People differ more than their answers to one scale's items do, as in real staff surveys:
    # this gives scale reliabilities around 0.7–0.9 at the demo's size.
    return rng.gauss(3.0, 0.75)


def _answers_for(
    *,
    instrument: Instrument,
    levels: dict[str, float],
    rng: random.Random,
    shift: dict[str, float],
    partner: str,
) -> list[tuple[str, int | None, bool, str]]:
    """(item_id, value, dont_know, text) for one person's response."""
    rows: list[tuple[str, int | None, bool, str]] = []
    for item in instrument.items:
        if item.kind == "open":
            if rng.random() < 0.7:
                bank = OPEN_ANSWERS.get(item.id) or next(iter(OPEN_ANSWERS.values()))
                rows.append((item.id, None, False, rng.choice(bank).format(partner=partner)))
            continue
        if item.kind != "likert":
            continue
        if rng.random() < 0.03:
            rows.append((item.id, None, True, ""))
            continue
        if rng.random() < 0.02:
            continue  # skipped
        level = levels.get(item.scale or "", 3.0) + shift.get(item.scale or "", 0.0)
        raw = level + rng.gauss(0, 0.5)
        value = max(1, min(5, round(raw)))
        if item.reverse:
            value = 6 - value
        rows.append((item.id, value, False, ""))
    return rows


def _fill(
    *,
    wave: Wave,
    levels: dict[int, dict[str, float]],
    rng: random.Random,
    submitted: set[int],
    in_progress: set[int],
    shift: dict[str, float],
    submitted_on: dt.date,
) -> None:
    instrument = wave.instrument
    invitations = list(wave.invitations.select_related("participant__person"))
    answers: list[Answer] = []
    for invitation in invitations:
        if invitation.participant_id not in submitted | in_progress:
            continue  # never started
        person_levels = levels.setdefault(
            invitation.participant_id, {scale: _latent(rng) for scale in instrument.scales}
        )
        for item_id, value, dont_know, text in _answers_for(
            instrument=instrument, levels=person_levels, rng=rng, shift=shift, partner="Okafor"
        ):
            answers.append(
                Answer(
                    invitation=invitation,
                    item_id=item_id,
                    value=value,
                    dont_know=dont_know,
                    text=text,
                    source=AnswerSource.WEB,
                )
            )
        moment = timezone.make_aware(
            dt.datetime.combine(submitted_on, dt.time(10, 0))
            + dt.timedelta(hours=rng.randint(0, 200))
        )
        if invitation.participant_id in submitted:
            invitation.status = InvitationStatus.SUBMITTED
            invitation.submitted_at = moment
        else:
            invitation.status = InvitationStatus.IN_PROGRESS
        invitation.started_at = moment
        invitation.sent_at = moment - dt.timedelta(days=3)
    Answer.objects.bulk_create(answers)
    Invitation.objects.bulk_update(invitations, ["status", "submitted_at", "started_at", "sent_at"])


@transaction.atomic
def seed_waves(*, programme: Programme, seed: int = 2025) -> list[Wave]:
    """A closed baseline, a closed repeat a year later, and an open pair check-in pulse."""
    rng = random.Random(seed)
    comparison = seed_comparison_group(programme=programme)
    both_groups = (Role.PARTICIPANT, Role.COMPARISON)
    baseline = services.wave_create(
        programme=programme,
        title="Baseline stock take",
        kind=WaveKind.BASELINE,
        instrument_id="stock-take",
        opens_on=dt.date(2025, 1, 20),
        closes_on=dt.date(2025, 2, 14),
        roles=both_groups,
    )
    repeat = services.wave_create(
        programme=programme,
        title="Repeat stock take",
        kind=WaveKind.REPEAT,
        instrument_id="stock-take",
        opens_on=dt.date(2026, 1, 19),
        closes_on=dt.date(2026, 2, 13),
        roles=both_groups,
    )
    levels: dict[int, dict[str, float]] = {}
    # Who answered: 22 of the 24 at baseline (one more started and did not finish); a year on,
    # 17 of those 22 (one more started). Nobody answered the repeat only, and five answered only
    # the baseline: each wave's report and the comparison of the 17 matched people are over
    # populations that differ by none or by k people, so all of them can show their figures
    # (docs/design.md: nested populations may not differ by 1 to k − 1 people).
    invited = sorted(
        baseline.invitations.programme_group().values_list("participant_id", flat=True)
    )
    answered_baseline = set(rng.sample(invited, 22))
    answered_repeat = set(rng.sample(sorted(answered_baseline), 17))
    _fill(
        wave=baseline,
        levels=levels,
        rng=rng,
        submitted=answered_baseline,
        in_progress=set(rng.sample(sorted(set(invited) - answered_baseline), 1)),
        shift={},
        submitted_on=baseline.opens_on,
    )
    _fill(
        wave=repeat,
        levels=levels,
        rng=rng,
        submitted=answered_repeat,
        in_progress=set(rng.sample(sorted(answered_baseline - answered_repeat), 1)),
        shift=IMPROVED_SCALES,
        submitted_on=repeat.opens_on,
    )
    # The comparison group, from a generator of its own (the programme's answers stay as they
    # were): 11 of 12 answered the baseline, 10 of those the repeat.
    other = random.Random(seed + 1)
    compared_baseline = set(other.sample(comparison, 11))
    compared_repeat = set(other.sample(sorted(compared_baseline), 10))
    for wave, answered, shift in (
        (baseline, compared_baseline, {}),
        (repeat, compared_repeat, COMPARISON_DRIFT),
    ):
        _fill(
            wave=wave,
            levels=levels,
            rng=other,
            submitted=answered,
            in_progress=set(),
            shift=shift,
            submitted_on=wave.opens_on,
        )
    # Both stock takes were fed back to the group, so their reports are released.
    services.wave_release(wave=baseline, actor=None)
    services.wave_release(wave=repeat, actor=None)

    today = timezone.localdate()
    pulse = services.wave_create(
        programme=programme,
        title="Pair check-in",
        kind=WaveKind.PULSE,
        instrument_id="pair-check-in",
        opens_on=today - dt.timedelta(days=7),
        closes_on=today + dt.timedelta(days=21),
    )
    # A few pairs have already answered the open pulse; the rest still can.
    pulse_invitations = list(pulse.invitations.select_related("participant")[:6])
    for invitation in pulse_invitations:
        for item in pulse.instrument.likert_items:
            services.answer_save(
                invitation=invitation, item_id=item.id, value=rng.choice([3, 4, 4, 5])
            )
        services.response_submit(invitation=invitation)
    return [baseline, repeat, pulse]
