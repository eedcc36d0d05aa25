from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tandem.programmes import services
from tandem.programmes.models import Pair, Profession, Programme

from ..conftest import participant_named
from ..factories import MilestoneFactory, ParticipantFactory, ProgrammeFactory, ServiceFactory


@pytest.mark.django_db
def test_minimum_reporting_group_defaults_to_five() -> None:
    assert ProgrammeFactory().min_group_size == 5


@pytest.mark.django_db
def test_minimum_reporting_group_below_three_is_refused_with_a_message() -> None:
    programme = ProgrammeFactory.build(
        min_group_size=2, organisation=ProgrammeFactory().organisation
    )
    with pytest.raises(ValidationError) as excinfo:
        programme.full_clean()
    assert "min_group_size" in excinfo.value.message_dict


@pytest.mark.django_db
def test_database_refuses_k_below_three_even_past_validation() -> None:
    programme = ProgrammeFactory()
    with pytest.raises(IntegrityError):
        Programme.objects.filter(pk=programme.pk).update(min_group_size=2)


@pytest.mark.django_db
def test_database_refuses_k_text_below_three_even_past_validation() -> None:
    programme = ProgrammeFactory()
    with pytest.raises(IntegrityError):
        Programme.objects.filter(pk=programme.pk).update(min_text_group_size=2)


@pytest.mark.django_db
def test_programme_cannot_end_before_it_starts() -> None:
    organisation = ProgrammeFactory().organisation
    with pytest.raises(ValidationError, match="end on or after"):
        services.programme_create(
            organisation=organisation,
            name="Backwards",
            slug="backwards",
            start_date=dt.date(2026, 1, 1),
            end_date=dt.date(2025, 1, 1),
        )


@pytest.mark.django_db
def test_milestone_cannot_end_before_it_starts() -> None:
    milestone = MilestoneFactory.build(
        programme=ProgrammeFactory(), start_date=dt.date(2025, 5, 1), end_date=dt.date(2025, 4, 1)
    )
    with pytest.raises(ValidationError, match="on or after the day it starts"):
        milestone.full_clean()


def test_pair_of_two_doctors_is_refused_naming_the_person(demo) -> None:
    doctor = participant_named(demo, "Dr Amara Okafor")
    other_doctor = participant_named(demo, "Dr Ben Hartley")
    service = ServiceFactory(locality__organisation=demo.programme.organisation)
    with pytest.raises(ValidationError) as excinfo:
        services.pair_create(
            programme=demo.programme, service=service, doctor=doctor, manager=other_doctor
        )
    assert excinfo.value.message_dict["manager"] == [
        "Dr Ben Hartley is recorded as doctor, not a manager: a pair needs exactly one manager."
    ]


def test_pair_with_a_manager_as_the_doctor_is_refused(demo) -> None:
    manager = participant_named(demo, "Anna Kowalski")
    other_manager = participant_named(demo, "Brian Doyle")
    service = ServiceFactory(locality__organisation=demo.programme.organisation)
    with pytest.raises(ValidationError) as excinfo:
        services.pair_create(
            programme=demo.programme, service=service, doctor=manager, manager=other_manager
        )
    assert (
        "Anna Kowalski is recorded as manager, not a doctor"
        in excinfo.value.message_dict["doctor"][0]
    )


def test_a_service_has_one_pair_per_programme(demo) -> None:
    pair = demo.pairs[0]
    doctor = ParticipantFactory(
        programme=demo.programme,
        person__profession=Profession.DOCTOR,
        person__organisation=demo.programme.organisation,
    )
    manager = ParticipantFactory(
        programme=demo.programme,
        person__profession=Profession.MANAGER,
        person__organisation=demo.programme.organisation,
    )
    with pytest.raises(ValidationError) as excinfo:
        services.pair_create(
            programme=demo.programme, service=pair.service, doctor=doctor, manager=manager
        )
    assert "already has a pair" in excinfo.value.message_dict["service"][0]


def test_pair_members_must_belong_to_the_programme(demo) -> None:
    stranger = ParticipantFactory(person__profession=Profession.MANAGER)
    doctor = participant_named(demo, "Dr Amara Okafor")
    service = ServiceFactory(locality__organisation=demo.programme.organisation)
    with pytest.raises(ValidationError) as excinfo:
        services.pair_create(
            programme=demo.programme, service=service, doctor=doctor, manager=stranger
        )
    assert "is not in this programme" in excinfo.value.message_dict["manager"][0]


def test_model_clean_gives_the_same_pair_errors_as_the_service(demo) -> None:
    pair = Pair.objects.get(programme=demo.programme, doctor__person__name="Dr Amara Okafor")
    pair.manager = participant_named(demo, "Dr Ben Hartley")
    with pytest.raises(ValidationError) as excinfo:
        pair.full_clean()
    assert "not a manager" in excinfo.value.message_dict["manager"][0]


@pytest.mark.django_db
def test_the_same_service_name_cannot_exist_twice_in_an_organisation() -> None:
    service = ServiceFactory(name="Memory Clinic")
    with pytest.raises(IntegrityError):
        ServiceFactory(name="memory clinic", locality=service.locality)
