"""Starting a programme from a template, and copying an earlier one."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from tandem.audit.models import AuditEvent
from tandem.coaching.models import CoachingSettings
from tandem.programmes import services
from tandem.programmes.models import Milestone, Pair, Participant, Person, Programme, Role
from tandem.programmes.setup import programme_copy, programme_start
from tandem.surveys.models import Answer, Invitation, Wave
from tests.factories import (
    MilestoneFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
)

START = dt.date(2027, 1, 4)


def start(organisation, **overrides):
    arguments = {
        "organisation": organisation,
        "title": "Partnership 2027",
        "start_date": START,
        "template_id": "partnership-12m",
        "lead_email": "jo.lead@trust.example",
        "lead_name": "Jo Lead",
    } | overrides
    return programme_start(**arguments)


def test_starting_a_programme_lays_out_milestones_waves_coaching_and_the_lead(
    db, django_capture_on_commit_callbacks
) -> None:
    organisation = OrganisationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        programme = start(organisation)
    assert programme.slug == "partnership-2027"
    assert programme.template_id == "partnership-12m"
    assert (programme.start_date, programme.end_date) == (START, dt.date(2028, 3, 27))
    milestones = list(programme.milestones.all())
    assert len(milestones) == 11
    assert milestones[0].title == "Baseline stock take"
    assert (milestones[0].start_date, milestones[0].end_date) == (
        dt.date(2027, 1, 11),
        dt.date(2027, 2, 7),
    )
    assert milestones[1].end_date is None  # feedback: a one-day event
    waves = Wave.objects.filter(programme=programme)
    assert waves.filter(kind="baseline", instrument_id="stock-take", instrument_version=2).get()
    assert waves.filter(kind="pulse", instrument_id="meeting-effectiveness").count() == 11
    assert not Invitation.objects.filter(wave__programme=programme).exists()
    assert CoachingSettings.objects.get(programme=programme).planned_sessions == 4
    lead = Participant.objects.get(programme=programme)
    assert (lead.role, lead.person.email, lead.person.name) == (
        Role.PROGRAMME_LEAD,
        "jo.lead@trust.example",
        "Jo Lead",
    )
    assert lead.person.user is not None and not lead.person.user.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["jo.lead@trust.example"]
    assert "Partnership 2027" in message.subject
    [link] = [line for line in message.body.splitlines() if "/password/" in line]
    page = Client().get(urlsplit(link.strip()).path, follow=True)
    assert page.status_code == 200 and b'name="new_password1"' in page.content


def test_an_existing_person_with_a_password_becomes_lead_without_an_invitation(
    db, django_capture_on_commit_callbacks
) -> None:
    organisation = OrganisationFactory()
    person = PersonFactory(organisation=organisation, email="known@trust.example")
    with django_capture_on_commit_callbacks(execute=True):
        programme = start(organisation, lead_email="Known@Trust.example", lead_name="")
    assert programme.participants.get().person == person
    assert mail.outbox == []


def test_a_lead_from_another_organisation_is_refused_and_nothing_is_written(db) -> None:
    PersonFactory(email="elsewhere@other.example")
    organisation = OrganisationFactory()
    before = (Programme.objects.count(), Milestone.objects.count(), Wave.objects.count())
    with pytest.raises(ValidationError) as caught:
        start(organisation, lead_email="elsewhere@other.example")
    assert "elsewhere@other.example" in caught.value.message_dict["lead_email"][0]
    assert (Programme.objects.count(), Milestone.objects.count(), Wave.objects.count()) == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"min_group_size": 2}, "min_group_size"),
        ({"min_group_size": 6, "min_text_group_size": 5}, "min_text_group_size"),
        ({"template_id": "nope"}, "template_id"),
        ({"lead_email": "new@trust.example", "lead_name": ""}, "lead_name"),
        ({"lead_email": "not an address"}, "lead_email"),
        ({"end_date": dt.date(2027, 6, 1)}, "end_date"),
    ],
)
def test_bad_settings_are_refused_on_their_field(db, overrides, field) -> None:
    with pytest.raises(ValidationError) as caught:
        start(OrganisationFactory(), **overrides)
    assert field in caught.value.message_dict
    assert not Programme.objects.filter(name="Partnership 2027").exists()


def test_a_second_programme_with_the_same_title_gets_its_own_slug(db) -> None:
    organisation = OrganisationFactory()
    start(organisation)
    assert start(organisation).slug == "partnership-2027-2"


def test_a_milestone_cannot_be_moved_outside_the_programme(db) -> None:
    milestone = MilestoneFactory(programme=ProgrammeFactory())
    with pytest.raises(ValidationError) as caught:
        services.milestone_update(milestone=milestone, start_date=dt.date(2024, 12, 1))
    assert "1 January 2025 and 31 December 2026" in caught.value.message_dict["start_date"][0]
    with pytest.raises(ValidationError) as caught:
        services.milestone_create(
            programme=milestone.programme,
            kind="other",
            title="Late",
            start_date=dt.date(2026, 12, 1),
            end_date=dt.date(2027, 1, 5),
        )
    assert "end_date" in caught.value.message_dict


def test_a_copy_moves_milestones_and_waves_and_copies_no_answers(demo) -> None:
    source = demo.programme
    shift = dt.date(2027, 1, 13) - source.start_date
    copy = programme_copy(source=source, title="Partnership 2027", start_date=dt.date(2027, 1, 13))
    assert copy.organisation == source.organisation
    assert copy.end_date == source.end_date + shift
    assert (copy.min_group_size, copy.min_text_group_size, copy.retention_months) == (
        source.min_group_size,
        source.min_text_group_size,
        source.retention_months,
    )
    assert [(m.title, m.start_date, m.end_date) for m in copy.milestones.all()] == [
        (m.title, m.start_date + shift, m.end_date + shift if m.end_date else None)
        for m in source.milestones.all()
    ]
    source_waves = Wave.objects.filter(programme=source).order_by("opens_on", "pk")
    copied_waves = Wave.objects.filter(programme=copy).order_by("opens_on", "pk")
    assert [(w.instrument_id, w.opens_on, w.closes_on) for w in copied_waves] == [
        (w.instrument_id, w.opens_on + shift, w.closes_on + shift) for w in source_waves
    ]
    assert not Invitation.objects.filter(wave__programme=copy).exists()
    assert not Answer.objects.filter(invitation__wave__programme=copy).exists()
    assert all(w.released_at is None for w in copied_waves)
    # Without copy_pairs only the lead comes along.
    assert [p.role for p in copy.participants.all()] == [Role.PROGRAMME_LEAD]
    assert not Pair.objects.filter(programme=copy).exists()
    assert AuditEvent.objects.filter(action="programme.copy").exists()


def test_a_copy_with_pairs_brings_the_active_people_and_their_pairs(demo) -> None:
    source = demo.programme
    leaver = source.participants.filter(role=Role.PARTICIPANT).first()
    leaver.left_on = dt.date(2025, 6, 1)
    leaver.save()
    copy = programme_copy(
        source=source, title="Partnership 2027", start_date=dt.date(2027, 1, 13), copy_pairs=True
    )
    active = set(source.participants.active().values_list("person_id", "role"))
    assert set(copy.participants.values_list("person_id", "role")) == active
    expected_pairs = {
        (p.service_id, p.doctor.person_id, p.manager.person_id)
        for p in source.pairs.all()
        if leaver.pk not in (p.doctor_id, p.manager_id)
    }
    assert {
        (p.service_id, p.doctor.person_id, p.manager_id and p.manager.person_id)
        for p in copy.pairs.all()
    } == expected_pairs


def test_a_copy_may_name_a_new_lead(demo, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        copy = programme_copy(
            source=demo.programme,
            title="Partnership 2027",
            start_date=dt.date(2027, 1, 13),
            lead_email="new.lead@riverside-fells.example",
            lead_name="New Lead",
        )
    [lead] = copy.participants.all()
    assert lead.person.email == "new.lead@riverside-fells.example"
    assert Person.objects.get(email="new.lead@riverside-fells.example").organisation == (
        demo.programme.organisation
    )
    assert [m.to for m in mail.outbox] == [["new.lead@riverside-fells.example"]]


def test_a_registered_app_plans_and_copies_its_part_of_a_programme(db) -> None:
    from tandem import registry

    seen: list[tuple[str, str, object]] = []
    registry.register(
        registry.AppContribution(
            name="throwaway",
            programme_plan=lambda *, programme, plan, actor: seen.append(
                ("plan", programme.name, len(plan.milestones))
            ),
            programme_copy=lambda *, source, target, shift, actor: seen.append(
                ("copy", target.name, shift.days)
            ),
        )
    )
    try:
        programme = start(OrganisationFactory())
        programme_copy(source=programme, title="Next year", start_date=dt.date(2027, 1, 11))
    finally:
        registry.unregister("throwaway")
    assert seen == [("plan", "Partnership 2027", 11), ("copy", "Next year", 7)]
